# Session 23, round 4 (fixed before it runs: the report's "Round 4"), one GPU: what the program's
# dispatch pays beyond the no-op kernel's. Attribution only; nothing is shipped from it.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
P=benchmarks/results/raw-2026-11-27-h100-session23/programs
programs=(benchmarks/ceiling_program_cuda.py $P/noop_args.py $P/noop_blocks.py $P/noop_cluster.py $P/noop_all.py best_program_cuda.py)
md5sum best_program_cuda.py
for i in 1 2 3; do
  n=${#programs[@]}; args=""
  for j in $(seq 0 $((n - 1))); do args+="--program ${programs[$(( (j + 2 * (i - 1)) % n ))]} "; done
  echo "$(date +%T) process $i: $args"
  python3 benchmarks/hook_cost.py $args --lengths 128,300 --dispatch >$OUT/dispatch$i.txt 2>&1
  grep dispatch $OUT/dispatch$i.txt
done
echo "$(date +%T) round 4 ended"
