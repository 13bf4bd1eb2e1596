# Session 30, round 2: round 1's A/B again at the lengths where the candidate differs, 8 processes a
# side, with a rule whose checks are all at those lengths (scripts/handover_rule.py). The candidate is
# round 1's file, which passed the gates there (md5 847c6d8eac4d2784c904ccc3300c934a). Start with
# session 25's start.sh, archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-28-h100-session30
P=$OUT/programs
mkdir -p $P
cp best_program_cuda.py $P/aa_copy.py  # the A/A's copy: the same bytes under another name
python3 benchmarks/kernel_variants.py best_program_cuda.py $P ONE_BLOCK_UNTIL=320
CANDIDATE=$P/best_program_cuda_one_block_until320.py
md5sum best_program_cuda.py $P/aa_copy.py $CANDIDATE
[[ $(md5sum <$CANDIDATE) == 847c6d8eac4d2784c904ccc3300c934a* ]] || { echo "not round 1's candidate: stop"; exit 1; }
echo "$(date +%T) kernel A/B with an A/A, 8 processes each"
python3 benchmarks/kernel_ab.py --out $OUT/ab --processes 8 --lengths 256,320,384,448,511,512 \
    best_program_cuda.py $P/aa_copy.py $CANDIDATE >$OUT/ab.log 2>&1
python3 $R/scripts/handover_rule.py $OUT/ab --changed 320,384,448,511 >$OUT/decision.json
chosen=$?
cat $OUT/decision.json
if (( chosen == 0 )); then
  echo "$(date +%T) chosen: the kernel table of the chosen file, fresh"
  cp $CANDIDATE best_program_cuda.py  # this private copy of the repository only
  python3 kernel_benchmark.py --program best_program_cuda.py --lengths all \
      --json $OUT/kernel_all_best_program_cuda.json >$OUT/kernel_all.log 2>&1
  grep -E "^\| decode|geometric" $OUT/kernel_all.log
else
  echo "$(date +%T) not chosen"
fi
echo "$(date +%T) ended"
