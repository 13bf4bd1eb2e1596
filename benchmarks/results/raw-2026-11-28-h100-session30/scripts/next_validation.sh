# Written in session 30 for the next session (its report section "Next"): the end-to-end validation of
# the file round 2 chose, as it would ship (programs/one_block_until320.patch on best_program_cuda.py,
# md5 66f03f2936e59e0b37e74fd8d21a7db0). On a machine of N H100s, at once, one stage per GPU:
#   N >= 4: the quick subset (8 pairs with ceilings) and three full-subset runs of one pair each;
#   N = 2 or 3: the quick subset and one full-subset run of two pairs;
#   N = 1: the quick subset alone.
# Start with session 25's start.sh, archive with its wait.sh (about 17 minutes with 4 GPUs, 21 with 2).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
if nvidia-smi --query-gpu=name --format=csv,noheader | grep -qv "H100"; then
  echo "a card other than an H100: stop"; exit 1
fi
git apply benchmarks/results/raw-2026-11-28-h100-session30/programs/one_block_until320.patch  # this private copy only
[[ $(md5sum <best_program_cuda.py) == 66f03f2936e59e0b37e74fd8d21a7db0* ]] || { echo "not the file to ship: stop"; exit 1; }
gpus=$(nvidia-smi -L | wc -l)
export MONITOR=1 EVAL_TIMEOUT_S=1300 EVAL_ARGS="--pairs 8"
quick="evaluate best_program_cuda.py"
echo "$(date +%T) $gpus GPUs"
if (( gpus >= 4 )); then
  bash benchmarks/gpu_session.sh parallel "$quick" "full best_program_cuda.py 1" "full best_program_cuda.py 1" \
      "full best_program_cuda.py 1"
elif (( gpus >= 2 )); then
  bash benchmarks/gpu_session.sh parallel "$quick" "full best_program_cuda.py 2"
else
  bash benchmarks/gpu_session.sh $quick
fi
echo "$(date +%T) ended"
