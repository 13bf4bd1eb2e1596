# Session 29, round 3 (fixed here, before it runs: the report's "Round 3"), one GPU, diagnostic.
# Does round 1's 1.7 us between the two floors (with and without the cluster shape) come back on
# another machine? Each floor at L = 1, 64, 255 in its own kernel_benchmark.py process, alternating, 3 times.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-28-h100-session29
python3 benchmarks/kernel_variants.py $R/programs/call_floor.py $OUT/programs CLUSTER_SHAPE=0
mkdir -p $OUT/floors
for rep in 1 2 3; do
  if (( rep % 2 )); then order="$R/programs/call_floor.py $OUT/programs/call_floor_cluster_shape0.py"
  else order="$OUT/programs/call_floor_cluster_shape0.py $R/programs/call_floor.py"; fi
  for program in $order; do
    name=$(basename $program .py).$rep
    echo "$(date +%T) $name"
    python3 kernel_benchmark.py --program $program --no-prefill --lengths 1,64,255 --repeats 30 \
        --copy-mib 256 --json $OUT/floors/$name.json >$OUT/floors/$name.log 2>&1 || echo "  failed: $name"
  done
done
python3 $R/scripts/short_table.py $OUT/floors | tee $OUT/floors.md
echo "$(date +%T) ended"
