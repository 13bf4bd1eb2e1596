# Session 30, round 3: does the chosen file stay correct where it now switches kernels, at 320 keys?
# The correctness gate's model check decodes 501-524 keys (MODEL_PROMPT_TOKENS = 500), which crossed the
# shipped file's switch at 512; the candidate's is at 320. So: the correctness gate with the model check
# moved to 301-324 keys (this private copy of correctness_check.py only), then session 29's
# path_switch_probe.py (numpy reference, consecutive calls on either side of the switch, 3 rounds).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
P=$OUT/programs
mkdir -p $P
python3 benchmarks/kernel_variants.py best_program_cuda.py $P ONE_BLOCK_UNTIL=320
CANDIDATE=$P/best_program_cuda_one_block_until320.py
[[ $(md5sum <$CANDIDATE) == 847c6d8eac4d2784c904ccc3300c934a* ]] || { echo "not round 1's candidate: stop"; exit 1; }
sed -i 's/^MODEL_PROMPT_TOKENS = 500$/MODEL_PROMPT_TOKENS = 300/' correctness_check.py
grep -n "^MODEL_PROMPT_TOKENS" correctness_check.py
echo "$(date +%T) correctness gate, model check at 301-324 keys"
GATES="check_correctness" OUT=$OUT/gate300 bash benchmarks/gpu_session.sh gates $CANDIDATE >$OUT/gate300.log 2>&1
grep -E "passed|FAILED" $OUT/gate300.log | cut -c1-250
echo "$(date +%T) path switch probe"
python3 benchmarks/results/raw-2026-11-28-h100-session29/scripts/path_switch_probe.py $CANDIDATE >$OUT/probe.log 2>&1
tail -n 1 $OUT/probe.log
echo "$(date +%T) ended"
