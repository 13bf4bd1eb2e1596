"""The CUDA starting kernel, plus one access just past the end of its output: it reads the two bytes
there and writes them back. Whatever buffer lies there keeps its value (in the model check a live one
does), so the answer stays right and only compute-sanitizer's memcheck sees it."""
import mlx.core as mx

import initial_program_cuda as correct

_kernel = mx.fast.cuda_kernel(
    name="writes_out_of_bounds",
    input_names=["queries", "keys", "values", "scale"],
    output_names=["out"],
    source=correct.SOURCE + """
  if (blockIdx.x == 0 && blockIdx.y == 0 && blockIdx.z == 0 && threadIdx.x == 0) {
    const long out_size = static_cast<long>(queries_shape[0]) * queries_shape[1] * queries_shape[2] * HEAD_DIM;
    // volatile, so that the compiler keeps a store of the value just loaded
    volatile unsigned short* past_end = reinterpret_cast<volatile unsigned short*>(out + out_size);
    *past_end = *past_end;
  }
""",
    header=correct.HEADER,
    ensure_row_contiguous=False,
)


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    correct._kernel = _kernel  # the starting program's call, with this kernel
    return correct.qwen3_custom_gqa_attention(queries, keys, values, scale=scale, mask=mask)
