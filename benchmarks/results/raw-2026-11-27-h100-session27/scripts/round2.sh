# Session 27, round 2 (fixed here, before it runs: the report's "Round 2"), one GPU, diagnostic. Nsight
# Compute flushes the caches before each launch it times (--cache-control all, its default, which
# gpu_session.sh gputime uses). Are the one-block kernel's 2.3 us over the no-op kernel at L = 1 cold
# caches (code and data fetched from DRAM), which a decode call does not see? The same launches timed
# with and without the flush, each in its own process, alternating. Start with session 25's start.sh.
set -u
run=0
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
md5sum best_program_cuda.py benchmarks/ceiling_program_cuda.py
for program in benchmarks/ceiling_program_cuda.py best_program_cuda.py; do
  for cache in all none all none; do
    name=$(basename $program .py).$cache.$((++run))
    echo "$(date +%T) $name"
    ncu --clock-control none --cache-control $cache --metrics gpu__time_duration.sum --csv --log-file $OUT/$name.ncu.csv \
        python3 kernel_benchmark.py --program $program --lengths 1 --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
    python3 benchmarks/ncu_kernel_times.py $OUT/$name.ncu.csv | tee $OUT/$name.md
  done
done
echo "$(date +%T) ended"
