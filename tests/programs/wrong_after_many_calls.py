"""Right for its first 100 decode calls (enough for the correctness gate), zeros after: only the
spot checks inside the timed generations see it."""
import mlx.core as mx

from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention

_decode_calls = [0]


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    if queries.shape[2] == 1:
        _decode_calls[0] += 1
        if _decode_calls[0] > 100:
            return mx.zeros_like(queries)
    return correct_attention(queries, keys, values, scale=scale, mask=mask)
