# Every cluster/one-block image recorded on the device this session: size, and local-memory loads and
# stores in its SASS (NVDISASM: nvdisasm from the nvidia-cuda-nvdisasm wheel, CUDA 13).
# Run from benchmarks/results/raw-2026-11-27-h100-session16.
set -u
tmp=$(mktemp -d)
for t in round2/mods.tgz round3/dumps.tgz round5/mods.tgz round6/mods6.tgz round7/mods7.tgz; do
  mkdir -p "$tmp/$t" && tar xzf "$t" -C "$tmp/$t"
done
cd "$tmp" && find . -name "*.cubin" | sort | while read -r f; do
  kernel=$(strings "$f" | grep -m1 -o "custom_kernel_qwen3_gqa_decode_[a-z_]*[a-z]")
  echo "$f $(stat -c %s "$f") $kernel local_ld_st=$("$NVDISASM" -c "$f" | grep -c -E "LDL|STL")"
done
rm -rf "$tmp"
