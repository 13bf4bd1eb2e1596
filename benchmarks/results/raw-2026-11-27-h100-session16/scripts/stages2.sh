# Session 16, round 2 (fixed after round 1, before its run): the machine code MLX runs on the device.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
cat /proc/driver/nvidia/version | head -1
for p in shipped shipped_text1 shipped_text2 fused_merge; do
  mkdir -p "$OUT/mods/$p"
  DUMP_MODULES_DIR=$OUT/mods/$p LD_PRELOAD=$PWD/runs/s16/dump_modules.so \
      python3 kernel_benchmark.py --program runs/s16/v/$p.py --lengths 32768 --no-prefill --repeats 10 --copy-mib 256 \
      --json "$OUT/$p.32k.json" | tail -n 3
  for f in "$OUT/mods/$p"/*; do grep -q custom_kernel_qwen3 "$f" || rm -f "$f"; done
  ls -l "$OUT/mods/$p"
done
# the libnvrtc that MLX loads, and its version
python3 - <<'PY'
import ctypes, mlx.core as mx
k = mx.fast.cuda_kernel(name="probe", input_names=["x"], output_names=["y"], source="y[0] = x[0];")
mx.eval(k(inputs=[mx.ones(1)], output_shapes=[(1,)], output_dtypes=[mx.float32], grid=(1, 1, 1), threadgroup=(1, 1, 1))[0])
libs = sorted({line.split()[-1] for line in open("/proc/self/maps") if "nvrtc" in line})
print("nvrtc libraries:", libs)
for lib in libs:
    if "builtins" in lib: continue
    major, minor = ctypes.c_int(), ctypes.c_int()
    ctypes.CDLL(lib).nvrtcVersion(ctypes.byref(major), ctypes.byref(minor))
    print(lib, "nvrtcVersion", major.value, minor.value)
PY
cd "$OUT" && tar czf mods.tgz mods && rm -rf mods
