"""Reaches SDPA through mlx-lm's own helper."""
from mlx_lm.models.base import scaled_dot_product_attention


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    return scaled_dot_product_attention(queries, keys, values, cache=None, scale=scale, mask=mask)
