"""A CUDA kernel that writes nothing: its output is whatever the allocator hands back. In a process
that has just computed the reference, that can be the right answer (stale buffers); the
correctness gate runs the program in a process of its own, on buffers filled with NaN first."""
import mlx.core as mx

_kernel = mx.fast.cuda_kernel(
    name="writes_nothing",
    input_names=["queries"],
    output_names=["out"],
    source="""
  if (queries_shape[0] < 0) out[0] = queries[0];  // never: the output is left as it was
""",
)


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    (out,) = _kernel(inputs=[queries], output_shapes=[queries.shape], output_dtypes=[queries.dtype],
                     grid=(32, 1, 1), threadgroup=(32, 1, 1))
    return out
