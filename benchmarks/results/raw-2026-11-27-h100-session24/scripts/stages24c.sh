# Session 24, round 3 (fixed before it runs: the report's "Round 3"), one GPU. Diagnostic only.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
md5sum best_program_cuda.py benchmarks/results/raw-2026-11-27-h100-session23/programs/lean_call.py
echo "$(date +%T) the machine code MLX loads for the shipped file"
bash benchmarks/gpu_session.sh images best_program_cuda.py >$OUT/images.log 2>&1
cat $OUT/images.txt
echo "$(date +%T) GPU time at L = 1 and 255: this file, the previous text, the no-op kernel"
bash benchmarks/gpu_session.sh gputime 1,255 best_program_cuda.py \
    benchmarks/results/raw-2026-11-27-h100-session23/programs/lean_call.py benchmarks/ceiling_program_cuda.py \
    >$OUT/gputime.log 2>&1
cat $OUT/gputime.log | cut -c1-200
echo "$(date +%T) round 3 ended"
