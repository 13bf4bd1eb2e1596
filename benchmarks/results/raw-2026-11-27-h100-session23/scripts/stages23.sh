# Session 23, round 1 (fixed before it runs: the report's "Round 1"), one GPU.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session23
LEAN=$R/programs/lean_call.py
CEIL=benchmarks/ceiling_program_cuda.py
md5sum best_program_cuda.py $LEAN
echo "$(date +%T) gates of the lean call"
OUT=$OUT/gates bash benchmarks/gpu_session.sh gates $LEAN >$OUT/gates.log 2>&1
grep -E "passed|FAILED" $OUT/gates.log | cut -c1-200
grep -q "check_memory_safety passed" $OUT/gates.log || { echo "gates failed: stop"; exit 1; }
orders=("best_program_cuda.py $LEAN $CEIL" "$LEAN $CEIL best_program_cuda.py" "$CEIL best_program_cuda.py $LEAN")
for i in 1 2 3; do
  echo "$(date +%T) host cost, process $i: ${orders[$((i-1))]}"
  args=$(for p in ${orders[$((i-1))]}; do echo -n "--program $p "; done)
  python3 benchmarks/hook_cost.py $args --lengths 1,128,200,300,500 --dispatch >$OUT/hook_cost$i.txt 2>&1
  tail -n 25 $OUT/hook_cost$i.txt
done
echo "$(date +%T) decision"
if python3 $R/scripts/decide23.py $OUT/hook_cost1.txt $OUT/hook_cost2.txt $OUT/hook_cost3.txt; then
  cp $LEAN best_program_cuda.py  # this private copy of the repository only
  echo "$(date +%T) chosen: the kernel table of the chosen file, fresh"
  python3 kernel_benchmark.py --program best_program_cuda.py --lengths all \
      --json $OUT/kernel_all_best_program_cuda.json >$OUT/kernel_all.log 2>&1
  grep -E "^\| decode|geometric" $OUT/kernel_all.log
fi
echo "$(date +%T) round 1 ended"
