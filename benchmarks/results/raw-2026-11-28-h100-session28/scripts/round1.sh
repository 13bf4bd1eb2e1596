# Session 28, round 1 (fixed here, before it runs: the report's "Round 1"), one GPU. Whether a kernel
# for caches of at most 16 keys, one warp per KV head with every load issued first
# (programs/one_warp.py), takes GPU time off at L = 1-16, and whether the kernel A/B chooses it.
# Start with session 25's start.sh, archive with its wait.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-28-h100-session28
OW=$R/programs/one_warp.py
md5sum best_program_cuda.py $OW
echo "$(date +%T) gates of one_warp"
OUT=$OUT/gates bash benchmarks/gpu_session.sh gates $OW >$OUT/gates.log 2>&1
grep -E "passed|FAILED" $OUT/gates.log | cut -c1-200
grep -q "FAILED" $OUT/gates.log && { echo "one_warp failed a gate: stop"; exit 1; }
echo "$(date +%T) the shipped file's correctness gate with the new short cases"
GATES=check_correctness OUT=$OUT/gates_shipped bash benchmarks/gpu_session.sh gates best_program_cuda.py \
    >$OUT/gates_shipped.log 2>&1
grep -E "passed|FAILED" $OUT/gates_shipped.log | cut -c1-200
echo "$(date +%T) machine code inside MLX (spills)"
OUT=$OUT/images bash benchmarks/gpu_session.sh images $OW >$OUT/images.log 2>&1
cat $OUT/images/images.txt
echo "$(date +%T) GPU time at L = 1, 8, 16"
OUT=$OUT/gputime bash benchmarks/gpu_session.sh gputime 1,8,16 best_program_cuda.py $OW >$OUT/gputime.log 2>&1
grep -E "decode speedup|one_block|one_warp" $OUT/gputime.log | cut -c1-160
# The A/B's candidate, from the GPU times: rows come 3 per program, in the order of the lengths.
candidate=$(python3 - "$OUT/gputime.log" <<'PY'
import sys
rows = [line.split("|") for line in open(sys.argv[1]) if line.startswith("| custom_kernel_qwen3_gqa_decode_one_")]
shipped = [float(r[3]) for r in rows if "one_block" in r[1]][:3]
one_warp = [float(r[3]) for r in rows if "one_warp" in r[1]][:3]
print("GPU us at L = 1, 8, 16: shipped", shipped, "one_warp", one_warp, file=sys.stderr)
if len(shipped) < 3 or len(one_warp) < 3 or shipped[0] - one_warp[0] < 0.3:
    print("none")
elif one_warp[2] <= shipped[2]:
    print("one_warp")
elif one_warp[1] <= shipped[1]:
    print("ONE_WARP_UNTIL=9")
else:
    print("none")
PY
)
echo "$(date +%T) A/B candidate: $candidate"
case "$candidate" in
  none) echo "less than 0.3 us off at L = 1, or slower at L = 8: no A/B"; exit 0 ;;
  one_warp) cand=$OW ;;
  *) mkdir -p $OUT/programs && cand=$(python3 benchmarks/kernel_variants.py $OW $OUT/programs "$candidate") ;;
esac
echo "$(date +%T) kernel A/B, 8 processes each, session 26 round 3's rule: $cand"
OUT=$OUT/ab AB_ARGS="--min-gain 0.99 --per-length 0.97 --short-slack 0.03 --short-floor 1.0" \
    bash benchmarks/gpu_session.sh ab 8 best_program_cuda.py $cand >$OUT/ab.log 2>&1
tail -n 12 $OUT/ab.log | cut -c1-300
chosen=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["chosen"] or "none")' $OUT/ab/ab/decision.json)
echo "$(date +%T) chosen: $chosen"
# The first of three full-subset pairs of the chosen file, if the lease holds it (about 10.5 min).
if [[ "$chosen" != none ]] && (( SECONDS <= 15 * 60 )); then
  echo "$(date +%T) full subset, pair a of $cand"
  OUT=$OUT/full_a MONITOR=1 bash benchmarks/gpu_session.sh full $cand 1 >$OUT/full_a.log 2>&1
  tail -n 30 $OUT/full_a.log | cut -c1-200
fi
echo "$(date +%T) ended"
