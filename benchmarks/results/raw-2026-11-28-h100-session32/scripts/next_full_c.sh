# Written in session 32 for the next session (its report section "Next"): the third and last pair of
# the full subset that session 31's scripts/next_full.sh fixed, of the same file as it would ship
# (session 30's programs/one_block_until320.patch on best_program_cuda.py, md5
# 66f03f2936e59e0b37e74fd8d21a7db0). Pairs a and b ran in session 32 (full/full_a, full/full_b); this
# is pair c, then the three read together by benchmarks/combine_runs.py. About 10 minutes on one H100
# (ask for nvidia-h100-x1). Start with session 25's start.sh, archive with its wait.sh. Stops on any card
# that is not an H100.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
if nvidia-smi --query-gpu=name --format=csv,noheader | grep -qv "H100"; then
  echo "a card other than an H100: stop"; exit 1
fi
git apply benchmarks/results/raw-2026-11-28-h100-session30/programs/one_block_until320.patch  # this private copy only
md5sum best_program_cuda.py
[[ $(md5sum <best_program_cuda.py) == 66f03f2936e59e0b37e74fd8d21a7db0* ]] || { echo "not the file to ship: stop"; exit 1; }
echo "$(date +%T) full_c"
MONITOR=1 OUT=$OUT/full_c bash benchmarks/gpu_session.sh full best_program_cuda.py 1 >$OUT/full_c.log 2>&1
grep -v "^|" $OUT/full_c.log | tail -n 3 | cut -c1-200
pairs=benchmarks/results/raw-2026-11-28-h100-session32/full
python3 benchmarks/combine_runs.py $pairs/full_a/full.json $pairs/full_b/full.json $OUT/full_c/full.json \
    --json $OUT/combined.json | tee $OUT/combined.txt
echo "$(date +%T) ended"
