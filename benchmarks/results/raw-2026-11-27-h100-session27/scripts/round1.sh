# Session 27, round 1 (fixed here, before it runs: the report's "Round 1"), one GPU. Whether a step of
# one row per half-warp, where a step has no more rows than half-warps (programs/short_step.py), takes
# GPU time off the one-block kernel at short lengths, and whether the kernel A/B chooses it.
# Start with session 25's start.sh, archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
SS=benchmarks/results/raw-2026-11-27-h100-session27/programs/short_step.py
md5sum best_program_cuda.py $SS
echo "$(date +%T) gates of short_step"
OUT=$OUT/gates bash benchmarks/gpu_session.sh gates $SS >$OUT/gates.log 2>&1
grep -E "passed|FAILED" $OUT/gates.log | cut -c1-200
grep -q "FAILED" $OUT/gates.log && { echo "short_step failed a gate: stop"; exit 1; }
echo "$(date +%T) machine code inside MLX (spills)"
OUT=$OUT/images bash benchmarks/gpu_session.sh images best_program_cuda.py $SS >$OUT/images.log 2>&1
cat $OUT/images/images.txt
echo "$(date +%T) GPU time at L = 1, 8, 255"
OUT=$OUT/gputime bash benchmarks/gpu_session.sh gputime 1,8,255 best_program_cuda.py $SS >$OUT/gputime.log 2>&1
grep -E "decode speedup|one_block" $OUT/gputime.log | cut -c1-160
# The one-block rows come 3 per program, in the order of the programs and lengths above.
python3 - "$OUT/gputime.log" <<'EOF' || { echo "$(date +%T) less than 0.3 us off at L = 1: no A/B"; exit 0; }
import sys
us = [float(line.split("|")[3]) for line in open(sys.argv[1]) if line.startswith("| custom_kernel_qwen3_gqa_decode_one_block")]
shipped, short_step = us[0:3], us[3:6]
print("GPU us at L = 1, 8, 255: shipped", shipped, "short_step", short_step)
sys.exit(0 if shipped[0] - short_step[0] >= 0.3 else 1)
EOF
echo "$(date +%T) kernel A/B, 8 processes each, session 26 round 3's rule"
OUT=$OUT/ab AB_ARGS="--min-gain 0.99 --per-length 0.97 --short-slack 0.03 --short-floor 1.0" \
    bash benchmarks/gpu_session.sh ab 8 best_program_cuda.py $SS >$OUT/ab.log 2>&1
tail -n 12 $OUT/ab.log | cut -c1-300
echo "$(date +%T) ended"
