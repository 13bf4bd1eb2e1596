# Session 14's stages, in order, on one GPU (fixed before the run: benchmarks/results/2026-11-27-h100-session14.md).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
LENGTHS=1,2,8,64,128,255,256,512,1024,4096,16384,32768
python3 qwen3_model.py synthetic >/dev/null

cp best_program_cuda.py runs/s14/shipped.py
programs=(runs/s14/shipped.py runs/s14/v/pipelined_program_cuda_unroll4_stages3.py
          runs/s14/v/pipelined_program_cuda_unroll2_stages6.py runs/s14/v/pipelined_program_cuda_warps8_unroll4_stages6.py)
# 2. The rule.
python3 runs/s14/decide.py "$OUT" shipped pipelined_program_cuda_unroll4_stages3 pipelined_program_cuda_unroll2_stages6 \
    pipelined_program_cuda_warps8_unroll4_stages6 | tee "$OUT/decision.txt"
chosen=$(tail -n 1 "$OUT/decision.txt")
[[ "$chosen" == none ]] && exit 0
chosen=runs/s14/v/$chosen.py
# 3. The evaluator's gates, then 8 lockstep pairs (one warm-up pair) on the quick subset.
OUT=$OUT bash benchmarks/gpu_session.sh gates "$chosen" >"$OUT/gates.log" 2>&1
grep -E "passed|FAILED" "$OUT/gates.log"
grep -q FAILED "$OUT/gates.log" && exit 0
grep -q "check_memory_safety passed" "$OUT/gates.log" || { echo "gates did not all run"; exit 0; }
echo "$(date +%T) validation"
mkdir -p "$OUT/validation"
timeout 720 python3 qwen3_benchmark_suite.py --subset quick --model synthetic --program "$chosen" --pairs 8 --warmup-pairs 1 \
    --design lockstep --output "$OUT/validation/validation" >"$OUT/validation/validation.log" 2>&1
tail -n 15 "$OUT/validation/validation.log"
# 4. Diagnostic: each kernel's GPU time under Nsight Compute at 4K and 32K.
OUT=$OUT bash benchmarks/gpu_session.sh gputime 4096,32768 runs/s14/shipped.py "$chosen" >"$OUT/gputime.log" 2>&1
tail -n 8 "$OUT/gputime.log"
