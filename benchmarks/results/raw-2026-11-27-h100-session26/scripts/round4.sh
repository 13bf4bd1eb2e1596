# Session 26, round 4 (fixed here, before it runs: the report's "Round 4"), one GPU. Is the spread of
# the shipped file's speedup between processes at L < 256 the median's sampling noise (it narrows with
# more repeats) or the process's own (it does not)? 16 processes, alternating 30 repeats (the A/B's) and
# 150. Start with session 25's start.sh, archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
md5sum best_program_cuda.py
for i in 1 2 3 4 5 6 7 8; do
  for repeats in 30 150; do
    echo "$(date +%T) process $i, $repeats repeats"
    python3 kernel_benchmark.py --program best_program_cuda.py --lengths 1,2,8,64,128,255 --no-prefill \
        --repeats $repeats --copy-mib 16 --json $OUT/r${repeats}_$i.json >$OUT/r${repeats}_$i.log 2>&1 || echo "  failed"
  done
done
echo "$(date +%T) ended"
