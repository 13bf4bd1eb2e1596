"""The end-to-end ceiling for Metal: decode attention that does no work (see ceiling_program_cuda.py).
Unmeasured here: no Apple hardware was available."""

import mlx.core as mx

THREADS = 256

_kernel = mx.fast.metal_kernel(
    name="qwen3_gqa_noop",
    input_names=["queries", "keys", "values"],
    output_names=["out"],
    source="""
  const uint n = queries_shape[0] * queries_shape[1] * queries_shape[2] * queries_shape[3];
  for (uint i = thread_position_in_grid.x; i < n; i += threads_per_grid.x) {
    out[i] = static_cast<bfloat16_t>(0.0f);
  }
""",
    ensure_row_contiguous=False,
)


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    if queries.shape[2] > 1:
        return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)
    (out,) = _kernel(inputs=[queries, keys, values], output_shapes=[queries.shape], output_dtypes=[queries.dtype],
                     grid=(THREADS, 1, 1), threadgroup=(THREADS, 1, 1))
    return out
