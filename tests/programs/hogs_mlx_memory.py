"""Right, but holds an extra 1 GB of MLX memory from its first decode call on (on a GPU that is GPU
memory, which watching the process from /proc cannot see)."""
import mlx.core as mx

from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention

_hoard = []


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    if queries.shape[2] == 1 and not _hoard:
        _hoard.append(mx.ones((1 << 29,), dtype=mx.bfloat16))
        mx.eval(_hoard)
    return correct_attention(queries, keys, values, scale=scale, mask=mask)
