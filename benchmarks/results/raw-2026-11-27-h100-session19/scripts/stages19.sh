# Session 19, round 1 (fixed before the run: benchmarks/results/2026-11-27-h100-session19.md).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session19
C=$R/programs/loads_first.py
echo "$(date +%T) images"
OUT=$OUT/images bash benchmarks/gpu_session.sh images best_program_cuda.py $C
echo "$(date +%T) gputime"
OUT=$OUT/g bash benchmarks/gpu_session.sh gputime 1,128,1024 best_program_cuda.py $C
echo "$(date +%T) kernel A/B, 5 processes each"
AB_ARGS="--min-gain 1.00" OUT=$OUT bash benchmarks/gpu_session.sh ab 5 best_program_cuda.py $C
echo "$(date +%T) the rule"
if python3 $R/scripts/decide19.py $OUT; then
  echo "$(date +%T) end to end: 4 pairs, quick subset, ceilings with 4 pairs"
  MONITOR=1 EVAL_TIMEOUT_S=800 EVAL_ARGS="--pairs 4" OUT=$OUT/e2e bash benchmarks/gpu_session.sh evaluate $C
else
  echo "$(date +%T) not chosen: no end-to-end run"
fi
