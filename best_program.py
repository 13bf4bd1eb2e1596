"""Qwen3 GQA decode attention for MLX on Apple silicon: the Metal port of best_program_cuda.py.

UNMEASURED: no Apple hardware was available, so this file has never been compiled by a Metal
compiler nor run. Its Metal source passes the syntax check of kernel_compile_check.py (g++ against a
stand-in Metal header), nothing more. best_program_info.json says the same.

Below ONE_BLOCK_UNTIL keys it is the CUDA program's one-block path: one threadgroup per query-head
group takes every key and writes the output. From there on it is the CUDA program's split path (Metal
has no thread block clusters, so the CUDA program's one-launch cluster path has no counterpart):
the keys of each KV head are split over threadgroups and a second, small kernel merges the splits.
Both paths share one inner loop: a threadgroup scores both query heads of the GQA pair against
every K row it loads, keeping a running softmax per half-simdgroup (16 lanes x 8 dims of one key
row at a time, UNROLL rows per step, the next step's 2 x UNROLL 16-byte loads issued before this
step's arithmetic, as in the CUDA program; that pipelined loop serves mlx-lm's cache layout, and
other layouts take a plain loop of strided loads); the half-simdgroups, then the simdgroups, merge
their states. Prefill hands over to mx.fast.scaled_dot_product_attention.
UNROLL is the CUDA program's, picked on an H100, not on an Apple GPU. ONE_BLOCK_UNTIL (1024) is the
CUDA program's before session 6 moved it to 512 (and session 30 to 320), where its cluster path,
which has no counterpart here, overtook the one-block path; against a split path it was never timed. SIMDGROUPS is 8 where the CUDA program's WARPS is 16 (its ONE_BLOCK_WARPS is 8, as here): a Metal pipeline may
allow fewer than 512 threads per threadgroup when its kernel uses many registers, and that has not
been checked on Apple hardware. The CUDA program hands MLX its code through an included file, so
that the source MLX hashes on every call is one line; MLX's Metal path hashes its source per call
too (metal/custom_kernel.cpp), but whether Metal's runtime compiler reads an #include from the
file system could not be tried here, so this port keeps its code inline. Like the CUDA kernels, the attention
kernels name only the keys' shape and strides: MLX passes every shape or stride a kernel's source names on
every call, which costs host time per call on CUDA (measured on an H100) and may on Metal (unmeasured).
At Lq = 1 the queries of either layout mlx-lm makes are rows of 128 in (batch, head) order, and an
mlx-lm cache keeps K and V in buffers of one shape, so the values share the keys' strides.

Part by part (CUDA name -> Metal name):

| part | best_program_cuda.py | best_program.py |
|---|---|---|
| sum over a half-warp / half-simdgroup | `half_warp_sum`, `__shfl_xor_sync` | `half_simd_sum`, `simd_shuffle_xor` |
| a step's K and V rows in mlx-lm's cache layout: one pointer, constant offsets, rows past the slice not loaded | `load_step` (arrays `uint4[UNROLL]`) | `load_step` (`thread uint4*`) |
| 8 bf16 of a row in any other layout | `load_8_strided` | `load_8_strided` |
| bf16 bits to float | `unpack_8`, `__uint_as_float` | `unpack_8`, `as_type<float>` |
| a lane's running softmax | `struct LaneState` | `struct LaneState` |
| N rows folded into it: K unpacked once for both heads, then V | `attend_rows<N>` | `attend_rows<N>` |
| next step's loads before this step's arithmetic (cache layout); one row per step, no pipelining (other layouts) | the two loops of `attend_slice` | the two loops of `attend_slice` |
| softmax state of a block | `struct State` in `__shared__` | `struct State` in `threadgroup` |
| the inner loop and in-block merges | `attend_slice` (its own `__shared__` arrays) | `attend_slice` (threadgroup arrays passed in: Metal declares them in the kernel) |
| one-block path (Lk < ONE_BLOCK_UNTIL) | `ONE_BLOCK_KERNEL` | `ONE_BLOCK_SOURCE` |
| split kernel | `SPLIT_KERNEL` | `SPLIT_SOURCE` |
| merge kernel | `MERGE_KERNEL`, `merged` | `MERGE_SOURCE`, `merged` |
| one-launch cluster path (Lk < SPLIT_FROM) | `CLUSTER_KERNEL` | none: no clusters in Metal; the split path instead |
| what MLX gets as the kernel's source | one call; the code in an included file (`included`) | the code |
| the only shape and strides the attention kernels name; queries at row b x 16 + h | `keys_shape`, `keys_strides`, `Q_HEADS` | `keys_shape`, `keys_strides`, `Q_HEADS` |
| block / threadgroup index | `blockIdx`, `threadIdx` | `threadgroup_position_in_grid`, `thread_index_in_threadgroup` |

Contract: qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None) -> mx.array
    queries [B, 16, Lq, 128] as mlx-lm lays them out, keys/values [B, 8, Lk, 128] of one layout,
    read through their strides; mask None, "causal" or an mx.array; returns [B, 16, Lq, 128] in
    queries.dtype.
"""

