# For the next session (fixed here, before it runs: the report's "For the next session"), one GPU:
# the full subset's third pair of the shipped file, then what the one-block kernel's fixed GPU time at
# short lengths is made of. Start it with start.sh, archive with wait.sh (both from this folder).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
md5sum best_program_cuda.py
P23=benchmarks/results/raw-2026-11-27-h100-session23/programs
# The one-block kernel without its cluster shape: diagnostic only (see the report). Kept with the results.
mkdir -p $OUT/programs
NO_CLUSTER=$OUT/programs/one_block_no_cluster.py
sed 's/header(ONE_BLOCK_WARPS, cluster=True)/header(ONE_BLOCK_WARPS, cluster=False)/' best_program_cuda.py >$NO_CLUSTER
grep -q "header(ONE_BLOCK_WARPS, cluster=False)" $NO_CLUSTER || { echo "best_program_cuda.py changed: no variant"; exit 1; }
echo "$(date +%T) full pair c"
OUT=$OUT/full_c MONITOR=1 bash benchmarks/gpu_session.sh full best_program_cuda.py 1 >$OUT/full_c.log 2>&1
tail -n 3 $OUT/full_c.log | cut -c1-200
echo "$(date +%T) GPU time at L = 1 and 64: no-op kernels of 1 block, 8 blocks, one cluster of 8; the one-block kernel with and without its cluster shape"
OUT=$OUT/gputime_parts bash benchmarks/gpu_session.sh gputime 1,64 benchmarks/ceiling_program_cuda.py $P23/noop_blocks.py \
    $P23/noop_cluster.py best_program_cuda.py $NO_CLUSTER >$OUT/gputime_parts.log 2>&1
grep -v "^/root" $OUT/gputime_parts.log | cut -c1-200 | tail -n 20
echo "$(date +%T) ended"
