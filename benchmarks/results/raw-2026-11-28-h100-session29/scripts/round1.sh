# Session 29, round 1 (fixed here, before it runs: the report's "Round 1"), one GPU, diagnostic.
# What does the shipped file's decode call cost at L < 256 before its kernel does any work, and does
# that call alone fall below SDPA on a busy host?
# A: host time per call (hook_cost.py --dispatch), 4 processes, 5 programs in rotating order, L = 1, 128.
# B: each program at L < 256 in its own kernel_benchmark.py process, on a quiet host and with one
#    busy-loop process per core beside it, alternating, 3 times (session 28 round 2's protocol).
# Start with session 25's start.sh, archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-28-h100-session29
python3 benchmarks/kernel_variants.py $R/programs/call_floor.py $OUT/programs CLUSTER_SHAPE=0
PROGRAMS=(best_program_cuda.py benchmarks/results/raw-2026-11-28-h100-session28/programs/one_warp.py
          $R/programs/call_floor.py $OUT/programs/call_floor_cluster_shape0.py benchmarks/ceiling_program_cuda.py)
md5sum "${PROGRAMS[@]}"
nproc
n=${#PROGRAMS[@]}
rotated() { for j in $(seq 0 $((n - 1))); do echo "${PROGRAMS[$(( ($1 + j) % n ))]}"; done; }
for i in 1 2 3 4; do
  echo "$(date +%T) host cost, process $i"
  args=$(for p in $(rotated $i); do echo -n "--program $p "; done)
  python3 benchmarks/hook_cost.py $args --lengths 1,128 --dispatch >$OUT/hook_cost$i.txt 2>&1 || echo "  failed"
done
mkdir -p $OUT/load
for rep in 1 2 3; do
  for host in quiet busy; do
    hogs=()
    if [[ $host == busy ]]; then
      for _ in $(seq "$(nproc)"); do python3 -c 'while True: pass' & hogs+=($!); done
    fi
    for program in $(rotated $rep); do
      name=$(basename $program .py).$host.$rep
      echo "$(date +%T) $name"
      python3 kernel_benchmark.py --program $program --no-prefill --lengths 1,2,8,64,128,255 --repeats 30 \
          --copy-mib 256 --json $OUT/load/$name.json >$OUT/load/$name.log 2>&1 || echo "  failed: $name"
    done
    (( ${#hogs[@]} )) && kill "${hogs[@]}" && wait "${hogs[@]}" 2>/dev/null
  done
done
python3 benchmarks/results/raw-2026-11-28-h100-session28/scripts/host_windows.py --runs $OUT/load | tee $OUT/load.md
echo "$(date +%T) ended"
