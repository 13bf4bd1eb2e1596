"""Qwen3 grouped-query attention in plain MLX operations: no custom kernel.

It runs on any device MLX has, the CPU included, which makes it the starting point for
`run_evolve_experiment.sh --backend mlx` and for the CI's evolution test. Evolution may rewrite
anything inside the EVOLVE-BLOCK as long as the function keeps the contract:

    qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None) -> mx.array
    queries [B, 16, Lq, 128], keys/values [B, 8, Lk, 128] (often strided views of the KV cache),
    mask None, "causal" (bottom-right aligned) or an mx.array; returns [B, 16, Lq, 128] in
    queries.dtype.
"""

import mlx.core as mx


# EVOLVE-BLOCK-START
def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    batch, n_q_heads, q_len, head_dim = queries.shape
    n_kv_heads, k_len = keys.shape[1], keys.shape[2]
    group = n_q_heads // n_kv_heads

    # Query heads h = kv * group + g share KV head kv: fold the group into the query axis so one
    # matmul per KV head serves all of its query heads, with no copy of the keys.
    q = queries.reshape(batch, n_kv_heads, group * q_len, head_dim).astype(mx.float32) * scale
    scores = q @ keys.astype(mx.float32).swapaxes(-1, -2)
    scores = scores.reshape(batch, n_kv_heads, group, q_len, k_len)

    if isinstance(mask, str):
        # Bottom-right aligned: query i sits at position k_len - q_len + i and sees keys up to it.
        q_pos = mx.arange(k_len - q_len, k_len)[:, None]
        scores = mx.where(q_pos >= mx.arange(k_len)[None], scores, -mx.inf)
    elif mask is not None:
        mask = mx.broadcast_to(mask, (batch, n_q_heads, q_len, k_len))
        mask = mask.reshape(batch, n_kv_heads, group, q_len, k_len)
        scores = mx.where(mask, scores, -mx.inf) if mask.dtype == mx.bool_ else scores + mask

    weights = mx.softmax(scores, axis=-1).reshape(batch, n_kv_heads, group * q_len, k_len)
    output = weights @ values.astype(mx.float32)
    return output.reshape(batch, n_q_heads, q_len, head_dim).astype(queries.dtype)
# EVOLVE-BLOCK-END
