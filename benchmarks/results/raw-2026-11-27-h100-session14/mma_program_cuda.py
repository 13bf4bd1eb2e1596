"""Qwen3 GQA decode attention for MLX's CUDA back-end: split-K, one launch where one suffices.

Written by hand from initial_program_cuda.py; WARPS, UNROLL, HEADS_PER_BLOCK, BLOCKS_PER_SM and
SPLIT_FROM picked by benchmarks/pick_kernel_settings.py from a sweep of 19 variants on an H100,
ONE_BLOCK_WARPS from the kernels' GPU times under Nsight Compute, and ONE_BLOCK_UNTIL from timing
256, 512 and 1024 with those 8-warp blocks (EVOLUTION_ANALYSIS.md has the measurements). Decode
(Lq == 1) runs the kernels below; prefill hands over to mx.fast.scaled_dot_product_attention (cuDNN
flash attention, which decode tok/s does not wait on).

Both decode paths share one inner loop, `attend_slice`: a block takes a slice of the keys of one
KV head and scores both query heads of the GQA pair against every K row it loads, so each K/V
row is read once. Each half-warp takes one key row at a time (16 lanes x 8 dims: one 16-byte load
per lane), UNROLL rows per step, and issues the next step's 2 x UNROLL 16-byte loads before this
step's arithmetic; it keeps a running (online) softmax; the half-warps, then the warps, merge
their states.

- Lk < ONE_BLOCK_UNTIL: one block of ONE_BLOCK_WARPS warps per query-head group takes every key and
  writes the output: no merge between blocks.
- Lk < SPLIT_FROM: one launch. The CLUSTER blocks of a KV head form a thread block cluster
  (sm_90) and push their states into the first block's shared memory (distributed shared
  memory), which merges them and writes the output: no scratch memory, no second launch.
- Lk >= SPLIT_FROM: the keys are split over about BLOCKS_PER_SM blocks per SM and a second, small
  kernel merges the splits' states. In the H100 sweep with WARPS 16 the cluster path was as fast
  or faster at every length up to 32K, so SPLIT_FROM is past any cache; the path stays for the
  next sweep, which measures it at every length again.

MLX writes a kernel's signature itself, and cluster shape and launch bounds can only be given as
attributes of that signature: the header redefines `__global__` (it comes before the signature).
The one-block kernel declares the cluster kernel's cluster shape too, though its blocks never meet:
MLX 0.32's CUDA graph cache may update a graph's kernel node from one kernel to the other, and such
an update is only safe between kernels of the same cluster shape (MLX's device.cpp says so).

MLX 0.32 also rebuilds and hashes a kernel's whole source on every call, which made source length a
host cost per call. So each kernel's code is a device function in a file that the header
`#include`s (`included`), and the source MLX hashes is the one line that calls it.

Contract: qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None) -> mx.array
    queries [B, 16, Lq, 128], keys/values [B, 8, Lk, 128], read through their strides; mask None,
    "causal" or an mx.array; returns [B, 16, Lq, 128] in queries.dtype.
"""

import hashlib
import os
import tempfile
from pathlib import Path

import mlx.core as mx

# EVOLVE-BLOCK-START
WARPS = 8  # warps per block
ONE_BLOCK_WARPS = 8  # warps per block on the one-block path (short caches: a smaller block finishes sooner)
CLUSTER = 8  # blocks per KV head on the one-launch path (8 is the portable maximum)
ONE_BLOCK_UNTIL = 512  # below this many keys, one block per head group takes them all
SPLIT_FROM = 1073741824  # from this many keys on, split and merge in a second launch (never: see above)
SMS = 132  # streaming multiprocessors of an H100 / H200
BLOCKS_PER_SM = 1  # blocks an SM must be able to hold (caps registers); the split path launches this many per SM
HEADS_PER_BLOCK = 2  # query heads a block scores: 2, Qwen3's GQA pair, reads each K/V row once
THREADS = 32 * WARPS
ONE_BLOCK_THREADS = 32 * ONE_BLOCK_WARPS


