"""Qwen3 grouped-query attention as a CUDA kernel for MLX's CUDA back-end (NVIDIA GPUs).

The starting point for evolution on NVIDIA: simple and correct, not fast. Every call, decode and
prefill alike, runs this kernel; only array masks (which mlx-lm's Qwen3 never passes) take a
plain-MLX path. The same algorithm, line for line, is the Metal kernel in initial_program.py.

Contract: qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None) -> mx.array
    queries [B, 16, Lq, 128], keys/values [B, 8, Lk, 128], read through their strides (mlx-lm's
    KV cache hands over strided views: no copies); mask None, "causal" (bottom-right aligned) or an
    mx.array; returns [B, 16, Lq, 128] in queries.dtype.
"""

import mlx.core as mx

# EVOLVE-BLOCK-START
WARPS = 4  # warps per block; they split the keys between them
THREADS = 32 * WARPS

HEADER = """
// Full-mask shuffles: every caller below is reached by all 32 lanes of its warp.
__device__ inline float warp_max(float x) {
  for (int offset = 16; offset > 0; offset /= 2) x = fmaxf(x, __shfl_xor_sync(0xffffffff, x, offset));
  return x;
}
__device__ inline float warp_sum(float x) {
  for (int offset = 16; offset > 0; offset /= 2) x += __shfl_xor_sync(0xffffffff, x, offset);
  return x;
}
"""

# One block per (query row, query head, batch). Its WARPS warps take tiles of 32 keys in turn:
# lane j scores key j of the tile against the query (held in shared memory), the warp updates its
# running softmax with the tile's max and sum, then each lane adds its 4 output dims over the
# tile's values. Finally the warps' partial results are merged through shared memory.
SOURCE = """
  constexpr int LANES = 32;
  constexpr int DIMS_PER_LANE = HEAD_DIM / LANES;
  constexpr float NO_SCORE = -1.0e30f;  // finite "minus infinity": exp() of it is 0, no inf - inf

  __shared__ float q_shared[HEAD_DIM];
  __shared__ float warp_max_shared[WARPS];
  __shared__ float warp_sum_shared[WARPS];
  __shared__ float warp_acc_shared[WARPS][HEAD_DIM];

  const int lane = threadIdx.x % LANES;
  const int warp = threadIdx.x / LANES;
  const int q_row = blockIdx.x;
  const int q_head = blockIdx.y;
  const int batch = blockIdx.z;

  const int n_q_heads = queries_shape[1];
  const int q_len = queries_shape[2];
  const int k_len = keys_shape[2];  // the whole cache, whatever the query length
  const int kv_head = q_head / (n_q_heads / keys_shape[1]);
  // Bottom-right aligned causal mask: query row i sits at key position k_len - q_len + i.
  const int k_end = CAUSAL ? k_len - q_len + q_row + 1 : k_len;

  const __nv_bfloat16* q = queries + batch * queries_strides[0] + q_head * queries_strides[1]
                           + q_row * queries_strides[2];
  const __nv_bfloat16* k_base = keys + batch * keys_strides[0] + kv_head * keys_strides[1];
  const __nv_bfloat16* v_base = values + batch * values_strides[0] + kv_head * values_strides[1];

  for (int d = threadIdx.x; d < HEAD_DIM; d += THREADS) {
    q_shared[d] = static_cast<float>(q[d * queries_strides[3]]) * scale[0];
  }
  __syncthreads();

  float row_max = NO_SCORE;
  float row_sum = 0.0f;
  float acc[DIMS_PER_LANE] = {};
  for (int tile = warp * LANES; tile < k_end; tile += WARPS * LANES) {  // uniform across the warp
    const int key = tile + lane;
    float score = NO_SCORE;
    if (key < k_end) {
      const __nv_bfloat16* k = k_base + key * keys_strides[2];
      score = 0.0f;
      for (int d = 0; d < HEAD_DIM; ++d) {
        score += q_shared[d] * static_cast<float>(k[d * keys_strides[3]]);
      }
    }
    const float new_max = fmaxf(row_max, warp_max(score));
    const float p = expf(score - new_max);               // 0 for keys past k_end
    const float correction = expf(row_max - new_max);    // rescales what came before
    row_sum = row_sum * correction + warp_sum(p);
    row_max = new_max;
    for (int i = 0; i < DIMS_PER_LANE; ++i) acc[i] *= correction;

    const int tile_keys = min(LANES, k_end - tile);
    for (int t = 0; t < tile_keys; ++t) {
      const float p_t = __shfl_sync(0xffffffff, p, t);
      const __nv_bfloat16* v = v_base + (tile + t) * values_strides[2];
      for (int i = 0; i < DIMS_PER_LANE; ++i) {
        acc[i] += p_t * static_cast<float>(v[(lane * DIMS_PER_LANE + i) * values_strides[3]]);
      }
    }
  }

  if (lane == 0) {
    warp_max_shared[warp] = row_max;
    warp_sum_shared[warp] = row_sum;
  }
  for (int i = 0; i < DIMS_PER_LANE; ++i) warp_acc_shared[warp][lane * DIMS_PER_LANE + i] = acc[i];
  __syncthreads();

  if (warp == 0) {
    float block_max = NO_SCORE;
    for (int w = 0; w < WARPS; ++w) block_max = fmaxf(block_max, warp_max_shared[w]);
    float weight[WARPS];
    float block_sum = 0.0f;
    for (int w = 0; w < WARPS; ++w) {
      weight[w] = expf(warp_max_shared[w] - block_max);
      block_sum += warp_sum_shared[w] * weight[w];
    }
    T* o = out + ((batch * n_q_heads + q_head) * q_len + q_row) * HEAD_DIM;
    for (int i = 0; i < DIMS_PER_LANE; ++i) {
      const int d = lane * DIMS_PER_LANE + i;
      float x = 0.0f;
      for (int w = 0; w < WARPS; ++w) x += warp_acc_shared[w][d] * weight[w];
      o[d] = static_cast<T>(x / block_sum);
    }
  }
"""

