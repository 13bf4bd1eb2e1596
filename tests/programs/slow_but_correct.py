"""Correct, with pointless extra work: accepted, with a lower score than the plain program."""
import mlx.core as mx

from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    out = correct_attention(queries, keys, values, scale=scale, mask=mask)
    for _ in range(8):
        out = out + 0 * correct_attention(queries, keys, values, scale=scale, mask=mask)
    return out
