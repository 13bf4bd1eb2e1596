# Session 14, round 5 (fixed before the run: benchmarks/results/2026-11-27-h100-session14.md, round 5).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
LENGTHS=1,2,8,64,128,255,256,512,1024,2048,4096,8192,16384,32768
python3 qwen3_model.py synthetic >/dev/null
mkdir -p "$OUT/ab5"
cp best_program_cuda.py runs/s14/shipped.py
programs=(runs/s14/shipped.py runs/s14/v/tma_program_cuda_stages3.py runs/s14/v/tma_program_cuda_unroll2_stages6.py)
# 0. The evaluator's gates on the TMA program (STAGES 3), first: whatever the timings, is it right?
OUT=$OUT bash benchmarks/gpu_session.sh gates runs/s14/v/tma_program_cuda_stages3.py >"$OUT/gates5.log" 2>&1
grep -E "passed|FAILED" "$OUT/gates5.log" | cut -c1-600
# 1. Kernel A/B: each program alone in its process, 3 processes each, the order rotating.
for i in 1 2 3; do
  for j in 0 1 2; do
    p=${programs[$(( (i - 1 + j) % 3 ))]}
    name=$(basename "$p" .py)
    echo "$(date +%T) kernel_benchmark $name process $i"
    timeout 240 python3 kernel_benchmark.py --program "$p" --lengths $LENGTHS --no-prefill --json "$OUT/ab5/${name}_$i.json" \
        >"$OUT/ab5/${name}_$i.log" 2>&1 || echo "  failed: $(tail -n 3 "$OUT/ab5/${name}_$i.log")"
  done
done
# 2. The round 1 rule, L <= 255 included (the one-block path changed too).
rm -rf "$OUT/ab"; ln -sfn "$OUT/ab5" "$OUT/ab"
python3 runs/s14/decide.py "$OUT" shipped tma_program_cuda_stages3 tma_program_cuda_unroll2_stages6 | tee "$OUT/decision5.txt"
rm "$OUT/ab"
chosen=$(tail -n 1 "$OUT/decision5.txt")
[[ "$chosen" == none ]] && { bash runs/s14/diag5.sh; exit 0; }
chosen=runs/s14/v/$chosen.py
# 4. The chosen program's gates (if not the one checked above), then 8 lockstep pairs after a warm-up pair, quick subset.
if [[ "$chosen" != runs/s14/v/tma_program_cuda_stages3.py ]]; then
  OUT=$OUT bash benchmarks/gpu_session.sh gates "$chosen" >"$OUT/gates5b.log" 2>&1
  grep -E "passed|FAILED" "$OUT/gates5b.log" | cut -c1-300
  grep -q "check_memory_safety passed" "$OUT/gates5b.log" || { echo "gates did not all pass"; bash runs/s14/diag5.sh; exit 0; }
else
  grep -q "check_memory_safety passed" "$OUT/gates5.log" || { echo "gates did not all pass"; bash runs/s14/diag5.sh; exit 0; }
fi
echo "$(date +%T) validation"
mkdir -p "$OUT/validation"
timeout 600 python3 qwen3_benchmark_suite.py --subset quick --model synthetic --program "$chosen" --pairs 8 --warmup-pairs 1 \
    --design lockstep --output "$OUT/validation/validation" >"$OUT/validation/validation.log" 2>&1
tail -n 15 "$OUT/validation/validation.log"
bash runs/s14/diag5.sh