import mlx.core as mx

# EVOLVE-BLOCK-START
SIMDGROUPS = 8  # simdgroups per threadgroup (CUDA: WARPS 16; see the docstring)
UNROLL = 4  # key rows per half-simdgroup per step
ONE_BLOCK_UNTIL = 1024  # below this many keys, one threadgroup per head group takes them all
GPU_CORES = 40  # splits are sized to give about one threadgroup per GPU core
HEADS_PER_GROUP = 2  # query heads sharing each K/V row (Qwen3's GQA group)
THREADS = 32 * SIMDGROUPS

DEVICE_CODE = f"""
constant constexpr int HEAD_DIM = 128;
constant constexpr int Q_HEADS = 16;  // Qwen3-0.6B's query heads; the Python call checks them
constant constexpr int SIMDGROUPS = {SIMDGROUPS};
constant constexpr int THREADS = {THREADS};
constant constexpr int UNROLL = {UNROLL};
constant constexpr int HEADS = {HEADS_PER_GROUP};
constant constexpr int HALF_SIMDGROUPS = 2 * SIMDGROUPS;
constant constexpr int ROWS_PER_STEP = HALF_SIMDGROUPS * UNROLL;
constant constexpr int STATE = HEADS * HEAD_DIM;
constant constexpr float NO_SCORE = -1.0e30f;  // finite "minus infinity": exp() of it is 0
""" + """
// Sum over the 16 lanes of a half-simdgroup; every lane of the simdgroup must call it.
inline float half_simd_sum(float x) {
  for (ushort offset = 8; offset > 0; offset /= 2) x += simd_shuffle_xor(x, offset);
  return x;
}

inline void unpack_8(uint4 raw, thread float* out) {
  const uint words[4] = {raw.x, raw.y, raw.z, raw.w};
  for (int j = 0; j < 4; ++j) {
    out[2 * j] = as_type<float>(words[j] << 16);
    out[2 * j + 1] = as_type<float>(words[j] & 0xffff0000u);
  }
}

// Eight bf16 `stride` apart, packed as one 16-byte load would return them.
inline uint4 load_8_strided(const device bfloat16_t* p, int64_t stride) {
  uint bits[8];
  for (int j = 0; j < 8; ++j) bits[j] = as_type<ushort>(p[j * stride]);
  return uint4(bits[0] | (bits[1] << 16), bits[2] | (bits[3] << 16), bits[4] | (bits[5] << 16),
               bits[6] | (bits[7] << 16));
}

// A lane's online-softmax state for HEADS query heads over the rows it has seen: running max, sum of
// exponentials, and the exponential-weighted sum of its 8 dims of the values.
struct LaneState {
  float max[HEADS];
  float sum[HEADS];
  float acc[HEADS][8];
};

// Fold N rows into the lane's state. Row u of the step is this half-simdgroup's row + u *
// HALF_SIMDGROUPS; it is in the slice if u * HALF_SIMDGROUPS < rows_left.
template <int N>
inline void attend_rows(thread const float (&q)[HEADS][8], thread const uint4* k_raw, thread const uint4* v_raw,
                        int rows_left, thread LaneState& s) {
  // Unpack each K row once and score it for both heads; then the half-simdgroup sums.
  float score[HEADS][N];
  for (int u = 0; u < N; ++u) {
    float k[8];
    unpack_8(k_raw[u], k);
    for (int h = 0; h < HEADS; ++h) {
      float partial = 0.0f;
      for (int j = 0; j < 8; ++j) partial += q[h][j] * k[j];
      score[h][u] = partial;
    }
  }
  for (int h = 0; h < HEADS; ++h)
    for (int u = 0; u < N; ++u) score[h][u] = half_simd_sum(score[h][u]);  // every lane takes part

  float p[HEADS][N];
  for (int h = 0; h < HEADS; ++h) {
    float step_max = NO_SCORE;
    for (int u = 0; u < N; ++u) step_max = metal::max(step_max, u * HALF_SIMDGROUPS < rows_left ? score[h][u] : NO_SCORE);
    const float new_max = metal::max(s.max[h], step_max);
    const float correction = metal::exp(s.max[h] - new_max);
    s.sum[h] *= correction;
    for (int j = 0; j < 8; ++j) s.acc[h][j] *= correction;
    for (int u = 0; u < N; ++u) {
      p[h][u] = u * HALF_SIMDGROUPS < rows_left ? metal::exp(score[h][u] - new_max) : 0.0f;
      s.sum[h] += p[h][u];
    }
    s.max[h] = new_max;
  }
  // Unpack each V row once and add it to both heads.
  for (int u = 0; u < N; ++u) {
    float v[8];
    unpack_8(v_raw[u], v);
    for (int h = 0; h < HEADS; ++h)
      for (int j = 0; j < 8; ++j) s.acc[h][j] += p[h][u] * v[j];
  }
}

// This lane's 8 dims of the UNROLL rows k, k + HALF_SIMDGROUPS * HEAD_DIM, ... (and the same of v):
// one pointer and constant offsets. Rows at or past rows_left are not loaded.
inline void load_step(const device bfloat16_t* k, const device bfloat16_t* v, int rows_left, thread uint4* k_raw,
                      thread uint4* v_raw) {
  for (int u = 0; u < UNROLL; ++u) {
    const bool in_slice = u * HALF_SIMDGROUPS < rows_left;
    const int offset = u * HALF_SIMDGROUPS * HEAD_DIM;
    k_raw[u] = in_slice ? *reinterpret_cast<const device uint4*>(k + offset) : uint4(0, 0, 0, 0);
    v_raw[u] = in_slice ? *reinterpret_cast<const device uint4*>(v + offset) : uint4(0, 0, 0, 0);
  }
}

struct State {
  float max[HEADS];
  float sum[HEADS];
  float acc[STATE];
};

// Threadgroup memory for the in-threadgroup merge (Metal declares it in the kernel).
struct MergeScratch {
  float max[HEADS][SIMDGROUPS];
  float sum[HEADS][SIMDGROUPS];
  float acc[HEADS][SIMDGROUPS][HEAD_DIM];
};

// Attend query heads q_head0 .. q_head0 + HEADS - 1 to rows [begin, end) of one KV head; leaves the
// threadgroup's state in `state`. Every thread of the threadgroup must call it.
// Queries: q[batch, head] is row batch * Q_HEADS + head of HEAD_DIM contiguous bf16 (at Lq = 1 both
// layouts mlx-lm makes, [B, 16, 1, 128] and the transposed view of [B, 1, 16, 128], put it there).
// Values: read through the keys' strides (mlx-lm's caches hold K and V in buffers of one shape).
inline void attend_slice(const device bfloat16_t* queries, const device bfloat16_t* keys,
                         const constant int64_t* kv_strides, const device bfloat16_t* values, int batch,
                         int q_head0, int begin, int end, float scale, uint tid,
                         threadgroup MergeScratch& scratch, threadgroup State& state) {
  const int simd = tid / 32;
  const int lane = tid % 32;
  const int half_group = tid / 16;       // each half-simdgroup scores one key row at a time
  const int dim0 = (tid % 16) * 8;       // this lane's 8 dims of the row
  const int kv_head = q_head0 / 2;  // GQA pairs: query heads 2i and 2i + 1 read KV head i

  const int64_t kv_offset = batch * kv_strides[0] + kv_head * kv_strides[1] + dim0 * kv_strides[3];
  const device bfloat16_t* k_base = keys + kv_offset;
  const device bfloat16_t* v_base = values + kv_offset;
  // mlx-lm's caches: rows of HEAD_DIM contiguous bf16, one after the other, 16-byte aligned.
  const bool packed_rows = kv_strides[3] == 1 && kv_strides[2] == HEAD_DIM &&
                           (reinterpret_cast<uint64_t>(k_base) % 16) == 0 &&
                           (reinterpret_cast<uint64_t>(v_base) % 16) == 0;

  float q[HEADS][8];
  for (int h = 0; h < HEADS; ++h) {
    const device bfloat16_t* q_row = queries + (batch * Q_HEADS + q_head0 + h) * HEAD_DIM + dim0;
    for (int j = 0; j < 8; ++j) q[h][j] = static_cast<float>(q_row[j]) * scale;
  }
  LaneState s;
  for (int h = 0; h < HEADS; ++h) {
    s.max[h] = NO_SCORE;
    s.sum[h] = 0.0f;
    for (int j = 0; j < 8; ++j) s.acc[h][j] = 0.0f;
  }

  if (packed_rows) {
    // The loads of the next step are issued before this step's arithmetic (software pipelining),
    // so that a lane keeps 2 x UNROLL 16-byte loads in flight while it computes.
    const device bfloat16_t* k_row = k_base + (begin + half_group) * HEAD_DIM;
    const device bfloat16_t* v_row = v_base + (begin + half_group) * HEAD_DIM;
    uint4 k_next[UNROLL], v_next[UNROLL];
    load_step(k_row, v_row, end - begin - half_group, k_next, v_next);
    for (int step = begin; step < end; step += ROWS_PER_STEP) {  // uniform across the threadgroup
      uint4 k_raw[UNROLL], v_raw[UNROLL];
      for (int u = 0; u < UNROLL; ++u) {
        k_raw[u] = k_next[u];
        v_raw[u] = v_next[u];
      }
      const int rows_left = end - step - half_group;
      k_row += ROWS_PER_STEP * HEAD_DIM;
      v_row += ROWS_PER_STEP * HEAD_DIM;
      load_step(k_row, v_row, rows_left - ROWS_PER_STEP, k_next, v_next);
      attend_rows<UNROLL>(q, k_raw, v_raw, rows_left, s);
    }
  } else {
    // Any other layout: one row per half-simdgroup per step, eight loads per row.
    for (int step = begin; step < end; step += HALF_SIMDGROUPS) {  // uniform across the threadgroup
      const int row = step + half_group < end ? step + half_group : begin;
      const uint4 k_raw[1] = {load_8_strided(k_base + row * kv_strides[2], kv_strides[3])};
      const uint4 v_raw[1] = {load_8_strided(v_base + row * kv_strides[2], kv_strides[3])};
      attend_rows<1>(q, k_raw, v_raw, end - step - half_group, s);
    }
  }

  // The two half-simdgroups of each simdgroup (lanes i and i + 16 hold the same dims).
  for (int h = 0; h < HEADS; ++h) {
    const float other_max = simd_shuffle_xor(s.max[h], ushort(16));
    const float other_sum = simd_shuffle_xor(s.sum[h], ushort(16));
    const float m = metal::max(s.max[h], other_max);
    const float mine = metal::exp(s.max[h] - m);
    const float theirs = metal::exp(other_max - m);
    s.sum[h] = s.sum[h] * mine + other_sum * theirs;
    for (int j = 0; j < 8; ++j) s.acc[h][j] = s.acc[h][j] * mine + simd_shuffle_xor(s.acc[h][j], ushort(16)) * theirs;
    s.max[h] = m;
  }
  // The simdgroups of the threadgroup, through threadgroup memory.
  if (lane < 16) {
    for (int h = 0; h < HEADS; ++h) {
      for (int j = 0; j < 8; ++j) scratch.acc[h][simd][dim0 + j] = s.acc[h][j];
      if (lane == 0) {
        scratch.max[h][simd] = s.max[h];
        scratch.sum[h][simd] = s.sum[h];
      }
    }
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);
  for (int i = tid; i < STATE; i += THREADS) {
    const int h = i / HEAD_DIM;
    float m = NO_SCORE;
    for (int g = 0; g < SIMDGROUPS; ++g) m = metal::max(m, scratch.max[h][g]);
    float sum = 0.0f, a = 0.0f;
    for (int g = 0; g < SIMDGROUPS; ++g) {
      const float weight = metal::exp(scratch.max[h][g] - m);
      sum += scratch.sum[h][g] * weight;
      a += scratch.acc[h][g][i % HEAD_DIM] * weight;
    }
    state.acc[i] = a;
    if (i % HEAD_DIM == 0) {
      state.max[h] = m;
      state.sum[h] = sum;
    }
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);
}

// Merge n states (stride floats apart) for one output element.
inline float merged(const device float* maxes, const device float* sums, const device float* accs, int n, int stride) {
  float m = NO_SCORE;
  for (int r = 0; r < n; ++r) m = metal::max(m, maxes[r * stride]);
  float sum = 0.0f, a = 0.0f;
  for (int r = 0; r < n; ++r) {
    const float weight = metal::exp(maxes[r * stride] - m);
    sum += sums[r * stride] * weight;
    a += accs[r * stride] * weight;
  }
  return a / sum;
}
"""

