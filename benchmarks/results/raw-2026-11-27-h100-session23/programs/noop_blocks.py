"""Session 23, round 4: the no-op kernel, launched as 8 blocks like the shipped one-block kernel.

From benchmarks/ceiling_program_cuda.py, the end-to-end ceiling for CUDA: decode attention that does no work.

It still takes queries, keys and values as kernel inputs, so the K/V projections, RoPE and cache
writes stay live in MLX's lazy graph; it only writes zeros. The decode speedup of this program over
SDPA is the most any attention kernel could gain on a benchmark. Never a valid answer: the
evaluator uses it for timing alone (prefill hands over to SDPA, as the baseline).
"""

import mlx.core as mx

THREADS = 256

_kernel = mx.fast.cuda_kernel(
    name="qwen3_gqa_noop",
    input_names=["queries", "keys", "values"],
    output_names=["out"],
    source="""
  const int n = queries_shape[0] * queries_shape[1] * queries_shape[2] * queries_shape[3];
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    out[i] = __float2bfloat16(0.0f);
  }
""",
    ensure_row_contiguous=False,
)


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    if queries.shape[2] > 1:
        return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)
    (out,) = _kernel(inputs=[queries, keys, values], output_shapes=[queries.shape], output_dtypes=[queries.dtype],
                     grid=(THREADS * 8, 1, 1), threadgroup=(THREADS, 1, 1))
    return out
