# Session 30, round 1: session 29's scripts/next_handover.sh as that session wrote it, with one change
# fixed before the run: the quick subset runs only if at most 9.5 minutes have passed since the round
# began, so that it ends inside the session's device time (30 minutes, the machine's start and the
# wheels' install included). Start with session 25's start.sh, archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-28-h100-session29
P=$OUT/programs
mkdir -p $P
cp best_program_cuda.py $P/aa_copy.py  # the A/A's copy: the same bytes under another name
python3 benchmarks/kernel_variants.py best_program_cuda.py $P ONE_BLOCK_UNTIL=320
CANDIDATE=$P/best_program_cuda_one_block_until320.py
md5sum best_program_cuda.py $P/aa_copy.py $CANDIDATE
echo "$(date +%T) gates of the candidate"
OUT=$OUT/gates bash benchmarks/gpu_session.sh gates $CANDIDATE >$OUT/gates.log 2>&1
grep -E "passed|FAILED" $OUT/gates.log | cut -c1-200
grep -q "check_memory_safety passed" $OUT/gates.log || { echo "gates failed: stop"; exit 1; }
echo "$(date +%T) kernel A/B with an A/A, 6 processes each"
python3 benchmarks/kernel_ab.py --out $OUT/ab --processes 6 --lengths 1,64,255,256,320,384,448,511,512,1024,4096,16384,32768 \
    best_program_cuda.py $P/aa_copy.py $CANDIDATE >$OUT/ab.log 2>&1
if python3 $R/scripts/handover_ab.py $OUT/ab --changed 320,384,448,511 | tee $OUT/decision.json; then
  cp $CANDIDATE best_program_cuda.py  # this private copy of the repository only
  echo "$(date +%T) chosen: the kernel table of the chosen file, fresh"
  python3 kernel_benchmark.py --program best_program_cuda.py --lengths all \
      --json $OUT/kernel_all_best_program_cuda.json >$OUT/kernel_all.log 2>&1
  grep -E "^\| decode|geometric" $OUT/kernel_all.log
  if (( SECONDS <= 570 )); then
    echo "$(date +%T) quick subset, 8 pairs with ceilings"
    MONITOR=1 EVAL_TIMEOUT_S=1300 EVAL_ARGS="--pairs 8" OUT=$OUT/quick \
        bash benchmarks/gpu_session.sh evaluate best_program_cuda.py >$OUT/quick.log 2>&1
    tail -n 40 $OUT/quick.log | cut -c1-250
  else
    echo "$(date +%T) $SECONDS s have passed: the quick subset is left to the next session"
  fi
else
  echo "not chosen"
fi
echo "$(date +%T) ended"
