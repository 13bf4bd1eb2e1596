"""The kernel bound for CUDA: decode attention that only reads K and V.

Any correct decode kernel reads every K and V byte of the call at least once and is called through
the same MLX custom-kernel path. This one does only that: 16-byte loads spread over every SM,
LOADS of them in flight per thread, folded into a register so the compiler keeps them, and the
output written (zeros). Its time in kernel_benchmark.py's protocol is what an attention kernel
could at best take there, so its speedup over SDPA estimates the most the protocol allows at each
length. An estimate: a better read kernel may exist. Session 18 timed three settings (these;
256 threads, 8 blocks per SM, 4 loads; 1024 threads, 1 block per SM, 8 loads) and took the best at
each length (benchmarks/results/2026-11-27-h100-session18.md). Never a valid answer: it computes
no attention. Prefill hands over to SDPA, as the baseline does.

Reads mlx-lm's cache layout only (rows of HEAD_DIM contiguous elements); that is every call the
benchmark makes.
"""

import mlx.core as mx

THREADS = 512  # threads per block
BLOCKS_PER_SM = 1  # blocks per SM over the whole grid
LOADS = 8  # independent 16-byte loads in flight per thread (the attention kernel's 2 x UNROLL)
SMS = 128  # blocks in all: 128 SMs of the card's 132 (session 22: does the SM count cap the read at 32K?)

HEADER = """
__device__ inline void fold(uint4& folded, const uint4& x) {
  folded.x ^= x.x; folded.y ^= x.y; folded.z ^= x.z; folded.w ^= x.w;
}
"""
# blockIdx.y: one (tensor, batch, KV head) segment, L x 128 contiguous bf16; blockIdx.x: a share of it.
SOURCE = f"""
  constexpr int LOADS = {LOADS};
  const int segments = keys_shape[0] * keys_shape[1];
  const int segment = blockIdx.y % segments;
  const bool is_value = blockIdx.y >= segments;
  const int batch = segment / keys_shape[1], head = segment % keys_shape[1];
  const auto& strides = is_value ? values_strides : keys_strides;
  const __nv_bfloat16* rows = (is_value ? values : keys) + batch * strides[0] + head * strides[1];
  const uint4* chunks = reinterpret_cast<const uint4*>(rows);
  const int n = keys_shape[2] * keys_shape[3] / 8;  // 16-byte chunks of the segment
  const int step = gridDim.x * blockDim.x;

  uint4 folded = make_uint4(0, 0, 0, 0);
  for (int first = blockIdx.x * blockDim.x + threadIdx.x; first < n; first += LOADS * step) {{
    // every load unconditional, so all LOADS are in flight at once; past the end, the last chunk again
    uint4 loaded[LOADS];
#pragma unroll
    for (int u = 0; u < LOADS; ++u) loaded[u] = __ldg(chunks + min(first + u * step, n - 1));
#pragma unroll
    for (int u = 0; u < LOADS; ++u) fold(folded, loaded[u]);
  }}

  const int n_out = queries_shape[0] * queries_shape[1] * queries_shape[3];
  if (blockIdx.x == 0 && blockIdx.y == 0) {{
    for (int j = threadIdx.x; j < n_out; j += blockDim.x) out[j] = __float2bfloat16(0.0f);
  }}
  // never true for real data, but the compiler cannot know: the loads stay
  if ((folded.x & folded.y & folded.z & folded.w) == 0xffffffffu) out[threadIdx.x % n_out] = __float2bfloat16(1.0f);
"""

_kernel = mx.fast.cuda_kernel(
    name="qwen3_gqa_read_bound",
    input_names=["queries", "keys", "values"],
    output_names=["out"],
    source=SOURCE,
    header=HEADER,
    ensure_row_contiguous=False,
)


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    if queries.shape[2] > 1:
        return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)
    segments = 2 * keys.shape[0] * keys.shape[1]
    blocks_per_segment = max(1, BLOCKS_PER_SM * SMS // segments)
    (out,) = _kernel(inputs=[queries, keys, values], output_shapes=[queries.shape], output_dtypes=[queries.dtype],
                     grid=(THREADS * blocks_per_segment, segments, 1), threadgroup=(THREADS, 1, 1))
    return out
