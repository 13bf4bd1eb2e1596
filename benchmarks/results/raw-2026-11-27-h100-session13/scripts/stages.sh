# Session 13's stages, in order (pre-registered in benchmarks/results/2026-11-27-h100-session13.md).
# Run from /root/repo by start.sh; output in $OUT (/root/s13).
set -u
LENGTHS=1,2,8,64,128,255,256,512,1024,4096,16384,32768
NEW=best_program_cuda.py
PREV=runs/s13/previous_program_cuda.py
python3 qwen3_model.py synthetic >/dev/null
echo "A/B start $(date +%T)"
for i in 1 2 3; do  # one process each, the order of the two programs alternating
  if (( i % 2 )); then order=(--program "$PREV" --program "$NEW"); else order=(--program "$NEW" --program "$PREV"); fi
  python3 kernel_benchmark.py "${order[@]}" --lengths $LENGTHS --no-prefill --json "$OUT/ab$i.json" >"$OUT/ab$i.log" 2>&1
  echo "A/B process $i rc $? $(date +%T)"
done
echo "validation start $(date +%T)"
MONITOR=1 EVAL_ARGS="--pairs 8" EVAL_TIMEOUT_S=1260 bash benchmarks/gpu_session.sh evaluate "$NEW"
echo "validation end $(date +%T)"
