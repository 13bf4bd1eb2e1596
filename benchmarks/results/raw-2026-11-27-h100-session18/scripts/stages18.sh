# Session 18, round 1 (fixed before the run: benchmarks/results/2026-11-27-h100-session18.md).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session18
P=$R/programs
echo "$(date +%T) images"
OUT=$OUT/images bash benchmarks/gpu_session.sh images best_program_cuda.py
echo "$(date +%T) kernel round: the shipped program, three read-bound kernels, the no-op kernel"
OUT=$OUT bash benchmarks/gpu_session.sh ab 3 best_program_cuda.py $P/read_a.py $P/read_b.py $P/read_c.py \
    benchmarks/ceiling_program_cuda.py
python3 $R/scripts/bound.py $OUT/ab best_program_cuda read_a read_b read_c ceiling_program_cuda | tee $OUT/bound.md
echo "$(date +%T) end to end: 8 pairs, quick subset, ceilings with 8 pairs"
MONITOR=1 EVAL_TIMEOUT_S=1300 EVAL_ARGS="--pairs 8" OUT=$OUT/e2e bash benchmarks/gpu_session.sh evaluate best_program_cuda.py
echo "$(date +%T) gputime"
OUT=$OUT/g bash benchmarks/gpu_session.sh gputime 1024,32768 $P/read_a.py $P/read_b.py
