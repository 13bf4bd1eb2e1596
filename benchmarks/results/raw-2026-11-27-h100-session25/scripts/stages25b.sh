# Session 25, round 2 (fixed before it runs: the report's "Round 2"), one GPU. Diagnostic only.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
md5sum best_program_cuda.py
echo "$(date +%T) GPU time at L = 1, 64 and 255: one-block kernels of 8 (shipped), 4 and 2 warps"
bash benchmarks/gpu_session.sh gputime 1,64,255 best_program_cuda.py ONE_BLOCK_WARPS=4 ONE_BLOCK_WARPS=2 \
    >$OUT/gputime.log 2>&1
grep -v "^/root" $OUT/gputime.log | cut -c1-200
echo "$(date +%T) round 2 ended"
