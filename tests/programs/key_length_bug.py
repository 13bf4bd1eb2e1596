"""Upstream's initial kernel: the key length is taken from the query length, so decode attends to
the first key only."""
import mlx.core as mx

from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    key_len = queries.shape[2]
    if isinstance(mask, mx.array):
        mask = mask[..., :key_len]
    return correct_attention(queries, keys[:, :, :key_len], values[:, :, :key_len], scale=scale, mask=mask)
