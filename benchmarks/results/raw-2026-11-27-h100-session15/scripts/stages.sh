# Session 15 (fixed before the run: benchmarks/results/2026-11-27-h100-session15.md).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
python3 qwen3_model.py synthetic >/dev/null
# 1. The evaluator's gates on the shipped program: the two batch-2 cases it has not yet run.
echo "$(date +%T) gates shipped"
OUT=$OUT bash benchmarks/gpu_session.sh gates best_program_cuda.py >"$OUT/gates_shipped.log" 2>&1
grep -E "passed|FAILED" "$OUT/gates_shipped.log" | cut -c1-400
# 2. GPU time under Nsight Compute: shipped and fused merge at 256-32K, the empty slices at 256 and 1K,
#    the no-op kernel at 1K. Each program in its own processes.
cp best_program_cuda.py runs/s15/v/shipped.py
echo "$(date +%T) gputime"
OUT=$OUT/g1 bash benchmarks/gpu_session.sh gputime 256,1024,4096,32768 runs/s15/v/shipped.py runs/s15/v/fused_merge.py
echo "$(date +%T) gputime 2"
OUT=$OUT/g2 bash benchmarks/gpu_session.sh gputime 256,1024 runs/s15/v/empty_slices.py
echo "$(date +%T) gputime 3"
OUT=$OUT/g3 bash benchmarks/gpu_session.sh gputime 1024 benchmarks/ceiling_program_cuda.py
# 3. The gates on the fused merge, if time is left.
echo "$(date +%T) gates fused"
OUT=$OUT bash benchmarks/gpu_session.sh gates runs/s15/v/fused_merge.py >"$OUT/gates_fused.log" 2>&1
grep -E "passed|FAILED" "$OUT/gates_fused.log" | cut -c1-400
echo "$(date +%T) done"
