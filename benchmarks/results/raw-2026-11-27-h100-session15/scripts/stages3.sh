# Session 15, round 3 (fixed before the run: benchmarks/results/2026-11-27-h100-session15.md, round 3).
set -u
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
for i in 1 2; do
  for p in best_program_cuda.py runs/s15/v/fused_merge.py; do
    echo "== process $i $p $(date +%T)"
    PYTHONPATH=/root/site:. timeout 55 python3 runs/s15/placement.py "$p" 2 2>&1 | grep -v "^$"
  done
done
echo "done $(date +%T)"
