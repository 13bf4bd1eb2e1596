"""Round 5b's check of cluster_pairs_all.py row by row: which (batch, head) rows differ from SDPA, and
the tickets after each call (they must all be 0 again).

    python pairs_rows.py PROGRAM
"""

import importlib.util
import sys

import mlx.core as mx
import numpy as np

spec = importlib.util.spec_from_file_location("candidate", sys.argv[1])
program = importlib.util.module_from_spec(spec)
spec.loader.exec_module(program)
rng = np.random.default_rng(0)
for batch in (1, 2, 3):
    for k_len in (1000, 8191):
        q = mx.array(rng.standard_normal((batch, 16, 1, 128)).astype(np.float32)).astype(mx.bfloat16)
        k = mx.array(rng.standard_normal((batch, 8, k_len, 128)).astype(np.float32)).astype(mx.bfloat16)
        v = mx.array(rng.standard_normal((batch, 8, k_len, 128)).astype(np.float32)).astype(mx.bfloat16)
        for call in range(3):
            out = program.qwen3_custom_gqa_attention(q, k, v, scale=128**-0.5)
            ref = mx.fast.scaled_dot_product_attention(q, k, v, scale=128**-0.5)
            err = np.abs(np.array((out - ref).astype(mx.float32)))[:, :, 0].max(axis=-1)  # [batch, head]
            tickets = np.array(program._scratch[batch]).view(np.uint32)[-batch * 8:]
            wrong = [(b, h) for b in range(batch) for h in range(16) if err[b, h] > 0.02]
            print(f"batch {batch} L {k_len} call {call}: max error {err.max():.4f}, wrong rows {wrong}, "
                  f"tickets {tickets.tolist()}")
