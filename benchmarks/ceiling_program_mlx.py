"""The end-to-end ceiling in plain MLX (any device): decode attention that does almost no work.

Its output depends on the keys and values (one element of each), so the K/V projections, RoPE and
cache writes stay live in MLX's lazy graph, as they do with a real kernel.
"""

import mlx.core as mx


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    if queries.shape[2] > 1:
        return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)
    return queries * 0 + (keys[:, :1, :1, :1] + values[:, :1, :1, :1]) * 0
