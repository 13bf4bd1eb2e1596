# Written in session 31 for the next session (its report section "Next"): the full subset (23
# benchmarks) of the file session 30 chose, as it would ship (session 30's
# programs/one_block_until320.patch on best_program_cuda.py, md5 66f03f2936e59e0b37e74fd8d21a7db0),
# after its quick subset passed here. Three pairs in all, each a run of one pair in its own folder
# (full_a, full_b, full_c), read together by benchmarks/combine_runs.py as sessions 25-26 did:
#   N >= 3 H100s: the three at once, one per GPU (about 11 minutes);
#   N = 1 or 2: full_a then full_b on GPU 0 (about 21 minutes); full_c in a later session.
# Start with session 25's start.sh, archive with its wait.sh. Stops on any card that is not an H100.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
if nvidia-smi --query-gpu=name --format=csv,noheader | grep -qv "H100"; then
  echo "a card other than an H100: stop"; exit 1
fi
git apply benchmarks/results/raw-2026-11-28-h100-session30/programs/one_block_until320.patch  # this private copy only
[[ $(md5sum <best_program_cuda.py) == 66f03f2936e59e0b37e74fd8d21a7db0* ]] || { echo "not the file to ship: stop"; exit 1; }
gpus=$(nvidia-smi -L | wc -l)
export MONITOR=1
echo "$(date +%T) $gpus GPUs"
if (( gpus >= 3 )); then
  pair="full best_program_cuda.py 1"
  bash benchmarks/gpu_session.sh parallel "$pair" "$pair" "$pair"  # gpu0-2 in $OUT/parallel.tgz: pairs a-c
else
  for run in full_a full_b; do  # each pair's file written as soon as it ends: nothing lost to a cut lease
    echo "$(date +%T) $run"
    OUT=$OUT/$run bash benchmarks/gpu_session.sh full best_program_cuda.py 1 >$OUT/$run.log 2>&1
    grep -v "^|" $OUT/$run.log | tail -n 3 | cut -c1-200
  done
fi
echo "$(date +%T) ended"
