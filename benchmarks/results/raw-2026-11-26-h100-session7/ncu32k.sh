# Is the 32K cluster kernel's GPU time (52 or 57 us) a property of the program or of the process?
# Alternating processes, one ncu profile each, the two programs whose machine code differs only in symbol names.
set -u
new=best_program_cuda.py old=runs/hostcost/best_program_cuda_inline.py
mkdir -p $OUT/ncu32k
for i in 1 2 3; do
  order="$old $new"; (( i % 2 == 0 )) && order="$new $old"
  for p in $order; do
    csv=$OUT/ncu32k/$(basename $p .py)_$i.csv
    timeout 80 ncu --clock-control none --metrics gpu__time_duration.sum --csv --log-file $csv \
        python3 kernel_benchmark.py --program $p --lengths 32768 --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
    python3 benchmarks/ncu_kernel_times.py $csv | grep "decode_cluster\|cudnn_generated" | cut -c1-40,90- | sed "s|^|$i $(basename $p .py) |"
  done
done
cd $OUT && tar czf ncu32k.tgz ncu32k && rm -rf ncu32k