_kernel = mx.fast.cuda_kernel(
    name="qwen3_gqa_attention",
    input_names=["queries", "keys", "values", "scale"],
    output_names=["out"],
    source=SOURCE,
    header=HEADER,
    ensure_row_contiguous=False,  # read the cache views through their strides
)


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    if isinstance(mask, mx.array):
        return attention_with_mask_array(queries, keys, values, scale, mask)
    batch, n_q_heads, q_len, head_dim = queries.shape
    (out,) = _kernel(
        inputs=[queries, keys, values, scale_array(scale)],
        output_shapes=[queries.shape],
        output_dtypes=[queries.dtype],
        grid=(THREADS * q_len, n_q_heads, batch),  # threads; one block per query row and head
        threadgroup=(THREADS, 1, 1),
        template=[
            ("T", queries.dtype),
            ("HEAD_DIM", head_dim),
            ("WARPS", WARPS),
            ("THREADS", THREADS),
            ("CAUSAL", mask == "causal" and q_len > 1),
        ],
    )
    return out
# EVOLVE-BLOCK-END


_scale_arrays = {}


def scale_array(scale):
    """The softmax scale as a one-element input, made once per value (array creation costs host time)."""
    if scale not in _scale_arrays:
        _scale_arrays[scale] = mx.array([scale], dtype=mx.float32)
    return _scale_arrays[scale]


def attention_with_mask_array(queries, keys, values, scale, mask):
    """Array masks (never passed by mlx-lm's Qwen3) in plain MLX operations, not the kernel."""
    batch, n_q_heads, q_len, head_dim = queries.shape
    group = n_q_heads // keys.shape[1]
    k = mx.repeat(keys, group, axis=1).astype(mx.float32)
    v = mx.repeat(values, group, axis=1).astype(mx.float32)
    scores = (queries.astype(mx.float32) * scale) @ k.swapaxes(-1, -2)
    scores = mx.where(mask, scores, -mx.inf) if mask.dtype == mx.bool_ else scores + mask
    return (mx.softmax(scores, axis=-1) @ v).astype(queries.dtype)
