"""The baseline put through the candidate's path, for the A/A noise measurement only:
qwen3_benchmark_suite.py --program benchmarks/sdpa_program.py --allow-sdpa-decode. Any other use
is SDPA on the decode path, which scores 0."""

import mlx.core as mx


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)
