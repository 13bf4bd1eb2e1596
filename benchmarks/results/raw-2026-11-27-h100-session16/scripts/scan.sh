# Session 16, round 4: the device's own NVRTC on MLX's recorded compile inputs (record_*.txt), for the
# shipped program, the fused merge, and 24 text variants of each: registers, stack frame, spill stores.
set -u
OUT=${OUT:?}
export NVRTC_LIB_DIR=/usr/local/cuda/targets/x86_64-linux/lib PYTHONPATH=/root/site:.
grep -m1 "model name" /proc/cpuinfo; ldd --version | head -1; ls $NVRTC_LIB_DIR | grep nvrtc
mkdir -p /tmp/scan
ls runs/s16/scan/*.py | xargs -P 14 -I{} sh -c \
    'python3 runs/s16/replay_nvrtc.py runs/s16/record_cluster.txt {} /tmp/scan/$(basename {} .py).cluster.cubin --verbose 2>&1 | tail -n 1' \
    | sort | tee "$OUT/scan_cluster.txt"
for p in shipped fused_merge; do
  python3 runs/s16/replay_nvrtc.py runs/s16/record_one_block.txt runs/s16/v/$p.py /tmp/scan/$p.one_block.cubin --verbose | tail -n 1
done | tee "$OUT/scan_one_block.txt"
# the recorded compile of the shipped text itself, under MLX's own file name: the device's image again?
python3 runs/s16/replay_nvrtc.py runs/s16/record_cluster.txt runs/s16/v/shipped.py /tmp/scan/recorded.cubin --verbose | tail -n 1
cd /tmp/scan && tar czf "$OUT/scan_cubins.tgz" *.cubin
