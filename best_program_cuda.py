"""Qwen3 GQA decode attention for MLX's CUDA back-end: split-K in one launch, with Hopper clusters.

Written by hand from initial_program_cuda.py (see EVOLUTION_ANALYSIS.md for how it was measured
and chosen). Decode (Lq == 1) runs the kernel below; prefill hands over to
mx.fast.scaled_dot_product_attention (cuDNN flash attention, which decode tok/s does not wait on).

The kernel, per batch and KV head, is one cluster of CLUSTER blocks (thread block clusters, sm_90):
- block r of the cluster takes the r-th slice of the keys; both query heads of the GQA pair are
  scored against every K row it loads, so each K/V row is read once;
- within a block, each half-warp takes one key row at a time (16 lanes x 8 dims, one 16-byte load
  per lane), UNROLL rows per step so that 2 x UNROLL independent 16-byte loads per lane are in
  flight, and keeps a running (online) softmax;
- the half-warps, then the warps, then the blocks of the cluster merge their partial softmax
  states; the last merge reads the other blocks' shared memory directly (distributed shared
  memory), so there is no second launch and no scratch buffer in global memory.

MLX writes the kernel's signature itself, and a cluster size can only be given as an attribute
of that signature: the header redefines `__global__` (it precedes the signature) to add
`__cluster_dims__` and `__launch_bounds__`. CLUSTER and THREADS are therefore literals there.

Contract: qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None) -> mx.array
    queries [B, 16, Lq, 128], keys/values [B, 8, Lk, 128], read through their strides; mask None,
    "causal" or an mx.array; returns [B, 16, Lq, 128] in queries.dtype.
"""

import mlx.core as mx

# EVOLVE-BLOCK-START
CLUSTER = 8  # blocks per (batch, KV head): 8 KV heads x 8 = 64 blocks, one per SM
WARPS = 16  # warps per block
UNROLL = 4  # key rows per half-warp per step: 2 x UNROLL 16-byte loads in flight per lane
HEADS_PER_BLOCK = 2  # query heads sharing each K/V row (Qwen3's GQA group)
THREADS = 32 * WARPS

HEADER = f"""
// Cluster shape and launch bounds must sit on the kernel's signature, which MLX writes after this
// header: give them to every __global__ that follows.
#undef __global__
#define __global__ __location__(global) __cluster_dims__({CLUSTER}, 1, 1) __launch_bounds__({THREADS}, 1)

constexpr unsigned FULL_MASK = 0xffffffffu;

// Sum over the 16 lanes of a half-warp; every lane of the warp must call it.
__device__ inline float half_warp_sum(float x) {{
  for (int offset = 8; offset > 0; offset /= 2) x += __shfl_xor_sync(FULL_MASK, x, offset);
  return x;
}}

// Eight consecutive bf16 of a row, as raw bits: one 16-byte load when the row is contiguous and
// aligned, else eight strided loads.
__device__ inline uint4 load_8(const __nv_bfloat16* row, long long stride, bool vector_load) {{
  if (vector_load) return *reinterpret_cast<const uint4*>(row);
  unsigned short bits[8];
  for (int j = 0; j < 8; ++j) bits[j] = __bfloat16_as_ushort(row[j * stride]);
  return make_uint4(bits[0] | (bits[1] << 16), bits[2] | (bits[3] << 16), bits[4] | (bits[5] << 16),
                    bits[6] | (bits[7] << 16));
}}

__device__ inline void unpack_8(uint4 raw, float out[8]) {{
  const unsigned words[4] = {{raw.x, raw.y, raw.z, raw.w}};
  for (int j = 0; j < 4; ++j) {{
    out[2 * j] = __uint_as_float(words[j] << 16);
    out[2 * j + 1] = __uint_as_float(words[j] & 0xffff0000u);
  }}
}}
"""

CONSTANTS = f"""
  constexpr int CLUSTER = {CLUSTER};
  constexpr int WARPS = {WARPS};
  constexpr int UNROLL = {UNROLL};
  constexpr int HEADS = {HEADS_PER_BLOCK};
  constexpr int THREADS = {THREADS};
"""

