"""Attends to the last 512 keys only: right for short contexts, wrong for long ones."""
from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention

WINDOW = 512


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    if queries.shape[2] == 1 and keys.shape[2] > WINDOW:
        keys, values = keys[:, :, -WINDOW:], values[:, :, -WINDOW:]
    return correct_attention(queries, keys, values, scale=scale, mask=mask)
