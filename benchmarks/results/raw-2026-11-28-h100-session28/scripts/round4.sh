# Session 28, round 4 (fixed here, before it runs: the report's "Round 4"), one GPU: an A/A of the kernel
# A/B. The shipped file against a byte-identical copy under another name, 8 processes each, with session
# 26 round 3's rule; kernel_ab.py --aa then puts the rule to every split of the 16 processes into two
# halves of 8 (aa.json). Start with session 25's start.sh, archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
COPY=benchmarks/results/raw-2026-11-28-h100-session28/programs/aa_copy.py
cp best_program_cuda.py $COPY  # in start.sh's private copy of the repository only
md5sum best_program_cuda.py $COPY
echo "$(date +%T) kernel A/A, 8 processes each"
OUT=$OUT/ab AB_ARGS="--aa --min-gain 0.99 --per-length 0.97 --short-slack 0.03 --short-floor 1.0" \
    bash benchmarks/gpu_session.sh ab 8 best_program_cuda.py $COPY >$OUT/ab.log 2>&1
tail -n 16 $OUT/ab.log | cut -c1-300
echo "$(date +%T) ended"
