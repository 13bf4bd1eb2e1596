# Session 16, round 6: the images MLX loads in the process that the evaluator times end to end
# (mlx_lm_generate_with_hook.py, quick subset, one repeat), for the shipped text and two text variants.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
model=$(python3 qwen3_model.py synthetic)
for p in shipped shipped_text1 shipped_text2; do
  mkdir -p "$OUT/mods/$p"
  DUMP_MODULES_DIR=$OUT/mods/$p LD_PRELOAD=$PWD/runs/s16/dump_modules.so \
      python3 mlx_lm_generate_with_hook.py --model "$model" --benchmarks quick --hook-program runs/s16/v/$p.py \
      --repeats 1 >"$OUT/generate_$p.log" 2>&1
  echo "$p exit code $? $(grep -c '^@@result' "$OUT/generate_$p.log") results"
  for f in "$OUT/mods/$p"/*; do grep -q custom_kernel_qwen3 "$f" || rm -f "$f"; done
  ls -l "$OUT/mods/$p"
done
cd "$OUT" && tar czf mods6.tgz mods && rm -rf mods
