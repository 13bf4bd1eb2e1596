# Session 24, round 1 (fixed before it runs: the report's "Round 1"), one GPU.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session24
LEAN=$R/programs/lean_args.py
CEIL=benchmarks/ceiling_program_cuda.py
md5sum best_program_cuda.py $LEAN
echo "$(date +%T) gates of lean_args"
OUT=$OUT/gates bash benchmarks/gpu_session.sh gates $LEAN >$OUT/gates.log 2>&1
grep -E "passed|FAILED" $OUT/gates.log | cut -c1-200
grep -q "check_memory_safety passed" $OUT/gates.log || { echo "gates failed: stop"; exit 1; }
orders=("best_program_cuda.py $LEAN $CEIL" "$LEAN $CEIL best_program_cuda.py" "$CEIL best_program_cuda.py $LEAN"
        "best_program_cuda.py $LEAN $CEIL")
for i in 1 2 3 4; do
  echo "$(date +%T) host cost, process $i: ${orders[$((i-1))]}"
  args=$(for p in ${orders[$((i-1))]}; do echo -n "--program $p "; done)
  python3 benchmarks/hook_cost.py $args --lengths 1,128,200,300,500 --dispatch >$OUT/hook_cost$i.txt 2>&1
  tail -n 32 $OUT/hook_cost$i.txt
done
echo "$(date +%T) kernel A/B, 6 processes each (the no-op kernel too, for the short lengths; the rule ignores it)"
python3 benchmarks/kernel_ab.py --out $OUT/ab --processes 6 best_program_cuda.py $LEAN $CEIL | grep -v "^chosen"
python3 benchmarks/kernel_ab.py --out $OUT/ab --processes 6 --decide-only --min-gain 0.99 --per-length 0.97 \
    --short-slack 0.03 best_program_cuda.py $LEAN
echo "$(date +%T) decision"
if python3 $R/scripts/decide24.py $OUT/ab/decision.json $OUT/hook_cost{1,2,3,4}.txt; then
  cp $LEAN best_program_cuda.py  # this private copy of the repository only
  echo "$(date +%T) chosen: the kernel table of the chosen file, fresh"
  python3 kernel_benchmark.py --program best_program_cuda.py --lengths all \
      --json $OUT/kernel_all_best_program_cuda.json >$OUT/kernel_all.log 2>&1
  grep -E "^\| decode|geometric" $OUT/kernel_all.log
  echo "$(date +%T) quick subset, 8 pairs with ceilings"
  MONITOR=1 EVAL_TIMEOUT_S=1300 EVAL_ARGS="--pairs 8" OUT=$OUT/quick \
      bash benchmarks/gpu_session.sh evaluate best_program_cuda.py >$OUT/quick.log 2>&1
  tail -n 40 $OUT/quick.log | cut -c1-250
fi
echo "$(date +%T) round 1 ended"
