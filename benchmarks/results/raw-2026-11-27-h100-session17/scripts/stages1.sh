# Session 17, round 1 (fixed before the run: benchmarks/results/2026-11-27-h100-session17.md).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session17
P=$R/programs
echo "$(date +%T) images"
OUT=$OUT/images bash benchmarks/gpu_session.sh images best_program_cuda.py $P/lean.py $P/lean_text1.py \
    $P/lean_text2.py $P/w12.py $P/w12_text1.py
for c in lean w12; do
  echo "$(date +%T) gates $c"
  OUT=$OUT/gates_$c bash benchmarks/gpu_session.sh gates $P/$c.py >/dev/null
done
eligible=$(python3 $R/scripts/eligible.py $OUT/images/images.txt \
    lean=$OUT/gates_lean/correctness.log:lean,lean_text1,lean_text2 \
    w12=$OUT/gates_w12/correctness.log:w12,w12_text1)
echo "eligible: ${eligible:-none}"
[[ -n "$eligible" ]] || exit 0
echo "$(date +%T) kernel A/B"
AB_ARGS="--min-gain 1.00" OUT=$OUT bash benchmarks/gpu_session.sh ab 6 best_program_cuda.py $(for c in $eligible; do echo $P/$c.py; done)
chosen=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["chosen"] or "")' $OUT/ab/decision.json)
echo "$(date +%T) chosen: ${chosen:-none}"
if [[ -n "$chosen" ]]; then
  MONITOR=1 EVAL_TIMEOUT_S=560 EVAL_ARGS="--pairs 4" OUT=$OUT/e2e bash benchmarks/gpu_session.sh evaluate $P/$chosen.py
fi
echo "$(date +%T) gputime"
OUT=$OUT/g bash benchmarks/gpu_session.sh gputime 1024,4096,32768 best_program_cuda.py $P/lean.py $P/w12.py
