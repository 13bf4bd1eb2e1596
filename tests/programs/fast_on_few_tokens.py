"""Right, but 25 ms slower a call on 3 tokens of every 4 (picked by cache length, so the same in every
layer): a low percentile alone would score it by its fast quarter."""
import time

from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    if queries.shape[2] == 1 and keys.shape[2] % 4:
        time.sleep(0.025)
    return correct_attention(queries, keys, values, scale=scale, mask=mask)
