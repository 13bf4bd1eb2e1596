"""Correct, but slows the process's clocks so that mlx-lm reports twice the real speed."""
import time

from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention

_real_perf_counter = time.perf_counter
_start = _real_perf_counter()
time.perf_counter = lambda: _start + (_real_perf_counter() - _start) / 2


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    return correct_attention(queries, keys, values, scale=scale, mask=mask)
