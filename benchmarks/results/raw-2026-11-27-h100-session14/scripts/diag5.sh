# Session 14, round 5's diagnostic: GPU time of each kernel under Nsight Compute at 1K, 4K and 32K.
set -u
OUT=$OUT bash benchmarks/gpu_session.sh gputime 1024,4096,32768 runs/s14/shipped.py runs/s14/v/tma_program_cuda_stages3.py \
    >"$OUT/gputime5.log" 2>&1
grep -E "^runs|custom_kernel|cudnn_generated|sdpa_vector|^/root" "$OUT/gputime5.log" | cut -c1-160
