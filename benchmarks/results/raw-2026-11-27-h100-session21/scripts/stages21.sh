# Session 21 (fixed before the run: benchmarks/results/2026-11-27-h100-session21.md), on a machine of two
# GPUs, each GPU a stream of its own stages, its own cache and output folders:
#   GPU 0: the kernel A/B of relaxed_arrive, the rule (decide21.py), then one full-subset pair of the file
#          the rule leaves shipped;
#   GPU 1: the end-to-end validation of relaxed_arrive (8 pairs, ceilings), used only if the rule chooses it.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session21
C=benchmarks/results/raw-2026-11-27-h100-session20/programs/relaxed_arrive.py
(
  export CUDA_VISIBLE_DEVICES=0 QWEN3_GQA_CACHE=/root/qcache-gpu0
  echo "$(date +%T) kernel A/B, 10 processes each"
  AB_ARGS="--min-gain 1.00 --no-short" OUT=$OUT/gpu0 bash benchmarks/gpu_session.sh ab 10 best_program_cuda.py $C
  echo "$(date +%T) the rule"
  if python3 $R/scripts/decide21.py $OUT/gpu0; then shipped=$C; else shipped=best_program_cuda.py; fi
  echo "$(date +%T) full subset, 1 pair of $shipped"
  MONITOR=1 OUT=$OUT/gpu0/full bash benchmarks/gpu_session.sh full $shipped 1
  echo "$(date +%T) gpu0 ended"
) >$OUT/gpu0.log 2>&1 &
(
  export CUDA_VISIBLE_DEVICES=1 QWEN3_GQA_CACHE=/root/qcache-gpu1
  echo "$(date +%T) end to end: relaxed_arrive, 8 pairs, quick subset, ceilings with 8 pairs"
  MONITOR=1 EVAL_TIMEOUT_S=1300 EVAL_ARGS="--pairs 8" OUT=$OUT/gpu1/e2e bash benchmarks/gpu_session.sh evaluate $C
  echo "$(date +%T) gpu1 ended"
) >$OUT/gpu1.log 2>&1 &
wait
tail -n 20 $OUT/gpu0.log $OUT/gpu1.log
