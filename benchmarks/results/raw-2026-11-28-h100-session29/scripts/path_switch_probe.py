"""Session 29: does a decode call stay correct when consecutive calls switch between the one-block
kernel (L < 512) and the cluster kernel (L >= 512) in one process?

Each call is evaluated alone, so MLX 0.32 commits a CUDA graph of one custom kernel node each time,
under the same graph key, and updates its cached graph from one kernel to the other at every switch
(device.cpp: updates between kernels of different cluster shapes are not done correctly). Every
output is checked against attention in numpy (correctness_check.reference_attention); no SDPA call
runs in this process, so no other kernel shares the key.

    python path_switch_probe.py PROGRAM [--rounds 3]
"""

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

import correctness_check as cc  # noqa: E402
from attention_hook import load_program  # noqa: E402

LENGTHS = [1, 255, 512, 1024, 300, 4096, 2, 511, 513, 100, 2048, 17]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("program")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import mlx.core as mx

    attention = load_program(args.program)
    rng = np.random.default_rng(29)
    failures = 0
    for r in range(args.rounds):
        for k_len in LENGTHS:
            case = cc.decode(k_len)
            arrays = cc.draw_inputs(case, rng)
            queries, keys, values, _ = cc.mlx_inputs(case, arrays)
            out = attention(queries, keys, values, scale=cc.SCALE, mask=None)
            mx.eval(out)
            got = cc.from_bf16_bits(np.array(out.view(mx.uint16)))
            worst = float(cc.row_errors(got, cc.reference_attention(case, arrays)).max())
            ok = np.isfinite(got).all() and worst <= cc.TOLERANCE_FLOOR
            failures += not ok
            print(f"round {r + 1} L={k_len}: worst row error {worst:.3g} {'ok' if ok else 'WRONG'}", flush=True)
    print(f"{Path(args.program).name}: {failures} wrong of {args.rounds * len(LENGTHS)} calls")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
