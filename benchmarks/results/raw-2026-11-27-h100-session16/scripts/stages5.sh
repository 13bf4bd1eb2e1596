# Session 16, round 5 (fixed before the run: benchmarks/results/2026-11-27-h100-session16.md).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
V=runs/s16/r5
python3 qwen3_model.py synthetic >/dev/null
echo "$(date +%T) gputime"
OUT=$OUT/g bash benchmarks/gpu_session.sh gputime 1024,4096,32768 $V/shipped.py $V/shipped_text1.py $V/w8u8.py $V/w8u8_text1.py
python3 runs/s16/parity.py "$OUT/g/gputime.tgz" | tee "$OUT/parity.txt"
echo "$(date +%T) images"
for p in w8u8 w8u8_text1 w8u8_text2; do
  mkdir -p "$OUT/mods/$p"
  DUMP_MODULES_DIR=$OUT/mods/$p LD_PRELOAD=$PWD/runs/s16/dump_modules.so \
      python3 kernel_benchmark.py --program $V/$p.py --lengths 256,32768 --no-prefill --repeats 5 --copy-mib 16 | tail -n 3
  for f in "$OUT/mods/$p"/*; do grep -q custom_kernel_qwen3 "$f" || rm -f "$f"; done
done
(cd "$OUT" && tar czf mods.tgz mods && rm -rf mods)
grep -q "^parity: pass" "$OUT/parity.txt" || { echo "$(date +%T) no parity: no A/B"; exit 0; }
cp $V/w8u8.py w8u8_program_cuda.py  # beside the evaluator, as a candidate sits
echo "$(date +%T) kernel A/B"
OUT=$OUT AB_ARGS="--min-gain 0" bash benchmarks/gpu_session.sh ab 6 best_program_cuda.py w8u8_program_cuda.py
chosen=$(python3 -c "import json; print(json.load(open('$OUT/ab/decision.json'))['chosen'])")
echo "$(date +%T) chosen: $chosen"
[[ "$chosen" == w8u8_program_cuda ]] || exit 0
echo "$(date +%T) evaluator"
MONITOR=1 EVAL_TIMEOUT_S=900 EVAL_ARGS="--pairs 4" OUT=$OUT bash benchmarks/gpu_session.sh evaluate w8u8_program_cuda.py \
    >"$OUT/validation.log" 2>&1
tail -n 30 "$OUT/validation.log"
echo "$(date +%T) done"
