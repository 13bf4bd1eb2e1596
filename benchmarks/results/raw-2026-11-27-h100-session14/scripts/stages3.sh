# Session 14, round 3 (fixed before the run: benchmarks/results/2026-11-27-h100-session14.md, round 3).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
LENGTHS=1,2,8,64,128,255,256,512,1024,2048,4096,8192,16384,32768
python3 qwen3_model.py synthetic >/dev/null
mkdir -p "$OUT/ab3"
cp best_program_cuda.py runs/s14/shipped.py
programs=(runs/s14/shipped.py runs/s14/v/clusters_program_cuda_cluster2_clusters8_clusters_from512.py runs/s14/v/clusters_program_cuda_cluster2_clusters4_clusters_from512.py runs/s14/v/clusters_program_cuda_cluster4_clusters4_clusters_from512.py)
# 1. Kernel A/B: each program alone in its process, 3 processes each, the order rotating.
for i in 1 2 3; do
  for j in 0 1 2 3; do
    p=${programs[$(( (i - 1 + j) % 4 ))]}
    name=$(basename "$p" .py)
    echo "$(date +%T) kernel_benchmark $name process $i"
    timeout 240 python3 kernel_benchmark.py --program "$p" --lengths $LENGTHS --no-prefill --json "$OUT/ab3/${name}_$i.json" \
        >"$OUT/ab3/${name}_$i.log" 2>&1 || echo "  failed: $(tail -n 3 "$OUT/ab3/${name}_$i.log")"
  done
done
# 2. The rule (L <= 255 reported, not in it: the one-block path is the shipped one).
rm -rf "$OUT/ab"; ln -sfn "$OUT/ab3" "$OUT/ab"
python3 runs/s14/decide.py "$OUT" shipped clusters_program_cuda_cluster2_clusters8_clusters_from512 clusters_program_cuda_cluster2_clusters4_clusters_from512 clusters_program_cuda_cluster4_clusters4_clusters_from512 --no-short \
    | tee "$OUT/decision3.txt"
rm "$OUT/ab"
chosen=$(tail -n 1 "$OUT/decision3.txt")
if [[ "$chosen" == none ]]; then  # diagnostic: where the 128-block kernel's time goes
  OUT=$OUT bash benchmarks/gpu_session.sh gputime 4096,32768 runs/s14/shipped.py \
      runs/s14/v/clusters_program_cuda_cluster2_clusters8_clusters_from512.py >"$OUT/gputime.log" 2>&1
  tail -n 8 "$OUT/gputime.log"
  exit 0
fi
chosen=runs/s14/v/$chosen.py
# 3. The evaluator's gates (with the two new batch-2 cases), then 8 lockstep pairs after a warm-up pair, quick subset.
OUT=$OUT bash benchmarks/gpu_session.sh gates "$chosen" >"$OUT/gates3.log" 2>&1
grep -E "passed|FAILED" "$OUT/gates3.log" | cut -c1-300
grep -q "check_memory_safety passed" "$OUT/gates3.log" || { echo "gates did not all pass"; exit 0; }
echo "$(date +%T) validation"
mkdir -p "$OUT/validation"
timeout 720 python3 qwen3_benchmark_suite.py --subset quick --model synthetic --program "$chosen" --pairs 8 --warmup-pairs 1 \
    --design lockstep --output "$OUT/validation/validation" >"$OUT/validation/validation.log" 2>&1
tail -n 15 "$OUT/validation/validation.log"
# 4. Diagnostic: GPU time of each kernel under Nsight Compute at 4K and 32K; the shipped program's gates with the new cases.
OUT=$OUT bash benchmarks/gpu_session.sh gputime 4096,32768 runs/s14/shipped.py "$chosen" >"$OUT/gputime.log" 2>&1
tail -n 8 "$OUT/gputime.log"
OUT=$OUT bash benchmarks/gpu_session.sh gates runs/s14/shipped.py >"$OUT/gates_shipped.log" 2>&1
grep -E "passed|FAILED" "$OUT/gates_shipped.log" | cut -c1-300
