# Session 20 (fixed before the run: benchmarks/results/2026-11-27-h100-session20.md).
# Each full-subset pair is its own stage with its own folder, so a pair that ends is kept if a later one
# is cut off.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session20
C=$R/programs/relaxed_arrive.py
for part in a b; do
  echo "$(date +%T) full subset, pair $part"
  MONITOR=1 OUT=$OUT/full_$part bash benchmarks/gpu_session.sh full best_program_cuda.py 1
done
echo "$(date +%T) gputime"
OUT=$OUT/g bash benchmarks/gpu_session.sh gputime 1024,4096,32768 best_program_cuda.py $C
echo "$(date +%T) images"
OUT=$OUT/images bash benchmarks/gpu_session.sh images $C
echo "$(date +%T) the rule"
python3 $R/scripts/decide20.py $OUT
