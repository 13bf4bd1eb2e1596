# Round 1's profile (run after the round on the same warm machine, from the repository root, with
# PYTHONPATH=/root/site:. and QWEN3_GQA_CACHE=/root/qcache). Only the 1K run profiled the program's
# kernel: at L = 1 the 4 launches after the 20 skipped were all SDPA's (the name filter counts both).
for spec in "best_program_cuda.py 1 ob" "best_program_cuda.py 1024 cl" "benchmarks/ceiling_program_cuda.py 1 noop"; do
  set -- $spec
  timeout 150 ncu --clock-control none --set full --kernel-name regex:"qwen3_gqa|sdpav" --launch-skip 20 \
      --launch-count 4 -o "$OUT/$3" python3 kernel_benchmark.py --program "$1" --lengths "$2" --no-prefill \
      --repeats 3 --copy-mib 16 >/dev/null 2>&1
  ncu -i "$OUT/$3.ncu-rep" --page details >"$OUT/$3_details.txt" 2>&1
  ncu -i "$OUT/$3.ncu-rep" --page source --csv --print-source sass >"$OUT/$3_source.csv" 2>&1
done
