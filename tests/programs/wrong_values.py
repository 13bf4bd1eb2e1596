"""The right answer plus a small offset: close, but not within tolerance."""
from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    return correct_attention(queries, keys, values, scale=scale, mask=mask) + 0.05