def constants(warps):
    """The compile-time constants of a kernel whose blocks have `warps` warps."""
    return f"""
constexpr int HEAD_DIM = 128;
constexpr int WARPS = {warps};
constexpr int THREADS = {32 * warps};
constexpr int CLUSTER = {CLUSTER};
constexpr int HEADS = {HEADS_PER_BLOCK};
constexpr int TILE = 16;  // keys a warp takes per step
constexpr int STATE = HEADS * HEAD_DIM;  // accumulator floats of a block's softmax state
constexpr float NO_SCORE = -1.0e30f;     // finite "minus infinity": exp() of it is 0, no inf - inf
constexpr unsigned FULL_MASK = 0xffffffffu;
"""


DEVICE_CODE = """
// Eight consecutive bf16 of a row as raw bits: one 16-byte load when the row is contiguous and
// aligned, else eight strided loads.
__device__ inline uint4 load_8(const __nv_bfloat16* row, long long stride, bool vector_load) {
  if (vector_load) return *reinterpret_cast<const uint4*>(row);
  unsigned short bits[8];
  for (int j = 0; j < 8; ++j) bits[j] = __bfloat16_as_ushort(row[j * stride]);
  return make_uint4(bits[0] | (bits[1] << 16), bits[2] | (bits[3] << 16), bits[4] | (bits[5] << 16),
                    bits[6] | (bits[7] << 16));
}

// The dim that N tile j, column n of O holds (see attend_slice).
__device__ inline int dim_of(int j, int n) { return (j / 8) * 64 + 8 * n + j % 8; }

__device__ inline unsigned word(uint4 raw, int i) { return i == 0 ? raw.x : i == 1 ? raw.y : i == 2 ? raw.z : raw.w; }

// D += A B on the tensor cores: A 16 x 16 bf16 (4 registers), B 16 x 8 bf16 (2), D 16 x 8 fp32.
// Lane l holds, with g = l / 4 and t = l % 4: A rows g (a0, a2) and g + 8 (a1, a3), columns 2t, 2t + 1
// (a0, a1) and 2t + 8, 2t + 9 (a2, a3); B rows 2t, 2t + 1 (b0) and 2t + 8, 2t + 9 (b1), column g;
// D row g (d0, d1) and g + 8 (d2, d3), columns 2t and 2t + 1 (PTX ISA, mma.m16n8k16).
__device__ inline void mma_16x8x16(float d[4], unsigned a0, unsigned a1, unsigned a2, unsigned a3, unsigned b0,
                                   unsigned b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
      "{%0, %1, %2, %3};"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
}

__device__ inline unsigned bf16_pair(float lo, float hi) {
  const __nv_bfloat162 pair = __floats2bfloat162_rn(lo, hi);
  return *reinterpret_cast<const unsigned*>(&pair);
}

// One step's K and V for this lane: K rows key0 + g and key0 + 8 + g, chunks 4c + t (c = 0..3); V rows
// key0 + 2t, + 1, + 8, + 9, chunks g and g + 8 (16-byte chunks of 8 dims). Rows at or past `end` load
// row `begin` instead, so loads stay unconditional and in bounds.
struct Tile {
  uint4 k[2][4];
  uint4 v[4][2];
};

template <typename Strides>
__device__ inline void load_tile(Tile& tile, const __nv_bfloat16* k_head, const __nv_bfloat16* v_head,
                                 const Strides& k_strides, const Strides& v_strides, bool vector_load, int key0,
                                 int begin, int end, int g, int t) {
  for (int half = 0; half < 2; ++half) {
    const int row = key0 + 8 * half + g;
    const __nv_bfloat16* k_row = k_head + (row < end ? row : begin) * k_strides[2];
    for (int c = 0; c < 4; ++c) tile.k[half][c] = load_8(k_row + (32 * c + 8 * t) * k_strides[3], k_strides[3], vector_load);
  }
  const int rows[4] = {key0 + 2 * t, key0 + 2 * t + 1, key0 + 8 + 2 * t, key0 + 9 + 2 * t};
  for (int r = 0; r < 4; ++r) {
    const __nv_bfloat16* v_row = v_head + (rows[r] < end ? rows[r] : begin) * v_strides[2];
    for (int c = 0; c < 2; ++c) tile.v[r][c] = load_8(v_row + (64 * c + 8 * g) * v_strides[3], v_strides[3], vector_load);
  }
}

// The softmax state of a block (or a split) for HEADS query heads: running max, sum of
// exponentials, and the exponential-weighted sum of values.
struct State {
  float max[HEADS];
  float sum[HEADS];
  float acc[STATE];
};

// Attend the query heads q_head0 .. q_head0 + HEADS - 1 to rows [begin, end) of one KV head;
// leaves the block's state in `state` (shared memory). Every thread of the block must call it.
//
// On the tensor cores: each warp takes TILE keys a step, for S = Q K^T (M: the heads, rows 0 and 1 of
// 16, the other rows zero; N: 8 keys, two tiles; K: 128 dims in 8 steps of 16) and O += P V (M: the
// heads; N: 8 dims, 16 tiles; K: the 16 keys). The order of the dims inside a k-step is free (a dot
// product does not depend on it) as long as Q and K agree, so a lane reads whole 16-byte chunks of K;
// the order of the dims across O's N tiles is free as long as the write-back knows it (`dim_of`), so
// a lane reads whole chunks of V. S's accumulator layout is P's A-operand layout: no shuffles.
template <typename Shape, typename Strides>
__device__ void attend_slice(const __nv_bfloat16* queries, const Shape& q_shape, const Strides& q_strides,
                             const __nv_bfloat16* keys, const Shape& k_shape, const Strides& k_strides,
                             const __nv_bfloat16* values, const Strides& v_strides, int batch, int q_head0,
                             int begin, int end, float scale, State& state) {
  static_assert(HEADS == 2, "the heads are rows 0 and 1 of the M = 16 tensor-core tiles");
  __shared__ float warp_max[HEADS][WARPS];
  __shared__ float warp_sum[HEADS][WARPS];
  __shared__ float warp_acc[HEADS][WARPS][HEAD_DIM];
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int g = lane / 4, t = lane % 4;
  const int kv_head = q_head0 / (q_shape[1] / k_shape[1]);
  const __nv_bfloat16* k_head = keys + batch * k_strides[0] + kv_head * k_strides[1];
  const __nv_bfloat16* v_head = values + batch * v_strides[0] + kv_head * v_strides[1];
  const bool vector_load = k_strides[3] == 1 && v_strides[3] == 1 && k_strides[2] % 8 == 0 &&
                           v_strides[2] % 8 == 0 && reinterpret_cast<size_t>(k_head) % 16 == 0 &&
                           reinterpret_cast<size_t>(v_head) % 16 == 0;

  // Q as the A operand of S = Q K^T: lanes of rows g = 0, 1 hold head q_head0 + g, chunk 4c + t,
  // as k-steps 2c (dims 0-3 of the chunk) and 2c + 1 (dims 4-7); rows 2-15 are zero.
  unsigned q_a0[8], q_a2[8];
  {
    uint4 chunk[4] = {};
    if (g < HEADS) {
      const __nv_bfloat16* q_row = queries + batch * q_strides[0] + (q_head0 + g) * q_strides[1];
      const bool q_vector = q_strides[3] == 1 && reinterpret_cast<size_t>(q_row) % 16 == 0;
      for (int c = 0; c < 4; ++c) chunk[c] = load_8(q_row + (32 * c + 8 * t) * q_strides[3], q_strides[3], q_vector);
    }
    for (int c = 0; c < 4; ++c) {
      q_a0[2 * c] = chunk[c].x;
      q_a2[2 * c] = chunk[c].y;
      q_a0[2 * c + 1] = chunk[c].z;
      q_a2[2 * c + 1] = chunk[c].w;
    }
  }

  float row_max = NO_SCORE, row_sum = 0.0f;  // of head g (lanes of rows 2-15: unused)
  float o[16][4];  // O's N tiles: o[j][0], o[j][1] = head g, dims dim_of(j, 2t), dim_of(j, 2t + 1)
  for (int j = 0; j < 16; ++j)
    for (int i = 0; i < 4; ++i) o[j][i] = 0.0f;

  // Each warp takes the tiles warp, warp + WARPS, ... of the slice; the next tile's loads are issued
  // before this tile's arithmetic (software pipelining).
  Tile next;
  const int first = begin + warp * TILE;
  if (first < end) load_tile(next, k_head, v_head, k_strides, v_strides, vector_load, first, begin, end, g, t);
  for (int key0 = first; key0 < end; key0 += WARPS * TILE) {  // uniform across the warp
    const Tile tile = next;
    if (key0 + WARPS * TILE < end)
      load_tile(next, k_head, v_head, k_strides, v_strides, vector_load, key0 + WARPS * TILE, begin, end, g, t);

    // S = Q K^T for keys key0 .. key0 + 7 (s[0]) and key0 + 8 .. key0 + 15 (s[1]).
    float s[2][4] = {};
#pragma unroll
    for (int half = 0; half < 2; ++half)
#pragma unroll
      for (int step = 0; step < 8; ++step) {
        const uint4 chunk = tile.k[half][step / 2];
        const unsigned b0 = step % 2 ? chunk.z : chunk.x, b1 = step % 2 ? chunk.w : chunk.y;
        mma_16x8x16(s[half], q_a0[step], 0u, q_a2[step], 0u, b0, b1);
      }
    // This lane's scores: head g, keys key0 + 2t, + 1 (s[0][0], s[0][1]) and key0 + 8 + 2t, + 1.
    float score[4] = {s[0][0], s[0][1], s[1][0], s[1][1]};
    const int key_of[4] = {key0 + 2 * t, key0 + 2 * t + 1, key0 + 8 + 2 * t, key0 + 9 + 2 * t};
    float step_max = NO_SCORE;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      score[i] = key_of[i] < end ? score[i] * scale : NO_SCORE;
      step_max = fmaxf(step_max, score[i]);
    }
    step_max = fmaxf(step_max, __shfl_xor_sync(FULL_MASK, step_max, 1));  // the 4 lanes of row g
    step_max = fmaxf(step_max, __shfl_xor_sync(FULL_MASK, step_max, 2));
    const float new_max = fmaxf(row_max, step_max);
    const float correction = __expf(row_max - new_max);
    float p[4];
#pragma unroll
    for (int i = 0; i < 4; ++i) p[i] = key_of[i] < end ? __expf(score[i] - new_max) : 0.0f;
    row_sum = row_sum * correction + (p[0] + p[1]) + (p[2] + p[3]);  // this lane's keys; summed over t at the end
    row_max = new_max;
    const unsigned p_a0 = bf16_pair(p[0], p[1]), p_a2 = bf16_pair(p[2], p[3]);

    // O += P V: N tile j holds dims dim_of(j, n); lane g's B column is V's chunk j / 8 (dims 8g .. 8g + 7
    // or 64 + 8g ..), element j % 8, of rows key0 + 2t, + 1 (b0) and key0 + 8 + 2t, + 1 (b1).
#pragma unroll
    for (int j = 0; j < 16; ++j) {
      o[j][0] *= correction;
      o[j][1] *= correction;
      const int c = j / 8, w = (j % 8) / 2;
      const unsigned selector = j % 2 ? 0x7632u : 0x5410u;  // high or low bf16 of each word
      const unsigned b0 = __byte_perm(word(tile.v[0][c], w), word(tile.v[1][c], w), selector);
      const unsigned b1 = __byte_perm(word(tile.v[2][c], w), word(tile.v[3][c], w), selector);
      mma_16x8x16(o[j], p_a0, 0u, p_a2, 0u, b0, b1);
    }
  }
  row_sum += __shfl_xor_sync(FULL_MASK, row_sum, 1);
  row_sum += __shfl_xor_sync(FULL_MASK, row_sum, 2);

  // The warps of the block, through shared memory: rows 0 and 1 (lanes 0-7) hold the two heads.
  if (g < HEADS) {
#pragma unroll
    for (int j = 0; j < 16; ++j)
      for (int n = 0; n < 2; ++n) warp_acc[g][warp][dim_of(j, 2 * t + n)] = o[j][n];
    if (t == 0) {
      warp_max[g][warp] = row_max;
      warp_sum[g][warp] = row_sum;
    }
  }
  __syncthreads();
  for (int i = threadIdx.x; i < STATE; i += THREADS) {
    const int h = i / HEAD_DIM;
    float m = NO_SCORE;
    for (int w = 0; w < WARPS; ++w) m = fmaxf(m, warp_max[h][w]);
    float sum = 0.0f, a = 0.0f;
    for (int w = 0; w < WARPS; ++w) {
      const float weight = __expf(warp_max[h][w] - m);
      sum += warp_sum[h][w] * weight;
      a += warp_acc[h][w][i % HEAD_DIM] * weight;
    }
    state.acc[i] = a;
    if (i % HEAD_DIM == 0) {
      state.max[h] = m;
      state.sum[h] = sum;
    }
  }
  __syncthreads();
}

// Merge n states (stride apart in memory) and write head h, dim d of the output.
__device__ inline float merged(const float* maxes, const float* sums, const float* accs, int n, int stride) {
  float m = NO_SCORE;
  for (int r = 0; r < n; ++r) m = fmaxf(m, maxes[r * stride]);
  float sum = 0.0f, a = 0.0f;
  for (int r = 0; r < n; ++r) {
    const float weight = __expf(maxes[r * stride] - m);
    sum += sums[r * stride] * weight;
    a += accs[r * stride] * weight;
  }
  return a / sum;
}
"""


