# Session 25, round 1 (fixed before it runs: the report's "Round 1"), one GPU: the full subset of the
# shipped file, three lockstep pairs one after the other, each in its own folder.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
md5sum best_program_cuda.py
for pair in a b c; do
  echo "$(date +%T) full pair $pair"
  OUT=$OUT/full_$pair MONITOR=1 bash benchmarks/gpu_session.sh full best_program_cuda.py 1 >$OUT/full_$pair.log 2>&1
  tail -n 3 $OUT/full_$pair.log | cut -c1-200
done
echo "$(date +%T) round 1 ended"
