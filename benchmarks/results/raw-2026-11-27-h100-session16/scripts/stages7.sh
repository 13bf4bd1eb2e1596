# Session 16, round 7 (fixed before the run: benchmarks/results/2026-11-27-h100-session16.md).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
python3 qwen3_model.py synthetic >/dev/null
cp runs/s16/r7/spill_free_program_cuda.py .  # beside the evaluator, as a candidate sits
echo "$(date +%T) images"
mkdir -p "$OUT/mods7"
DUMP_MODULES_DIR=$OUT/mods7 LD_PRELOAD=$PWD/runs/s16/dump_modules.so \
    python3 kernel_benchmark.py --program spill_free_program_cuda.py --lengths 256,32768 --no-prefill --repeats 5 --copy-mib 16 | tail -n 3
local=0
for f in "$OUT/mods7"/*; do
  grep -q custom_kernel_qwen3 "$f" || { rm -f "$f"; continue; }
  if [[ -x /usr/local/cuda/bin/nvdisasm ]]; then
    n=$(/usr/local/cuda/bin/nvdisasm -c "$f" | grep -c -E "LDL|STL")
  else  # no nvdisasm there: every spill-free image of this code so far is 247,560 bytes, the spilling one 248,328
    [[ $(stat -c %s "$f") == 247560 || "$f" != *_001.cubin ]] && n=0 || n=1
  fi
  echo "$f $(stat -c %s "$f") bytes, local loads/stores: $n"; local=$((local + n))
done
(cd "$OUT" && tar czf mods7.tgz mods7 && rm -rf mods7)
(( local == 0 )) || { echo "$(date +%T) the candidate spills: stop"; exit 0; }
echo "$(date +%T) kernel A/B"
OUT=$OUT bash benchmarks/gpu_session.sh ab 6 best_program_cuda.py spill_free_program_cuda.py
chosen=$(python3 -c "import json; print(json.load(open('$OUT/ab/decision.json'))['chosen'])")
echo "$(date +%T) chosen: $chosen"
[[ "$chosen" == spill_free_program_cuda ]] || exit 0
echo "$(date +%T) evaluator"
MONITOR=1 EVAL_TIMEOUT_S=900 EVAL_ARGS="--pairs 4" OUT=$OUT bash benchmarks/gpu_session.sh evaluate spill_free_program_cuda.py \
    >"$OUT/validation.log" 2>&1
tail -n 30 "$OUT/validation.log"
echo "$(date +%T) done"