def header(warps, cluster):
    """Constants, the shared device code, and the kernel's attributes: launch bounds, and the cluster
    shape where `cluster` (the one-block kernel declares it too: see the module docstring)."""
    cluster_dims = f"__cluster_dims__({CLUSTER}, 1, 1) " if cluster else ""
    return f"""
#undef __global__
#define __global__ __location__(global) {cluster_dims}__launch_bounds__({32 * warps}, {BLOCKS_PER_SM})
""" + constants(warps) + DEVICE_CODE


def included(cuda):
    """An `#include` of a file that holds `cuda`, written once and named by its hash.

    MLX 0.32 rebuilds and hashes a kernel's whole source, header included, on every call
    (custom_kernel.cpp), about 1 us of host time per call for 7 KB; a one-line include costs next to
    nothing, and NVRTC reads the file only when it compiles. The hash in the name keeps MLX's cache of
    compiled kernels, which is keyed on the source, keyed on this code too."""
    path = KERNEL_FILES / f"{hashlib.sha256(cuda.encode()).hexdigest()[:24]}.cuh"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        scratch.write_text(cuda)
        scratch.replace(path)  # atomic: a process compiling at the same time reads all of it or none
    return f'#include "{path}"\n'


KERNEL_FILES = Path(tempfile.gettempdir()) / f"qwen3_gqa_kernels_{os.getuid()}"