# One launch, one threadgroup per (head group, batch), every key: its state is the answer.
ONE_BLOCK_SOURCE = """
  threadgroup MergeScratch scratch;
  threadgroup State state;
  const uint tid = thread_index_in_threadgroup;
  const int q_head0 = threadgroup_position_in_grid.x * HEADS;
  const int batch = threadgroup_position_in_grid.y;
  attend_slice(queries, keys, keys_strides, values, batch, q_head0, 0, keys_shape[2], SCALE, tid, scratch, state);
  for (int i = tid; i < STATE; i += THREADS) {
    const int h = i / HEAD_DIM;
    out[(batch * Q_HEADS + q_head0 + h) * HEAD_DIM + i % HEAD_DIM] =
        static_cast<bfloat16_t>(state.acc[i] / state.sum[h]);
  }
"""

# Two launches: each threadgroup writes its split's state; the merge kernel combines them.
SPLIT_SOURCE = """
  threadgroup MergeScratch scratch;
  threadgroup State state;
  const uint tid = thread_index_in_threadgroup;
  const int groups = Q_HEADS / HEADS;
  const int splits = threadgroups_per_grid.x / groups;
  const int split = threadgroup_position_in_grid.x % splits;
  const int group = threadgroup_position_in_grid.x / splits;
  const int batch = threadgroup_position_in_grid.y;
  const int k_len = keys_shape[2];  // the whole cache
  const int chunk = (k_len + splits - 1) / splits;
  const int begin = metal::min(split * chunk, k_len);
  const int end = metal::min(begin + chunk, k_len);

  attend_slice(queries, keys, keys_strides, values, batch, group * HEADS, begin, end, SCALE, tid, scratch, state);
  device float* to = states + ((batch * groups + group) * splits + split) * (2 * HEADS + STATE);
  for (int i = tid; i < STATE; i += THREADS) to[2 * HEADS + i] = state.acc[i];
  if (tid < uint(HEADS)) {
    to[tid] = state.max[tid];
    to[HEADS + tid] = state.sum[tid];
  }
"""
MERGE_SOURCE = """
  // One threadgroup per (batch, head group), one thread per output element of the group.
  const int groups = states_shape[1];
  const int splits = states_shape[2];
  const int group = threadgroup_position_in_grid.x;
  const int batch = threadgroup_position_in_grid.y;
  const int i = thread_index_in_threadgroup;
  const int h = i / HEAD_DIM;
  constexpr int STRIDE = 2 * HEADS + STATE;
  const device float* first = states + (batch * groups + group) * splits * STRIDE;
  const float x = merged(first + h, first + HEADS + h, first + 2 * HEADS + i, splits, STRIDE);
  out[(batch * groups * HEADS + group * HEADS + h) * HEAD_DIM + i % HEAD_DIM] = static_cast<bfloat16_t>(x);
"""
STATE_FLOATS = HEADS_PER_GROUP * (128 + 2)


