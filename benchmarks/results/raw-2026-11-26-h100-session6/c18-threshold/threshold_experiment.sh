# (c18) Run from the repository root on the GPU machine, as in device call 18.
# Where should the one-block path (8 warps) hand over to the cluster path? ONE_BLOCK_UNTIL 256 / 512 / 1024.
set -u
python3 benchmarks/kernel_variants.py best_program_cuda.py /tmp/thr ONE_BLOCK_UNTIL=256 ONE_BLOCK_UNTIL=512 ONE_BLOCK_UNTIL=1024 >/dev/null
mkdir -p $OUT/thr
for i in 1 2; do
  for f in /tmp/thr/*.py; do
    timeout 60 python3 kernel_benchmark.py --program $f --lengths 128,255,256,384,512,768,1023,1024 --no-prefill --repeats 30 \
        --copy-mib 1024 --json $OUT/thr/$(basename $f .py)_$i.json | tail -n 1
  done
done
p=/tmp/thr/best_program_cuda_one_block_until512.py
timeout 90 python3 kernel_benchmark.py --program $p --lengths all --json $OUT/thr/kernel_all_one_block_until512.json | tail -n 21
OUT=$OUT/thr timeout 200 bash benchmarks/gpu_session.sh gates $p | grep -v "^|"
cd $OUT && tar czf thr.tgz thr && rm -rf thr