# The kernels' bodies, each a device function that the kernel MLX generates calls with its
# arguments: the source MLX hashes per call stays one line (see `included`).
ATTENTION_PARAMS = """const __nv_bfloat16* queries, const Shape& queries_shape, const Strides& queries_strides,
    const __nv_bfloat16* keys, const Shape& keys_shape, const Strides& keys_strides, const __nv_bfloat16* values,
    const Strides& values_strides, float scale"""
ATTENTION_ARGS = "queries, queries_shape, queries_strides, keys, keys_shape, keys_strides, values, values_strides"

# One launch: the CLUSTER blocks of a (batch, KV head) are a cluster; block r takes the r-th slice.
CLUSTER_KERNEL = f"""
template <typename Shape, typename Strides>
__device__ void cluster_kernel({ATTENTION_PARAMS}, __nv_bfloat16* out) {{""" + """
  cooperative_groups::cluster_group cluster = cooperative_groups::this_cluster();
  cluster.barrier_arrive();  // "this block has started": others may write to it once all have
  const int rank = cluster.block_rank();
  const int q_head0 = (blockIdx.x / CLUSTER) * HEADS;
  const int batch = blockIdx.y;
  const int k_len = keys_shape[2];  // the whole cache
  const int chunk = (k_len + CLUSTER - 1) / CLUSTER;
  const int begin = min(rank * chunk, k_len);
  const int end = min(begin + chunk, k_len);

  __shared__ State state;
  __shared__ State gathered[CLUSTER];  // filled in the cluster's first block only
  attend_slice(queries, queries_shape, queries_strides, keys, keys_shape, keys_strides, values, values_strides,
               batch, q_head0, begin, end, scale, state);

  cluster.barrier_wait();
  State* to_first = cluster.map_shared_rank(&gathered[rank], 0);
  for (int i = threadIdx.x; i < STATE; i += THREADS) to_first->acc[i] = state.acc[i];
  if (threadIdx.x < HEADS) {
    to_first->max[threadIdx.x] = state.max[threadIdx.x];
    to_first->sum[threadIdx.x] = state.sum[threadIdx.x];
  }
  cluster.sync();  // every block's state has landed in the first block

  if (rank == 0) {
    constexpr int STRIDE = sizeof(State) / sizeof(float);
    for (int i = threadIdx.x; i < STATE; i += THREADS) {
      const int h = i / HEAD_DIM;
      const float x = merged(&gathered[0].max[h], &gathered[0].sum[h], &gathered[0].acc[i], CLUSTER, STRIDE);
      out[(batch * queries_shape[1] + q_head0 + h) * HEAD_DIM + i % HEAD_DIM] = __float2bfloat16(x);
    }
  }
}
"""

