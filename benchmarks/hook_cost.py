"""Host cost per decode attention call of the timed paths through the hook: the baseline's must match
a program's, or every speedup is biased; and a program's own call is host time that decode waits on
at short context.

    python benchmarks/hook_cost.py [--program P ...] [--lengths 1,300,4096] [--dispatch]

Every path runs CALLS calls a round (graph building only, nothing is evaluated); the rounds of all
paths are interleaved and each path reports its best round, so that a slow stretch of the host hits
every path alike. With --dispatch (a GPU), each path also reports the host time per call of handing
a chain of LAYERS dependent calls to the GPU (mx.async_eval: each node's eval_gpu, then the CUDA
graph's update and launch), the median over the chains of a round, best round again.
"""

import argparse
import sys
import time
from pathlib import Path

import mlx.core as mx
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from attention_hook import AttentionHook, install_sdpa_guard, load_program  # noqa: E402

SCALE = 128**-0.5
LAYERS = 28  # decode calls a token: one chain


def us_per_call(hook, queries, keys, values, calls):
    start = time.perf_counter()
    for _ in range(calls):
        hook(queries, keys, values, None, SCALE, None)
    return (time.perf_counter() - start) / calls * 1e6


def dispatch_us_per_call(hook, queries, keys, values, chains):
    """Median over `chains` chains of LAYERS dependent calls (each output the next call's queries) of
    the host time per call in mx.async_eval; the GPU's work is waited for outside the timing. The
    median leaves out a chain that pays for a new CUDA graph after another path's chain."""
    times = []
    for _ in range(chains):
        x = queries
        for _ in range(LAYERS):
            x = hook(x, keys, values, None, SCALE, None)
        start = time.perf_counter()
        mx.async_eval(x)
        times.append(time.perf_counter() - start)
        mx.synchronize()
    return float(np.median(times)) / LAYERS * 1e6


def decode_inputs(k_len):
    queries = mx.random.normal((1, 16, 1, 128)).astype(mx.bfloat16)
    keys, values = (mx.random.normal((1, 8, k_len, 128)).astype(mx.bfloat16) for _ in range(2))
    mx.eval(queries, keys, values)
    return queries, keys, values


def best_of_interleaved_rounds(hooks: dict, inputs, rounds, measure) -> dict:
    for hook in hooks.values():
        hook(*inputs, None, SCALE, None)  # a program's set-up on a shape's first call; nothing is evaluated
    best = {name: float("inf") for name in hooks}
    for _ in range(rounds):
        for name, hook in hooks.items():
            best[name] = min(best[name], measure(hook, *inputs))
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", action="append", default=[], help="a program's path; repeat for several")
    parser.add_argument("--lengths", default="300", help="comma-separated decode key lengths")
    parser.add_argument("--calls", type=int, default=20000, help="calls a round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dispatch", action="store_true", help="also time mx.async_eval of chains (a GPU)")
    parser.add_argument("--chains", type=int, default=200, help="chains a round, with --dispatch")
    args = parser.parse_args(argv)
    lengths = [int(x) for x in args.lengths.split(",")]
    print(f"device {mx.default_device()}, mlx {mx.__version__}; us per call, best of {args.rounds} rounds "
          f"of {args.calls} calls")

    def report(hooks, k_len, dispatch=False):
        inputs = decode_inputs(k_len)
        build = lambda hook, *inputs: us_per_call(hook, *inputs, args.calls)
        for name, us in best_of_interleaved_rounds(hooks, inputs, args.rounds, build).items():
            print(f"{us:6.2f} L={k_len}  {name}", flush=True)
        if dispatch:
            chains = lambda hook, *inputs: dispatch_us_per_call(hook, *inputs, args.chains)
            for name, us in best_of_interleaved_rounds(hooks, inputs, args.rounds, chains).items():
                print(f"{us:6.2f} L={k_len}  dispatch: {name}", flush=True)

    # measured before the guard exists, as the baseline once ran
    report({"mlx-lm's own attention, no guard (the baseline before)": AttentionHook(None, None)}, lengths[0])
    guard = install_sdpa_guard(allow_decode=True)
    hooks = {"the baseline now: benchmarks/sdpa_program.py as a program, guarded":
             AttentionHook(load_program(HERE / "sdpa_program.py"), guard)}
    hooks.update({program: AttentionHook(load_program(program), guard) for program in args.program})
    for k_len in lengths:
        report(hooks, k_len, args.dispatch)


if __name__ == "__main__":
    main()
