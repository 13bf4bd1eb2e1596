# Session 16, round 3: what MLX hands NVRTC on the device (source, headers, options), for an offline copy
# of the device's compile; and the images it loads, to check that copy against.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
for p in shipped shipped_text1 fused_merge; do
  mkdir -p "$OUT/nvrtc/$p" "$OUT/mods/$p"
  DUMP_NVRTC_DIR=$OUT/nvrtc/$p DUMP_MODULES_DIR=$OUT/mods/$p LD_PRELOAD=$PWD/runs/s16/dump_nvrtc.so:$PWD/runs/s16/dump_modules.so \
      python3 kernel_benchmark.py --program runs/s16/v/$p.py --lengths 256,32768 --no-prefill --repeats 10 --copy-mib 256 \
      | tail -n 4; echo "exit code ${PIPESTATUS[0]}"
  for f in "$OUT/mods/$p"/*; do grep -q custom_kernel_qwen3 "$f" || rm -f "$f"; done
  ls -l "$OUT/nvrtc/$p" "$OUT/mods/$p"
done
cd "$OUT" && tar czf dumps.tgz nvrtc mods && rm -rf nvrtc mods
