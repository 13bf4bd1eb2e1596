# Session 24, round 2 (fixed before it runs: the report's "Round 2"), one GPU.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session24
LEAN=$R/programs/lean_args.py
md5sum best_program_cuda.py $LEAN
echo "$(date +%T) kernel A/B, 8 processes each"
python3 benchmarks/kernel_ab.py --out $OUT/ab --processes 8 --min-gain 0.99 --per-length 0.97 --short-slack -0.01 \
    best_program_cuda.py $LEAN | tee $OUT/ab.txt
if grep -q "^chosen: lean_args$" $OUT/ab.txt; then
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
echo "$(date +%T) round 2 ended"
