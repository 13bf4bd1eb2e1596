# Session 22 (fixed before the run: benchmarks/results/2026-11-27-h100-session22.md), one GPU.
# Round 1 explores (gates, spills, a 3-process A/B with two read kernels), round 2 decides (a fresh
# 10-process A/B of the length pick22.py takes from round 1), then GPU times under Nsight Compute.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session22
P=$R/programs
echo "$(date +%T) round 1: the gates of head_split_all"
OUT=$OUT/gates bash benchmarks/gpu_session.sh gates $P/head_split_all.py >$OUT/gates.log 2>&1
grep -E "passed|FAILED" $OUT/gates.log | cut -c1-300
grep -q "check_memory_safety passed" $OUT/gates.log || { echo "the gates did not all pass: stop"; exit 0; }
echo "$(date +%T) round 1: machine code (spills)"
OUT=$OUT/images bash benchmarks/gpu_session.sh images $P/head_split_all.py
echo "$(date +%T) round 1: kernel A/B, 3 processes each"
AB_ARGS="--min-gain 1.00 --no-short" OUT=$OUT/round1 bash benchmarks/gpu_session.sh ab 3 \
  best_program_cuda.py $P/head_split_all.py $P/read_64_sms.py $P/read_128_sms.py
echo "$(date +%T) the pick"
mkdir -p $OUT/round2/programs
python3 $R/scripts/pick22.py $OUT/round1/ab $OUT/round2/programs/head_split.py || { echo "no length: no round 2"; exit 0; }
echo "$(date +%T) round 2: kernel A/B, 10 processes each"
AB_ARGS="--min-gain 1.00 --no-short" OUT=$OUT/round2 bash benchmarks/gpu_session.sh ab 10 \
  best_program_cuda.py $OUT/round2/programs/head_split.py
echo "$(date +%T) the rule"
python3 $R/scripts/decide22.py $OUT/round2
echo "$(date +%T) GPU time under Nsight Compute"
OUT=$OUT/g bash benchmarks/gpu_session.sh gputime 1024,4096,32768 best_program_cuda.py $P/head_split_all.py
