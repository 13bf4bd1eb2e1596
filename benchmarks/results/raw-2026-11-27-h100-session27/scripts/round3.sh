# Session 27, round 3 (fixed here, before it runs: the report's "Round 3"), one GPU, diagnostic. Where the
# one-block kernel's 1.7 us over the no-op kernel at L = 1 go: scripts/cuts.py stops its chain after the
# first loads, after the main loop, and after the half-warps' merge. Each program at L = 1 in its own
# process under Nsight Compute without the cache flush, as round 2. Start with session 25's start.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session27
python3 $R/scripts/cuts.py best_program_cuda.py /tmp/cuts
md5sum best_program_cuda.py benchmarks/ceiling_program_cuda.py /tmp/cuts/*.py
for program in benchmarks/ceiling_program_cuda.py /tmp/cuts/cut_loads.py /tmp/cuts/cut_loop.py \
    /tmp/cuts/cut_half_merge.py best_program_cuda.py; do
  name=$(basename $program .py)
  echo "$(date +%T) $name"
  ncu --clock-control none --cache-control none --metrics gpu__time_duration.sum --csv --log-file $OUT/$name.ncu.csv \
      python3 kernel_benchmark.py --program $program --lengths 1 --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
  python3 benchmarks/ncu_kernel_times.py $OUT/$name.ncu.csv | grep -E "qwen3_gqa|sdpav" | tee $OUT/$name.md
done
echo "$(date +%T) ended"
