"""Host cost per decode attention call of the timed paths through the hook (graph building only, no
evaluation): the baseline's must match a program's, or every speedup is biased; and a program's own
Python call is host time that decode waits on at short context.

    python benchmarks/hook_cost.py [--program P ...] [--lengths 1,300,4096]

Every path runs CALLS calls a round; the rounds of all paths are interleaved and each path reports
its best round, so that a slow stretch of the host hits every path alike.
"""

import argparse
import sys
import time
from pathlib import Path

import mlx.core as mx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from attention_hook import AttentionHook, install_sdpa_guard, load_program  # noqa: E402

SCALE = 128**-0.5


def us_per_call(hook, queries, keys, values, calls):
    start = time.perf_counter()
    for _ in range(calls):
        hook(queries, keys, values, None, SCALE, None)
    return (time.perf_counter() - start) / calls * 1e6


def decode_inputs(k_len):
    queries = mx.random.normal((1, 16, 1, 128)).astype(mx.bfloat16)
    keys, values = (mx.random.normal((1, 8, k_len, 128)).astype(mx.bfloat16) for _ in range(2))
    mx.eval(queries, keys, values)
    return queries, keys, values


def best_of_interleaved_rounds(hooks: dict, inputs, calls, rounds) -> dict:
    for hook in hooks.values():
        hook(*inputs, None, SCALE, None)  # a program's set-up on a shape's first call; nothing is evaluated
    best = {name: float("inf") for name in hooks}
    for _ in range(rounds):
        for name, hook in hooks.items():
            best[name] = min(best[name], us_per_call(hook, *inputs, calls))
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", action="append", default=[], help="a program's path; repeat for several")
    parser.add_argument("--lengths", default="300", help="comma-separated decode key lengths")
    parser.add_argument("--calls", type=int, default=20000, help="calls a round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    lengths = [int(x) for x in args.lengths.split(",")]
    print(f"device {mx.default_device()}, mlx {mx.__version__}; us per call, best of {args.rounds} rounds "
          f"of {args.calls} calls")

    def report(hooks, k_len):
        for name, us in best_of_interleaved_rounds(hooks, decode_inputs(k_len), args.calls, args.rounds).items():
            print(f"{us:6.2f} L={k_len}  {name}", flush=True)

    # measured before the guard exists, as the baseline once ran
    report({"mlx-lm's own attention, no guard (the baseline before)": AttentionHook(None, None)}, lengths[0])
    guard = install_sdpa_guard(allow_decode=True)
    hooks = {"the baseline now: benchmarks/sdpa_program.py as a program, guarded":
             AttentionHook(load_program(HERE / "sdpa_program.py"), guard)}
    hooks.update({program: AttentionHook(load_program(program), guard) for program in args.program})
    for k_len in lengths:
        report(hooks, k_len)


if __name__ == "__main__":
    main()
