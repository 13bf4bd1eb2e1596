# (c15) The program files: git show 6f91de6:best_program_cuda.py > runs/before/best_program_cuda_before.py;
# sed "s/^ONE_BLOCK_WARPS = 8 /ONE_BLOCK_WARPS = 16 /" best_program_cuda.py > runs/before/best_program_cuda_compact_only.py
# Is the 32K speed-up of session 6's change the compacted source (same machine code here)?
set -u
python3 runs/before/cubin_compare.py runs/before/best_program_cuda_before.py best_program_cuda.py 2>&1 | cut -c1-200
python3 -c "import mlx.core as mx, glob; print(mx.__version__)"; ls /root/site/nvidia 2>/dev/null | head
for i in 1 2; do
  for p in runs/before/best_program_cuda_before.py runs/before/best_program_cuda_compact_only.py best_program_cuda.py; do
    timeout 100 python3 kernel_benchmark.py --program $p --lengths 32768 --no-prefill --repeats 30 --copy-mib 1024 | grep "L=32768" | sed "s|^|$i $(basename $p .py) |"
  done
done
for p in runs/before/best_program_cuda_compact_only.py runs/before/best_program_cuda_before.py; do
  ncu --clock-control none --metrics gpu__time_duration.sum --csv --log-file /tmp/$(basename $p .py).csv python3 kernel_benchmark.py --program $p --lengths 32768 --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
  python3 benchmarks/ncu_kernel_times.py /tmp/$(basename $p .py).csv | grep "custom\|cudnn_generated" | cut -c1-60,90- | sed "s|^|$(basename $p .py) |"
done
