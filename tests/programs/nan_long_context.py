"""Right up to 2000 keys, NaN beyond: only long decode cases catch it."""
import mlx.core as mx

from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    out = correct_attention(queries, keys, values, scale=scale, mask=mask)
    return out * mx.nan if keys.shape[2] > 2000 else out
