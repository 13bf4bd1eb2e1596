"""The CUDA starting kernel, plus one write just past the end of its output. The answer stays right
(nothing reads there), so only compute-sanitizer's memcheck sees it."""
import mlx.core as mx

import initial_program_cuda as correct

_kernel = mx.fast.cuda_kernel(
    name="writes_out_of_bounds",
    input_names=["queries", "keys", "values", "scale"],
    output_names=["out"],
    source=correct.SOURCE + """
  if (blockIdx.x == 0 && blockIdx.y == 0 && blockIdx.z == 0 && threadIdx.x == 0) {
    const long out_size = static_cast<long>(queries_shape[0]) * queries_shape[1] * queries_shape[2] * HEAD_DIM;
    out[out_size] = out[0];  // one element past the end
  }
""",
    header=correct.HEADER,
    ensure_row_contiguous=False,
)


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    correct._kernel = _kernel  # the starting program's call, with this kernel
    return correct.qwen3_custom_gqa_attention(queries, keys, values, scale=scale, mask=mask)
