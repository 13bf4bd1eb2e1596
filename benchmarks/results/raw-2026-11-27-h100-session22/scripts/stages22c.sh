# Session 22, rounds 5 and 6 (fixed before they run: the report's "Rounds 5 and 6"), one GPU.
# Round 5: cluster_pairs_all.py's gates, spills, Nsight Compute at 32K and a 3-process A/B; round 6: a
# fresh 10-process A/B of the length pick22.py takes from round 5, and the rule.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session22
P=$R/programs
echo "$(date +%T) round 5: the gates of cluster_pairs_all"
OUT=$OUT/gates5 bash benchmarks/gpu_session.sh gates $P/cluster_pairs_all.py >$OUT/gates5.log 2>&1
grep -E "passed|FAILED" $OUT/gates5.log | cut -c1-300
grep -q "check_memory_safety passed" $OUT/gates5.log || { echo "the gates did not all pass: stop"; exit 0; }
echo "$(date +%T) round 5: machine code (spills)"
OUT=$OUT/images5 bash benchmarks/gpu_session.sh images $P/cluster_pairs_all.py
echo "$(date +%T) round 5: Nsight Compute's launch, occupancy and memory sections at 32K"
ncu --clock-control none -k regex:qwen3_gqa_decode_cluster --launch-skip 20 --launch-count 1 \
    --section LaunchStats --section Occupancy --section MemoryWorkloadAnalysis \
    --metrics gpu__time_duration.sum,dram__bytes_read.sum,lts__t_sector_hit_rate.pct \
    python3 kernel_benchmark.py --program $P/cluster_pairs_all.py --lengths 32768 --no-prefill --repeats 3 \
    --copy-mib 16 >$OUT/ncu_cluster_pairs_all.txt 2>&1
grep -E "Cluster|Waves|gpu__time|dram__bytes|lts__t_sector_hit|Registers|Occupancy" $OUT/ncu_cluster_pairs_all.txt
echo "$(date +%T) round 5: kernel A/B, 3 processes each"
AB_ARGS="--min-gain 1.00 --no-short" OUT=$OUT/round5 bash benchmarks/gpu_session.sh ab 3 \
  best_program_cuda.py $P/cluster_pairs_all.py
echo "$(date +%T) the pick"
mkdir -p $OUT/round6/programs
python3 $R/scripts/pick22.py $OUT/round5/ab $OUT/round6/programs/cluster_pairs.py $P/cluster_pairs_all.py PAIR_FROM ||
  { echo "no length: no round 6"; exit 0; }
echo "$(date +%T) round 6: kernel A/B, 10 processes each"
AB_ARGS="--min-gain 1.00 --no-short" OUT=$OUT/round6 bash benchmarks/gpu_session.sh ab 10 \
  best_program_cuda.py $OUT/round6/programs/cluster_pairs.py
echo "$(date +%T) the rule"
python3 $R/scripts/decide22.py $OUT/round6 cluster_pairs
