# Session 22, rounds 3 and 4 (fixed before they run: the report's "Rounds 3 and 4"), one GPU.
# Round 3: why the per-head kernel lost (Nsight Compute at 32K), and its 8-warp form (gates, 3-process
# A/B); round 4: a fresh 10-process A/B of the length pick22.py takes from round 3, and the rule.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session22
P=$R/programs
echo "$(date +%T) round 3: Nsight Compute's launch, occupancy and memory sections at 32K"
for program in best_program_cuda.py $P/head_split_all.py $P/head_split_8warps_all.py; do
  name=$(basename $program .py)
  ncu --clock-control none -k regex:qwen3_gqa_decode_cluster --launch-skip 20 --launch-count 1 \
      --section LaunchStats --section Occupancy --section MemoryWorkloadAnalysis \
      --metrics gpu__time_duration.sum,dram__bytes_read.sum,lts__t_sector_hit_rate.pct \
      python3 kernel_benchmark.py --program $program --lengths 32768 --no-prefill --repeats 3 --copy-mib 16 \
      >$OUT/ncu_$name.txt 2>&1
  echo "== $name"
  grep -E "Cluster|Waves|Duration|dram__bytes|lts__t_sector_hit|Registers|Block Limit|Occupancy" $OUT/ncu_$name.txt | head -30
done
echo "$(date +%T) round 3: the gates of head_split_8warps_all"
OUT=$OUT/gates3 bash benchmarks/gpu_session.sh gates $P/head_split_8warps_all.py >$OUT/gates3.log 2>&1
grep -E "passed|FAILED" $OUT/gates3.log | cut -c1-300
grep -q "check_memory_safety passed" $OUT/gates3.log || { echo "the gates did not all pass: stop"; exit 0; }
echo "$(date +%T) round 3: kernel A/B, 3 processes each"
AB_ARGS="--min-gain 1.00 --no-short" OUT=$OUT/round3 bash benchmarks/gpu_session.sh ab 3 \
  best_program_cuda.py $P/head_split_8warps_all.py
echo "$(date +%T) the pick"
mkdir -p $OUT/round4/programs
python3 $R/scripts/pick22.py $OUT/round3/ab $OUT/round4/programs/head_split_8warps.py $P/head_split_8warps_all.py ||
  { echo "no length: no round 4"; exit 0; }
echo "$(date +%T) round 4: kernel A/B, 10 processes each"
AB_ARGS="--min-gain 1.00 --no-short" OUT=$OUT/round4 bash benchmarks/gpu_session.sh ab 10 \
  best_program_cuda.py $OUT/round4/programs/head_split_8warps.py
echo "$(date +%T) the rule"
python3 $R/scripts/decide22.py $OUT/round4 head_split_8warps
