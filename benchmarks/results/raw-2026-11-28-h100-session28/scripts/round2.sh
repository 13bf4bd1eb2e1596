# Session 28, round 2 (fixed here, before it runs: the report's "Round 2"), one GPU, diagnostic.
# A: does a busy host push a custom kernel's call below SDPA at short lengths, the no-op kernel's too?
#    The shipped file and the no-op kernel at L < 256, each in its own process, on a quiet host and with
#    16 busy-loop processes on the machine's 16 cores, alternating, 3 times.
# B: the one-warp kernel's GPU time at L = 1 without Nsight Compute's cache flush (session 27's round 2
#    and 4 setting), with the shipped file and the no-op kernel in the same call.
# Start with session 25's start.sh, archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-28-h100-session28
NOOP=benchmarks/ceiling_program_cuda.py
md5sum best_program_cuda.py $NOOP $R/programs/one_warp.py
nproc
mkdir -p $OUT/load
for rep in 1 2 3; do
  for host in quiet busy; do
    hogs=()
    if [[ $host == busy ]]; then
      for _ in $(seq "$(nproc)"); do python3 -c 'while True: pass' & hogs+=($!); done
    fi
    for program in best_program_cuda.py $NOOP; do
      name=$(basename $program .py).$host.$rep
      echo "$(date +%T) $name"
      python3 kernel_benchmark.py --program $program --no-prefill --lengths 1,2,8,64,128,255 --repeats 30 \
          --copy-mib 256 --json $OUT/load/$name.json >$OUT/load/$name.log 2>&1 || echo "  failed: $name"
    done
    (( ${#hogs[@]} )) && kill "${hogs[@]}" && wait "${hogs[@]}" 2>/dev/null
  done
done
python3 $R/scripts/host_windows.py --runs $OUT/load | tee $OUT/load.md
run=0
for program in $NOOP best_program_cuda.py $R/programs/one_warp.py; do
  name=$(basename $program .py).none.$((++run))
  echo "$(date +%T) $name"
  ncu --clock-control none --cache-control none --metrics gpu__time_duration.sum --csv --log-file $OUT/$name.ncu.csv \
      python3 kernel_benchmark.py --program $program --lengths 1 --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
  python3 benchmarks/ncu_kernel_times.py $OUT/$name.ncu.csv | tee $OUT/$name.md
done
echo "$(date +%T) ended"