SOURCE = """
  constexpr int HEAD_DIM = 128;
  constexpr int HALF_WARPS = 2 * WARPS;
  constexpr int ROWS_PER_STEP = HALF_WARPS * UNROLL;
  constexpr float NO_SCORE = -1.0e30f;  // finite "minus infinity": exp() of it is 0, no inf - inf

  cg::cluster_group cluster = cg::this_cluster();
  const int rank = cluster.block_rank();   // which slice of the keys this block takes
  const int head_group = blockIdx.x / CLUSTER;
  const int batch = blockIdx.y;
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int half = threadIdx.x / 16;       // each half-warp scores one key row at a time
  const int dim0 = (threadIdx.x % 16) * 8; // this lane's 8 dims of the row

  const int n_q_heads = queries_shape[1];
  const int k_len = keys_shape[2];         // the whole cache
  const int q_head0 = head_group * HEADS;
  const int kv_head = q_head0 / (n_q_heads / keys_shape[1]);

  const int chunk = (k_len + CLUSTER - 1) / CLUSTER;
  const int begin = min(rank * chunk, k_len);
  const int end = min(begin + chunk, k_len);

  const __nv_bfloat16* k_base = keys + batch * keys_strides[0] + kv_head * keys_strides[1] + dim0 * keys_strides[3];
  const __nv_bfloat16* v_base = values + batch * values_strides[0] + kv_head * values_strides[1] + dim0 * values_strides[3];
  const bool vector_load = keys_strides[3] == 1 && values_strides[3] == 1 && keys_strides[2] % 8 == 0 &&
                           values_strides[2] % 8 == 0 && reinterpret_cast<size_t>(k_base) % 16 == 0 &&
                           reinterpret_cast<size_t>(v_base) % 16 == 0;

  float q[HEADS][8];
  for (int h = 0; h < HEADS; ++h) {
    const __nv_bfloat16* q_row = queries + batch * queries_strides[0] + (q_head0 + h) * queries_strides[1];
    for (int j = 0; j < 8; ++j) q[h][j] = static_cast<float>(q_row[(dim0 + j) * queries_strides[3]]) * SCALE;
  }

  float row_max[HEADS], row_sum[HEADS], acc[HEADS][8];
  for (int h = 0; h < HEADS; ++h) {
    row_max[h] = NO_SCORE;
    row_sum[h] = 0.0f;
    for (int j = 0; j < 8; ++j) acc[h][j] = 0.0f;
  }

  for (int step = begin; step < end; step += ROWS_PER_STEP) {  // uniform across the block
    uint4 k_raw[UNROLL], v_raw[UNROLL];
    bool valid[UNROLL];
#pragma unroll
    for (int u = 0; u < UNROLL; ++u) {
      const int row = step + u * HALF_WARPS + half;
      valid[u] = row < end;
      const int safe_row = valid[u] ? row : begin;  // loads stay unconditional and in bounds
      k_raw[u] = load_8(k_base + safe_row * keys_strides[2], keys_strides[3], vector_load);
      v_raw[u] = load_8(v_base + safe_row * values_strides[2], values_strides[3], vector_load);
    }
#pragma unroll
    for (int h = 0; h < HEADS; ++h) {
      float score[UNROLL];
      float step_max = NO_SCORE;
#pragma unroll
      for (int u = 0; u < UNROLL; ++u) {
        float k[8];
        unpack_8(k_raw[u], k);
        float partial = 0.0f;
        for (int j = 0; j < 8; ++j) partial += q[h][j] * k[j];
        const float full_score = half_warp_sum(partial);  // every lane takes part in the shuffle
        score[u] = valid[u] ? full_score : NO_SCORE;
        step_max = fmaxf(step_max, score[u]);
      }
      const float new_max = fmaxf(row_max[h], step_max);
      const float correction = __expf(row_max[h] - new_max);
      row_sum[h] *= correction;
      for (int j = 0; j < 8; ++j) acc[h][j] *= correction;
#pragma unroll
      for (int u = 0; u < UNROLL; ++u) {
        const float p = valid[u] ? __expf(score[u] - new_max) : 0.0f;
        float v[8];
        unpack_8(v_raw[u], v);
        row_sum[h] += p;
        for (int j = 0; j < 8; ++j) acc[h][j] += p * v[j];
      }
      row_max[h] = new_max;
    }
  }

  // Merge 1: the two half-warps of each warp (lanes i and i + 16 hold the same dims).
  for (int h = 0; h < HEADS; ++h) {
    const float other_max = __shfl_xor_sync(FULL_MASK, row_max[h], 16);
    const float other_sum = __shfl_xor_sync(FULL_MASK, row_sum[h], 16);
    const float m = fmaxf(row_max[h], other_max);
    const float mine = __expf(row_max[h] - m);
    const float theirs = __expf(other_max - m);
    row_sum[h] = row_sum[h] * mine + other_sum * theirs;
    for (int j = 0; j < 8; ++j) acc[h][j] = acc[h][j] * mine + __shfl_xor_sync(FULL_MASK, acc[h][j], 16) * theirs;
    row_max[h] = m;
  }

  // Merge 2: the warps of this block, through shared memory.
  __shared__ float warp_max[HEADS][WARPS];
  __shared__ float warp_sum[HEADS][WARPS];
  __shared__ float warp_acc[HEADS][WARPS][HEAD_DIM];
  if (lane < 16) {
    for (int h = 0; h < HEADS; ++h) {
      for (int j = 0; j < 8; ++j) warp_acc[h][warp][dim0 + j] = acc[h][j];
      if (lane == 0) {
        warp_max[h][warp] = row_max[h];
        warp_sum[h][warp] = row_sum[h];
      }
    }
  }
  __syncthreads();

  // This block's partial state stays in shared memory, where rank 0 of the cluster reads it.
  __shared__ float block_max[HEADS];
  __shared__ float block_sum[HEADS];
  __shared__ float block_acc[HEADS][HEAD_DIM];
  for (int i = threadIdx.x; i < HEADS * HEAD_DIM; i += THREADS) {
    const int h = i / HEAD_DIM;
    const int d = i % HEAD_DIM;
    float m = NO_SCORE;
    for (int w = 0; w < WARPS; ++w) m = fmaxf(m, warp_max[h][w]);
    float sum = 0.0f, a = 0.0f;
    for (int w = 0; w < WARPS; ++w) {
      const float weight = __expf(warp_max[h][w] - m);
      sum += warp_sum[h][w] * weight;
      a += warp_acc[h][w][d] * weight;
    }
    block_acc[h][d] = a;
    if (d == 0) {
      block_max[h] = m;
      block_sum[h] = sum;
    }
  }
  cluster.sync();

  // Merge 3: rank 0 reads every block's partial state (distributed shared memory) and writes.
  if (rank == 0) {
    for (int i = threadIdx.x; i < HEADS * HEAD_DIM; i += THREADS) {
      const int h = i / HEAD_DIM;
      const int d = i % HEAD_DIM;
      float m = NO_SCORE;
      for (int r = 0; r < CLUSTER; ++r) m = fmaxf(m, *cluster.map_shared_rank(&block_max[h], r));
      float sum = 0.0f, a = 0.0f;
      for (int r = 0; r < CLUSTER; ++r) {
        const float weight = __expf(*cluster.map_shared_rank(&block_max[h], r) - m);
        sum += *cluster.map_shared_rank(&block_sum[h], r) * weight;
        a += *cluster.map_shared_rank(&block_acc[h][d], r) * weight;
      }
      out[(batch * n_q_heads + q_head0 + h) * HEAD_DIM + d] = __float2bfloat16(a / sum);
    }
  }
  cluster.sync();  // every block's shared memory must outlive rank 0's reads
"""


