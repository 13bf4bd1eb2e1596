"""Qwen3 grouped-query attention as a Metal kernel for MLX on Apple silicon.

The starting point for evolution on a Mac: simple and correct, not fast. Every call, decode and
prefill alike, runs this kernel; only array masks (which mlx-lm's Qwen3 never passes) take a
plain-MLX path. It is the same algorithm, line for line, as the CUDA kernel in
initial_program_cuda.py, which is what this project measures: no Apple hardware was available to
compile or run this file, so its Metal source is checked only for syntax (tests/test_kernel_sources.py).

Contract: qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None) -> mx.array
    queries [B, 16, Lq, 128], keys/values [B, 8, Lk, 128], read through their strides (mlx-lm's
    KV cache hands over strided views: no copies); mask None, "causal" (bottom-right aligned) or an
    mx.array; returns [B, 16, Lq, 128] in queries.dtype.
"""

import mlx.core as mx

# EVOLVE-BLOCK-START
SIMDGROUPS = 4  # simdgroups per threadgroup; they split the keys between them
THREADS = 32 * SIMDGROUPS

# One threadgroup per (query row, query head, batch). Its SIMDGROUPS simdgroups take tiles of 32
# keys in turn: lane j scores key j of the tile against the query (held in threadgroup memory),
# the simdgroup updates its running softmax with the tile's max and sum, then each lane adds its
# 4 output dims over the tile's values. Finally the simdgroups' partial results are merged
# through threadgroup memory.
SOURCE = """
  constexpr int LANES = 32;
  constexpr int DIMS_PER_LANE = HEAD_DIM / LANES;
  constexpr float NO_SCORE = -1.0e30f;  // finite "minus infinity": exp() of it is 0, no inf - inf

  threadgroup float q_shared[HEAD_DIM];
  threadgroup float simd_max_shared[SIMDGROUPS];
  threadgroup float simd_sum_shared[SIMDGROUPS];
  threadgroup float simd_acc_shared[SIMDGROUPS][HEAD_DIM];

  const int lane = thread_index_in_simdgroup;
  const int simd_group = simdgroup_index_in_threadgroup;
  const int tid = thread_index_in_threadgroup;
  const int q_row = threadgroup_position_in_grid.x;
  const int q_head = threadgroup_position_in_grid.y;
  const int batch = threadgroup_position_in_grid.z;

  const int n_q_heads = queries_shape[1];
  const int q_len = queries_shape[2];
  const int k_len = keys_shape[2];  // the whole cache, whatever the query length
  const int kv_head = q_head / (n_q_heads / keys_shape[1]);
  // Bottom-right aligned causal mask: query row i sits at key position k_len - q_len + i.
  const int k_end = CAUSAL ? k_len - q_len + q_row + 1 : k_len;

  const device bfloat16_t* q = queries + batch * queries_strides[0] + q_head * queries_strides[1]
                               + q_row * queries_strides[2];
  const device bfloat16_t* k_base = keys + batch * keys_strides[0] + kv_head * keys_strides[1];
  const device bfloat16_t* v_base = values + batch * values_strides[0] + kv_head * values_strides[1];

  for (int d = tid; d < HEAD_DIM; d += THREADS) {
    q_shared[d] = static_cast<float>(q[d * queries_strides[3]]) * scale[0];
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);

  float row_max = NO_SCORE;
  float row_sum = 0.0f;
  float acc[DIMS_PER_LANE] = {};
  for (int tile = simd_group * LANES; tile < k_end; tile += SIMDGROUPS * LANES) {  // uniform in the simdgroup
    const int key = tile + lane;
    float score = NO_SCORE;
    if (key < k_end) {
      const device bfloat16_t* k = k_base + key * keys_strides[2];
      score = 0.0f;
      for (int d = 0; d < HEAD_DIM; ++d) {
        score += q_shared[d] * static_cast<float>(k[d * keys_strides[3]]);
      }
    }
    const float new_max = metal::max(row_max, simd_max(score));
    const float p = metal::exp(score - new_max);             // 0 for keys past k_end
    const float correction = metal::exp(row_max - new_max);  // rescales what came before
    row_sum = row_sum * correction + simd_sum(p);
    row_max = new_max;
    for (int i = 0; i < DIMS_PER_LANE; ++i) acc[i] *= correction;

    const int tile_keys = metal::min(LANES, k_end - tile);
    for (int t = 0; t < tile_keys; ++t) {
      const float p_t = simd_shuffle(p, ushort(t));
      const device bfloat16_t* v = v_base + (tile + t) * values_strides[2];
      for (int i = 0; i < DIMS_PER_LANE; ++i) {
        acc[i] += p_t * static_cast<float>(v[(lane * DIMS_PER_LANE + i) * values_strides[3]]);
      }
    }
  }

  if (lane == 0) {
    simd_max_shared[simd_group] = row_max;
    simd_sum_shared[simd_group] = row_sum;
  }
  for (int i = 0; i < DIMS_PER_LANE; ++i) simd_acc_shared[simd_group][lane * DIMS_PER_LANE + i] = acc[i];
  threadgroup_barrier(mem_flags::mem_threadgroup);

  if (simd_group == 0) {
    float group_max = NO_SCORE;
    for (int s = 0; s < SIMDGROUPS; ++s) group_max = metal::max(group_max, simd_max_shared[s]);
    float weight[SIMDGROUPS];
    float group_sum = 0.0f;
    for (int s = 0; s < SIMDGROUPS; ++s) {
      weight[s] = metal::exp(simd_max_shared[s] - group_max);
      group_sum += simd_sum_shared[s] * weight[s];
    }
    device T* o = out + ((batch * n_q_heads + q_head) * q_len + q_row) * HEAD_DIM;
    for (int i = 0; i < DIMS_PER_LANE; ++i) {
      const int d = lane * DIMS_PER_LANE + i;
      float x = 0.0f;
      for (int s = 0; s < SIMDGROUPS; ++s) x += simd_acc_shared[s][d] * weight[s];
      o[d] = static_cast<T>(x / group_sum);
    }
  }
"""

_kernel = mx.fast.metal_kernel(
    name="qwen3_gqa_attention",
    input_names=["queries", "keys", "values", "scale"],
    output_names=["out"],
    source=SOURCE,
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
        grid=(THREADS * q_len, n_q_heads, batch),  # threads; one threadgroup per query row and head
        threadgroup=(THREADS, 1, 1),
        template=[
            ("T", queries.dtype),
            ("HEAD_DIM", head_dim),
            ("SIMDGROUPS", SIMDGROUPS),
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
