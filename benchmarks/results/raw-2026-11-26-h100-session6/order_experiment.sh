# Does the cluster path's speed at 32K depend on the one-block kernel run before it in the process?
# (commit 6f91de6's best_program_cuda.py is runs/before/best_program_cuda_before.py)
set -u
d=$OUT/order && mkdir -p $d
for i in 1 2; do
  for lengths in 32768 1,32768; do
    for p in runs/before/best_program_cuda_before.py best_program_cuda.py; do
      n=$(basename $p .py)_L${lengths/,/_}_$i
      timeout 100 python3 kernel_benchmark.py --program $p --lengths $lengths --no-prefill --repeats 30 --copy-mib 1024 --json $d/$n.json | grep "decode L=32768" | sed "s|^|$n |"
    done
  done
done
for p in runs/before/best_program_cuda_before.py best_program_cuda.py; do
  for lengths in 32768 1,32768; do
    n=$(basename $p .py)_L${lengths/,/_}
    ncu --clock-control none --metrics gpu__time_duration.sum --csv --log-file $d/$n.ncu.csv python3 kernel_benchmark.py --program $p --lengths $lengths --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
    python3 benchmarks/ncu_kernel_times.py $d/$n.ncu.csv | grep "custom\|sdpa\|cudnn\|flash" | cut -c1-50,90- | sed "s|^|$n |"
  done
done
cd $OUT && tar czf order.tgz order && rm -rf order
