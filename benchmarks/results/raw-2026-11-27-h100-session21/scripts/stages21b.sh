# Session 21, round 2 (fixed before the run: benchmarks/results/2026-11-27-h100-session21.md): do two
# lockstep runs side by side on one host still disturb each other once each claims its own core?
# A: GPU 0 alone; B: GPU 0 and GPU 1 at once. Each: the quick subset, 2 lockstep pairs of the shipped file.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
run() {  # GPU, folder
  CUDA_VISIBLE_DEVICES=$1 QWEN3_GQA_CACHE=/root/qcache-gpu$1 OUT=$OUT/$2 \
      bash benchmarks/gpu_session.sh full best_program_cuda.py 2 quick >$OUT/$2.log 2>&1
}
echo "$(date +%T) A: GPU 0 alone"
run 0 a_gpu0
echo "$(date +%T) B: GPU 0 and GPU 1 at once"
run 0 b_gpu0 &
run 1 b_gpu1 &
wait
echo "$(date +%T) ended"
grep -h "main_thread_cores\|held by another" $OUT/*.log | sort | uniq -c
