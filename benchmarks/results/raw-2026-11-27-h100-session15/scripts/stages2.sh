# Session 15, round 2 (fixed before the run: benchmarks/results/2026-11-27-h100-session15.md, round 2).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
python3 qwen3_model.py synthetic >/dev/null
cp runs/s15/v/fused_merge.py fused_merge_program_cuda.py  # beside the evaluator, as a candidate sits
echo "$(date +%T) kernel A/B"
OUT=$OUT bash benchmarks/gpu_session.sh ab 3 best_program_cuda.py fused_merge_program_cuda.py
chosen=$(python3 -c "import json; print(json.load(open('$OUT/ab/decision.json'))['chosen'])")
echo "$(date +%T) chosen: $chosen"
[[ "$chosen" == fused_merge_program_cuda ]] || exit 0
echo "$(date +%T) validation"
MONITOR=1 EVAL_TIMEOUT_S=560 EVAL_ARGS="--pairs 4" OUT=$OUT bash benchmarks/gpu_session.sh evaluate fused_merge_program_cuda.py \
    >"$OUT/validation.log" 2>&1
tail -n 30 "$OUT/validation.log"
echo "$(date +%T) done"
