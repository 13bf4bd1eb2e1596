# Session 19, round 2 (fixed before the run: benchmarks/results/2026-11-27-h100-session19.md).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
echo "$(date +%T) full subset, 1 pair"
MONITOR=1 OUT=$OUT/full bash benchmarks/gpu_session.sh full best_program_cuda.py 1
echo "$(date +%T) short lengths, one process after another"
mkdir -p $OUT/short
for i in $(seq 1 16); do
  python3 kernel_benchmark.py --program best_program_cuda.py --no-prefill --lengths 1,2,8,64,128,255 \
      --copy-mib 64 --json $OUT/short/shipped_$i.json | tail -n 1
done