def decode_kernel(scale):
    """One kernel per softmax scale (a compile-time constant: one input fewer per call)."""
    if scale not in _kernels:
        _kernels[scale] = mx.fast.cuda_kernel(
            name="qwen3_gqa_decode_cluster",
            input_names=["queries", "keys", "values"],
            output_names=["out"],
            source=f"  constexpr float SCALE = {float(scale)!r}f;" + CONSTANTS + SOURCE,
            header=HEADER,
            ensure_row_contiguous=False,  # read the cache views through their strides
        )
    return _kernels[scale]


_kernels = {}


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    batch, n_q_heads, q_len, head_dim = queries.shape
    if q_len > 1:
        # Prefill: cuDNN's flash attention; decode tokens/s does not wait on it.
        return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)
    if isinstance(mask, mx.array) or queries.dtype != mx.bfloat16 or head_dim != 128:
        return attention_in_mlx_ops(queries, keys, values, scale, mask)
    (out,) = decode_kernel(scale)(
        inputs=[queries, keys, values],
        output_shapes=[queries.shape],
        output_dtypes=[queries.dtype],
        grid=(THREADS * CLUSTER * (n_q_heads // HEADS_PER_BLOCK), batch, 1),  # threads
        threadgroup=(THREADS, 1, 1),
    )
    return out
# EVOLVE-BLOCK-END


def attention_in_mlx_ops(queries, keys, values, scale, mask):
    """What the kernel does not cover (array masks, other dtypes), in plain MLX operations."""
    group = queries.shape[1] // keys.shape[1]
    k = mx.repeat(keys, group, axis=1).astype(mx.float32)
    v = mx.repeat(values, group, axis=1).astype(mx.float32)
    scores = (queries.astype(mx.float32) * scale) @ k.swapaxes(-1, -2)
    if isinstance(mask, mx.array):
        scores = mx.where(mask, scores, -mx.inf) if mask.dtype == mx.bool_ else scores + mask
    return (mx.softmax(scores, axis=-1) @ v).astype(queries.dtype)
