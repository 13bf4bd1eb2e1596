# Session 22, round 9 (fixed before it runs: the report's "Round 9"), one GPU.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session22
nvidia-smi -lms 250 --format=csv --query-gpu=timestamp,clocks.sm,utilization.gpu >$OUT/monitor_round9.csv &
echo "$(date +%T) round 9: the ceiling, then the shipped file, 8 lockstep pairs each"
python3 $R/scripts/round9.py $OUT/round9 >$OUT/round9.log 2>&1
grep -A6 "^== " $OUT/round9.log
echo "$(date +%T) round 9 ended"
kill %1
