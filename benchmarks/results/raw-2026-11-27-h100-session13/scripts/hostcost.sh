# Session 13, section 2 (fixed in advance): host cost per call through the hook, 3 processes, order alternating.
set -u
PREV=runs/s13/previous_program_cuda.py
NEW=best_program_cuda.py
for i in 1 2 3; do
  if (( i % 2 )); then order=(--program "$PREV" --program "$NEW"); else order=(--program "$NEW" --program "$PREV"); fi
  python3 benchmarks/hook_cost.py "${order[@]}" --program benchmarks/ceiling_program_cuda.py \
      --lengths 1,128,1024,4096,32768 >"$OUT/hook_cost$i.txt" 2>&1
  echo "process $i rc $? $(date +%T)"
done
