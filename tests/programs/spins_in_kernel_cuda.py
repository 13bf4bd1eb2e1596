"""A CUDA kernel that never finishes: it spins on the clock. (A full-mask warp shuffle reached by
only half a warp was seen to hang an H100 the same way.) Only killing its process frees the GPU."""
import mlx.core as mx

_kernel = mx.fast.cuda_kernel(
    name="spins_forever",
    input_names=["queries"],
    output_names=["out"],
    source="""
  while (clock64() >= 0) {}  // clock64() counts up from 0: never false
  out[0] = queries[0];
""",
)


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    (out,) = _kernel(inputs=[queries], output_shapes=[queries.shape], output_dtypes=[queries.dtype],
                     grid=(32, 1, 1), threadgroup=(32, 1, 1))
    return out
