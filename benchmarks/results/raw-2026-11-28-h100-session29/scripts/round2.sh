# Session 29, round 2 (fixed here, before it runs: the report's "Round 2"), one GPU, diagnostic.
# The shipped file with its one-block kernel's cluster shape dropped (one edit, written here):
# A: is a decode call still correct when consecutive calls switch between the one-block and the
#    cluster kernel (scripts/path_switch_probe.py, the shipped file too)? B: the correctness gate.
# C: the two files at L < 512 and 512, each in its own kernel_benchmark.py process, alternating, 4 times.
# Start with session 25's start.sh, archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-28-h100-session29
VARIANT=$OUT/programs/one_block_no_cluster.py
mkdir -p $OUT/programs
python3 - best_program_cuda.py $VARIANT <<'PY'
import sys
text = open(sys.argv[1]).read()
edited = text.replace("header(ONE_BLOCK_WARPS, cluster=True)", "header(ONE_BLOCK_WARPS, cluster=False)")
assert edited.count("cluster=False") == text.count("cluster=False") + 1
open(sys.argv[2], "w").write(edited)
PY
md5sum best_program_cuda.py $VARIANT
diff best_program_cuda.py $VARIANT
for program in best_program_cuda.py $VARIANT; do
  echo "$(date +%T) path switch probe: $program"
  python3 $R/scripts/path_switch_probe.py $program >$OUT/probe_$(basename $program .py).log 2>&1
  echo "  exit $?: $(tail -n 1 $OUT/probe_$(basename $program .py).log)"
done
echo "$(date +%T) correctness gate: $VARIANT"
GATES="check_correctness" OUT=$OUT/gates bash benchmarks/gpu_session.sh gates $VARIANT >$OUT/gates.log 2>&1
grep -E "passed|FAILED" $OUT/gates.log | cut -c1-300
mkdir -p $OUT/short
for rep in 1 2 3 4; do
  if (( rep % 2 )); then order="best_program_cuda.py $VARIANT"; else order="$VARIANT best_program_cuda.py"; fi
  for program in $order; do
    name=$(basename $program .py).$rep
    echo "$(date +%T) $name"
    python3 kernel_benchmark.py --program $program --no-prefill --lengths 1,2,8,64,128,255,256,511,512 \
        --repeats 30 --copy-mib 256 --json $OUT/short/$name.json >$OUT/short/$name.log 2>&1 || echo "  failed: $name"
  done
done
python3 $R/scripts/short_table.py $OUT/short | tee $OUT/short.md
echo "$(date +%T) ended"
