"""Returns zeros."""
import mlx.core as mx


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    return mx.zeros_like(queries)
