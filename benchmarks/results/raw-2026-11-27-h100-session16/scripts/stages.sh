# Session 16, rounds 1 and 2 (fixed before the run: benchmarks/results/2026-11-27-h100-session16.md).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
V=runs/s16/v
python3 qwen3_model.py synthetic >/dev/null
# Round 1: code or text? Six texts, each in its own processes, the two programs alternating.
echo "$(date +%T) round 1"
OUT=$OUT/r1 bash benchmarks/gpu_session.sh gputime 1024,4096,32768 $V/shipped.py $V/fused_merge.py \
    $V/shipped_text1.py $V/fused_merge_text1.py $V/shipped_text2.py $V/fused_merge_text2.py
python3 runs/s16/verdict.py "$OUT/r1/gputime.tgz" | tee "$OUT/r1/verdict.txt"
grep -q "^L=32768: code" "$OUT/r1/verdict.txt" || { echo "$(date +%T) 32K gain is not code: no round 2"; exit 0; }
# Round 2: session 14's kernel A/B rule, 6 processes each; the candidate beside the evaluator, as it would ship.
cp $V/fused_merge.py fused_merge_program_cuda.py
echo "$(date +%T) round 2"
OUT=$OUT bash benchmarks/gpu_session.sh ab 6 best_program_cuda.py fused_merge_program_cuda.py
echo "$(date +%T) chosen: $(python3 -c "import json; print(json.load(open('$OUT/ab/decision.json'))['chosen'])")"