# One launch, one block per (head group, batch), every key: the block's state is the answer.
ONE_BLOCK_KERNEL = f"""
template <typename Shape, typename Strides>
__device__ void one_block_kernel({ATTENTION_PARAMS}, __nv_bfloat16* out) {{""" + """
  const int q_head0 = blockIdx.x * HEADS;
  const int batch = blockIdx.y;
  __shared__ State state;
  attend_slice(queries, queries_shape, queries_strides, keys, keys_shape, keys_strides, values, values_strides,
               batch, q_head0, 0, keys_shape[2], scale, state);
  for (int i = threadIdx.x; i < STATE; i += THREADS) {
    const int h = i / HEAD_DIM;
    out[(batch * queries_shape[1] + q_head0 + h) * HEAD_DIM + i % HEAD_DIM] =
        __float2bfloat16(state.acc[i] / state.sum[h]);
  }
}
"""

# Two launches: each block writes its split's state; the merge kernel combines them.
SPLIT_KERNEL = f"""
template <typename Shape, typename Strides>
__device__ void split_kernel({ATTENTION_PARAMS}, float* states) {{""" + """
  const int groups = queries_shape[1] / HEADS;
  const int splits = gridDim.x / groups;
  const int split = blockIdx.x % splits;
  const int group = blockIdx.x / splits;
  const int batch = blockIdx.y;
  const int k_len = keys_shape[2];
  const int chunk = (k_len + splits - 1) / splits;
  const int begin = min(split * chunk, k_len);
  const int end = min(begin + chunk, k_len);

  __shared__ State state;
  attend_slice(queries, queries_shape, queries_strides, keys, keys_shape, keys_strides, values, values_strides,
               batch, group * HEADS, begin, end, scale, state);
  State* to = reinterpret_cast<State*>(states) + (batch * groups + group) * splits + split;
  for (int i = threadIdx.x; i < STATE; i += THREADS) to->acc[i] = state.acc[i];
  if (threadIdx.x < HEADS) {
    to->max[threadIdx.x] = state.max[threadIdx.x];
    to->sum[threadIdx.x] = state.sum[threadIdx.x];
  }
}
"""
# One block per (batch, head group), one thread per output element of the group.
MERGE_KERNEL = """
template <typename Shape>
__device__ void merge_kernel(const float* states, const Shape& states_shape, __nv_bfloat16* out) {
  const int groups = states_shape[1];
  const int splits = states_shape[2];
  const int group = blockIdx.x;
  const int batch = blockIdx.y;
  const int h = threadIdx.x / HEAD_DIM;
  const State* first = reinterpret_cast<const State*>(states) + (batch * groups + group) * splits;
  constexpr int STRIDE = sizeof(State) / sizeof(float);
  const float x = merged(&first->max[h], &first->sum[h], &first->acc[threadIdx.x], splits, STRIDE);
  out[(batch * groups * HEADS + group * HEADS + h) * HEAD_DIM + threadIdx.x % HEAD_DIM] = __float2bfloat16(x);
}
"""
STATE_FLOATS = HEADS_PER_BLOCK * (128 + 2)


