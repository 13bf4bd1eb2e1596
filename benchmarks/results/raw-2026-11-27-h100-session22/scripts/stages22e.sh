# Session 22, round 8 (fixed before it runs: the report's "Round 8"), one GPU: one full-subset pair of
# the shipped file, the fourth after sessions 19-20's three.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
echo "$(date +%T) round 8: full subset, 1 pair of best_program_cuda.py"
MONITOR=1 OUT=$OUT/full bash benchmarks/gpu_session.sh full best_program_cuda.py 1
echo "$(date +%T) round 8 ended"
