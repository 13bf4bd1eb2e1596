"""SDPA as a program: the baseline of every timed trial (mlx_lm_generate_with_hook.py without
--hook-program), so that it pays the candidate's per-call costs, and the candidate of the A/A noise
measurement (qwen3_benchmark_suite.py --program benchmarks/sdpa_program.py --allow-sdpa-decode).
As a candidate anywhere else it is SDPA on the decode path, which scores 0."""

import mlx.core as mx


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)
