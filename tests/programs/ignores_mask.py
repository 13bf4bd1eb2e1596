"""Drops the causal mask: every query sees every key."""
from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    return correct_attention(queries, keys, values, scale=scale, mask=None)