def decode_kernels(scale):
    """The four kernels for one softmax scale (a literal in the call: one input fewer per call)."""
    if scale not in _kernels:
        qkv = ["queries", "keys", "values"]
        call = f"{ATTENTION_ARGS}, {float(scale)!r}f"
        _kernels[scale] = (
            mx.fast.cuda_kernel(name="qwen3_gqa_decode_one_block", input_names=qkv, output_names=["out"],
                                source=f"one_block_kernel({call}, out);",
                                header=included(header(ONE_BLOCK_WARPS, cluster=True) + ONE_BLOCK_KERNEL),
                                ensure_row_contiguous=False),
            mx.fast.cuda_kernel(name="qwen3_gqa_decode_cluster", input_names=qkv, output_names=["out"],
                                source=f"cluster_kernel({call}, out);",
                                header=included(header(WARPS, cluster=True) + CLUSTER_KERNEL),
                                ensure_row_contiguous=False),
            mx.fast.cuda_kernel(name="qwen3_gqa_decode_split", input_names=qkv, output_names=["states"],
                                source=f"split_kernel({call}, states);",
                                header=included(header(WARPS, cluster=False) + SPLIT_KERNEL),
                                ensure_row_contiguous=False),
            mx.fast.cuda_kernel(name="qwen3_gqa_decode_merge", input_names=["states"], output_names=["out"],
                                source="merge_kernel(states, states_shape, out);",
                                header=included(constants(WARPS) + DEVICE_CODE + MERGE_KERNEL)),
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
    one_block_kernel, cluster_kernel, split_kernel, merge_kernel = decode_kernels(scale)
    groups = n_q_heads // HEADS_PER_BLOCK
    k_len = keys.shape[2]
    if k_len < ONE_BLOCK_UNTIL:
        (out,) = one_block_kernel(inputs=[queries, keys, values], output_shapes=[queries.shape],
                                  output_dtypes=[queries.dtype], grid=(ONE_BLOCK_THREADS * groups, batch, 1),
                                  threadgroup=(ONE_BLOCK_THREADS, 1, 1))
        return out
    if k_len < SPLIT_FROM:
        (out,) = cluster_kernel(inputs=[queries, keys, values], output_shapes=[queries.shape],
                                output_dtypes=[queries.dtype], grid=(THREADS * CLUSTER * groups, batch, 1),
                                threadgroup=(THREADS, 1, 1))
        return out
    splits = max(1, min(BLOCKS_PER_SM * SMS // (batch * groups), k_len // 256))
    (states,) = split_kernel(inputs=[queries, keys, values], output_shapes=[(batch, groups, splits, STATE_FLOATS)],
                             output_dtypes=[mx.float32], grid=(THREADS * splits * groups, batch, 1),
                             threadgroup=(THREADS, 1, 1))
    (out,) = merge_kernel(inputs=[states], output_shapes=[queries.shape], output_dtypes=[queries.dtype],
                          grid=(HEADS_PER_BLOCK * 128 * groups, batch, 1), threadgroup=(HEADS_PER_BLOCK * 128, 1, 1))
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
