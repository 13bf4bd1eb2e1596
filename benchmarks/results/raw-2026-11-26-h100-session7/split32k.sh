# Which change to a program moves its 32K cluster kernel between the ~52 and ~57 us GPU times?
# v0 = best_program_cuda.py; v1 another kernel name; v2 a comment in the per-call source; v3 a comment in the
# included file; v4 20 us more host time a call; inline = session 6's program (same machine code). One ncu profile per process, each twice.
set -u
mkdir -p $OUT/split32k
for i in 1 2; do
  for p in runs/split32k/best_program_cuda_{v0,v1_name,v2_source_comment,v3_file_comment,v4_host_delay,inline}.py; do
    csv=/tmp/$(basename $p .py)_$i.csv
    timeout 80 ncu --clock-control none --metrics gpu__time_duration.sum --csv --log-file $csv \
        python3 kernel_benchmark.py --program $p --lengths 32768 --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
    python3 benchmarks/ncu_kernel_times.py $csv >$OUT/split32k/$(basename $p .py)_$i.md
    grep "decode_cluster\|cudnn_generated" $OUT/split32k/$(basename $p .py)_$i.md | cut -c1-40,90- | sed "s|^|$i $(basename $p .py) |"
  done
done
cd $OUT && tar czf split32k.tgz split32k && rm -rf split32k