def decode_kernels(scale):
    """The one-block, split and merge kernels for one softmax scale (a compile-time constant)."""
    if scale not in _kernels:
        constant = f"  constexpr float SCALE = {float(scale)!r}f;\n"
        _kernels[scale] = (
            mx.fast.metal_kernel(name="qwen3_gqa_decode_one_block", input_names=["queries", "keys", "values"],
                                 output_names=["out"], source=constant + ONE_BLOCK_SOURCE, header=DEVICE_CODE,
                                 ensure_row_contiguous=False),
            mx.fast.metal_kernel(name="qwen3_gqa_decode_split", input_names=["queries", "keys", "values"],
                                 output_names=["states"], source=constant + SPLIT_SOURCE, header=DEVICE_CODE,
                                 ensure_row_contiguous=False),
            mx.fast.metal_kernel(name="qwen3_gqa_decode_merge", input_names=["states"], output_names=["out"],
                                 source=MERGE_SOURCE, header=DEVICE_CODE),
        )
    return _kernels[scale]


_kernels = {}


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    batch, n_q_heads, q_len, head_dim = queries.shape
    if q_len > 1:
        # Prefill: MLX's own attention; decode tokens/s does not wait on it.
        return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)
    if (isinstance(mask, mx.array) or n_q_heads != 16 or keys.shape[1] != 8 or head_dim != 128
            or queries.dtype != mx.bfloat16):
        return attention_in_mlx_ops(queries, keys, values, scale, mask)
    one_block_kernel, split_kernel, merge_kernel = decode_kernels(scale)
    groups = n_q_heads // HEADS_PER_GROUP
    if keys.shape[2] < ONE_BLOCK_UNTIL:
        (out,) = one_block_kernel(inputs=[queries, keys, values], output_shapes=[queries.shape],
                                  output_dtypes=[queries.dtype], grid=(THREADS * groups, batch, 1),
                                  threadgroup=(THREADS, 1, 1))
        return out
    splits = max(1, min(GPU_CORES // (batch * groups), keys.shape[2] // 256))
    (states,) = split_kernel(inputs=[queries, keys, values], output_shapes=[(batch, groups, splits, STATE_FLOATS)],
                             output_dtypes=[mx.float32], grid=(THREADS * splits * groups, batch, 1),
                             threadgroup=(THREADS, 1, 1))
    (out,) = merge_kernel(inputs=[states], output_shapes=[queries.shape], output_dtypes=[queries.dtype],
                          grid=(HEADS_PER_GROUP * 128 * groups, batch, 1), threadgroup=(HEADS_PER_GROUP * 128, 1, 1))
    return out
# EVOLVE-BLOCK-END


def attention_in_mlx_ops(queries, keys, values, scale, mask):
    """What the kernels do not cover (array masks, other dtypes), in plain MLX operations."""
    group = queries.shape[1] // keys.shape[1]
    k = mx.repeat(keys, group, axis=1).astype(mx.float32)
    v = mx.repeat(values, group, axis=1).astype(mx.float32)
    scores = (queries.astype(mx.float32) * scale) @ k.swapaxes(-1, -2)
    if isinstance(mask, mx.array):
        scores = mx.where(mask, scores, -mx.inf) if mask.dtype == mx.bool_ else scores + mask
    return (mx.softmax(scores, axis=-1) @ v).astype(queries.dtype)
