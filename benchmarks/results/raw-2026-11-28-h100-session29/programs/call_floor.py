"""Session 29, diagnostic only: the shipped file's decode call with no work in it.

The call is the one best_program_cuda.py makes below 512 keys: the same inputs, the same two named
arguments (keys_shape, keys_strides), the same grid, block and launch bounds, the same one-line source
calling a device function in an included file, and, with CLUSTER_SHAPE = 1, the same cluster shape.
The device function only writes zeros. So its time over SDPA is the floor of that call: what any
kernel that reads the cache through its shape and strides pays before doing any work.
"""

import mlx.core as mx

from best_program_cuda import ATTENTION_ARGS, ATTENTION_PARAMS, ONE_BLOCK_WARPS, decode_launches, header, included

CLUSTER_SHAPE = 1  # 1: declare the shipped kernels' cluster shape; 0: declare none

ZERO_KERNEL = f"""
template <typename Shape, typename Strides>
__device__ void zero_kernel({ATTENTION_PARAMS}, __nv_bfloat16* out) {{""" + """
  const int q_head0 = blockIdx.x * HEADS;
  const int batch = blockIdx.y;
  for (int i = threadIdx.x; i < STATE; i += THREADS) {
    out[(batch * Q_HEADS + q_head0 + i / HEAD_DIM) * HEAD_DIM + i % HEAD_DIM] = __float2bfloat16(0.0f);
  }
}
"""

_zero = mx.fast.cuda_kernel(name="qwen3_gqa_decode_floor", input_names=["queries", "keys", "values"],
                            output_names=["out"], source=f"zero_kernel({ATTENTION_ARGS}, 1.0f, out);",
                            header=included(header(ONE_BLOCK_WARPS, cluster=bool(CLUSTER_SHAPE)) + ZERO_KERNEL),
                            ensure_row_contiguous=False)
_launches = {}


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    shape = queries.shape
    if shape[2] > 1:
        return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)
    launch = _launches.get(shape)
    if launch is None:
        (_, grid, threadgroup), _ = decode_launches(shape, scale)
        launch = _launches[shape] = (grid, threadgroup)
    grid, threadgroup = launch
    return _zero(inputs=[queries, keys, values], output_shapes=[shape], output_dtypes=[mx.bfloat16], grid=grid,
                 threadgroup=threadgroup)[0]
