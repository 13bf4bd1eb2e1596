# Session 22, round 7 (fixed before it runs: the report's "Round 7"), one GPU: round 5's first form
# again, row by row and through the evaluator's gates.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session22
P=$R/programs
mkdir -p $OUT/rows
echo "$(date +%T) round 7: rows of cluster_pairs_all_first"
python3 $R/scripts/pairs_rows.py $P/cluster_pairs_all_first.py >$OUT/rows/first.txt 2>&1
grep -c "wrong rows \[(" $OUT/rows/first.txt
echo "$(date +%T) round 7: the gates of cluster_pairs_all_first"
OUT=$OUT/gates7 bash benchmarks/gpu_session.sh gates $P/cluster_pairs_all_first.py >$OUT/gates7.log 2>&1
grep -E "passed|FAILED" $OUT/gates7.log | cut -c1-300
echo "$(date +%T) round 7: the gates of cluster_pairs_all, again"
OUT=$OUT/gates7b bash benchmarks/gpu_session.sh gates $P/cluster_pairs_all.py >$OUT/gates7b.log 2>&1
grep -E "passed|FAILED" $OUT/gates7b.log | cut -c1-300
