# Session 26, round 2 (fixed here, before it runs: the report's "Round 2"), one GPU. Whether loading
# the queries and the first step's K and V rows together (programs/loads_first.py) takes one memory
# latency off the one-block kernel's chain, and whether that shows in the kernel A/B.
# Start with session 25's start.sh, archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session26
LF=$R/programs/loads_first.py
md5sum best_program_cuda.py $LF
echo "$(date +%T) gates of loads_first"
OUT=$OUT/gates bash benchmarks/gpu_session.sh gates $LF >$OUT/gates.log 2>&1
grep -E "passed|FAILED" $OUT/gates.log | cut -c1-200
grep -q "FAILED" $OUT/gates.log && { echo "loads_first failed a gate: stop"; exit 1; }
echo "$(date +%T) machine code inside MLX (spills)"
OUT=$OUT/images bash benchmarks/gpu_session.sh images best_program_cuda.py $LF >$OUT/images.log 2>&1
cat $OUT/images/images.txt
echo "$(date +%T) GPU time at L = 1, 64, 255"
OUT=$OUT/gputime bash benchmarks/gpu_session.sh gputime 1,64,255 best_program_cuda.py $LF >$OUT/gputime.log 2>&1
grep -E "decode speedup|one_block" $OUT/gputime.log | cut -c1-160
echo "$(date +%T) where the one-block kernel's warps wait at L = 1 (Nsight Compute, WarpStateStats)"
for p in best_program_cuda.py $LF; do
  ncu --clock-control none --section WarpStateStats -k regex:one_block -c 40 --csv --page details \
      --log-file $OUT/stalls_$(basename $p .py).csv \
      python3 kernel_benchmark.py --program $p --lengths 1 --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
done
echo "$(date +%T) kernel A/B, 8 processes each, session 24's round-2 rule"
OUT=$OUT/ab AB_ARGS="--min-gain 0.99 --per-length 0.97 --short-slack -0.01" \
    bash benchmarks/gpu_session.sh ab 8 best_program_cuda.py $LF >$OUT/ab.log 2>&1
tail -n 12 $OUT/ab.log | cut -c1-300
echo "$(date +%T) ended"
