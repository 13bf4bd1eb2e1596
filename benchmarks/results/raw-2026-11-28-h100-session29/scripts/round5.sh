# Session 29, round 5 (fixed here, before it runs: the report's "Round 5"), one GPU, diagnostic.
# Where should the one-block path hand over to the cluster path now? ONE_BLOCK_UNTIL 128 and 256
# (variants written here) against the shipped 512, at L = 128-511, each in its own process, 2 rotations.
# Runs in the foreground: each result lands in $OUT as soon as it exists.
set -u
export PYTHONUNBUFFERED=1 PYTHONPATH=/root/site:.
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-28-h100-session29
python3 benchmarks/kernel_variants.py best_program_cuda.py /tmp/v5 ONE_BLOCK_UNTIL=256 ONE_BLOCK_UNTIL=128
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/card.txt
mkdir -p $OUT/handover
for order in "best_program_cuda.py /tmp/v5/best_program_cuda_one_block_until256.py /tmp/v5/best_program_cuda_one_block_until128.py" \
             "/tmp/v5/best_program_cuda_one_block_until128.py /tmp/v5/best_program_cuda_one_block_until256.py best_program_cuda.py"; do
  for program in $order; do
    name=$(basename $program .py).$(ls $OUT/handover | grep -c "^$(basename $program .py)\.[0-9]*\.json$" | awk '{print $1 + 1}')
    echo "$(date +%T) $name"
    timeout 60 python3 kernel_benchmark.py --program $program --no-prefill --lengths 128,255,256,320,384,448,511 \
        --repeats 30 --copy-mib 256 --json $OUT/handover/$name.json >$OUT/handover/$name.log 2>&1 || echo "  failed: $name"
  done
done
python3 $R/scripts/short_table.py $OUT/handover | tee $OUT/handover.md
