# Session 26, round 3 (fixed here, before it runs: the report's "Round 3"), one GPU. A fresh kernel A/B
# of loads_first against the shipped file under a rule that asks for the short-length target in
# every process; if it is chosen, the evaluator on the quick subset. Start with session 25's start.sh,
# archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
LF=benchmarks/results/raw-2026-11-27-h100-session26/programs/loads_first.py
md5sum best_program_cuda.py $LF
echo "$(date +%T) kernel A/B, 8 fresh processes each"
OUT=$OUT/ab AB_ARGS="--min-gain 0.99 --per-length 0.97 --short-slack 0.03 --short-floor 1.0" \
    bash benchmarks/gpu_session.sh ab 8 best_program_cuda.py $LF >$OUT/ab.log 2>&1
tail -n 12 $OUT/ab.log | cut -c1-300
python3 -c "import json, sys; sys.exit(json.load(open(sys.argv[1]))['chosen'] != 'loads_first')" $OUT/ab/ab/decision.json ||
    { echo "$(date +%T) not chosen: no evaluation"; exit 0; }
echo "$(date +%T) chosen: the evaluator on the quick subset, 8 pairs after a warm-up pair, with ceilings"
OUT=$OUT/quick MONITOR=1 EVAL_TIMEOUT_S=1300 EVAL_ARGS="--pairs 8" bash benchmarks/gpu_session.sh evaluate $LF \
    >$OUT/quick.log 2>&1
grep -v "^|" $OUT/quick.log | tail -n 30 | cut -c1-200
echo "$(date +%T) ended"
