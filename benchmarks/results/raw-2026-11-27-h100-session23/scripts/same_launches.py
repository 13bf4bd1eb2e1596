"""Session 23: the lean call launches exactly what the shipped call launches, and what its Python costs.

Runs on a CPU (no GPU): mx.fast.cuda_kernel is replaced by a recorder before either program is
imported. For every case (batch 1 and 2; L = 1 to 4096 across ONE_BLOCK_UNTIL; bf16 and fp16; no mask,
"causal" and an array mask; two scales), each program's launches are recorded: kernel name and
source, header, input shapes and dtypes, output shapes and dtypes, grid and threadgroup. Then both
calls are timed with the recorder's launch replaced by a stand-in that returns a ready array.

    python same_launches.py [--rounds 15 --calls 10000]
"""

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import mlx.core as mx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
PROGRAMS = {"shipped": ROOT / "best_program_cuda.py", "lean": HERE.parent / "programs" / "lean_call.py",
            "ceiling": ROOT / "benchmarks" / "ceiling_program_cuda.py"}
record = []
stand_in_out = None


def cuda_kernel(name, input_names, output_names, source, header="", ensure_row_contiguous=True, shared_memory=0):
    def launch(*, inputs, output_shapes, output_dtypes, grid, threadgroup, template=None, init_value=None,
               verbose=False, stream=None):
        if stand_in_out is not None:
            return [stand_in_out]
        record.append((name, source, header, ensure_row_contiguous, tuple((tuple(a.shape), str(a.dtype)) for a in inputs),
                       tuple(tuple(s) for s in output_shapes), tuple(str(d) for d in output_dtypes),
                       tuple(grid), tuple(threadgroup), template, init_value))
        return [mx.zeros(tuple(s), d) for s, d in zip(output_shapes, output_dtypes)]
    return launch


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.qwen3_custom_gqa_attention


def cases():
    for batch in (1, 2):
        for k_len in (1, 2, 64, 255, 256, 511, 512, 513, 1024, 4096):
            for dtype in (mx.bfloat16, mx.float16):
                for mask in (None, "causal", "array"):
                    for scale in (128**-0.5, 0.1):
                        yield batch, k_len, dtype, mask, scale


def launches_of(attention):
    out = []
    for batch, k_len, dtype, mask, scale in cases():
        q = mx.zeros((batch, 16, 1, 128), dtype)
        kv = mx.zeros((batch, 8, 256 * (k_len // 256 + 1), 128), dtype)[:, :, :k_len, :]
        m = mx.ones((batch, 1, 1, k_len), mx.bool_) if mask == "array" else mask
        del record[:]
        attention(q, kv, kv, scale=scale, mask=m)
        out.append(list(record))
    return out


def us_per_call(attention, q, k, v, calls):
    start = time.perf_counter()
    for _ in range(calls):
        attention(q, k, v, scale=128**-0.5, mask=None)
    return (time.perf_counter() - start) / calls * 1e6


def main():
    global stand_in_out
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=10000)
    args = parser.parse_args()
    mx.fast.cuda_kernel = cuda_kernel
    attentions = {name: load(path, f"program_{name}") for name, path in PROGRAMS.items()}
    shipped, lean = launches_of(attentions["shipped"]), launches_of(attentions["lean"])
    same = sum(a == b for a, b in zip(shipped, lean))
    print(f"cases with the same launches: {same} of {len(shipped)}; cases that launch a kernel: "
          f"{sum(bool(a) for a in shipped)}")
    stand_in_out = mx.zeros((1, 16, 1, 128), mx.bfloat16)
    q = mx.zeros((1, 16, 1, 128), mx.bfloat16)
    for k_len in (300, 1024):
        k = mx.zeros((1, 8, 1024 + 256, 128), mx.bfloat16)[:, :, :k_len, :]
        best = {name: float("inf") for name in attentions}
        for _ in range(args.rounds):
            for name, attention in attentions.items():
                best[name] = min(best[name], us_per_call(attention, q, k, k, args.calls))
        print(f"L={k_len}: " + ", ".join(f"{name} {us:.3f} us" for name, us in best.items()), flush=True)
    sys.exit(0 if same == len(shipped) else 1)


if __name__ == "__main__":
    main()
