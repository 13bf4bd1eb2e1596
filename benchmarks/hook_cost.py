"""Host cost per attention call of the timed paths through the hook (graph building only, no
evaluation): the baseline's must match a program's, or every speedup is biased.

    python benchmarks/hook_cost.py
"""

import sys
import time
from pathlib import Path

import mlx.core as mx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from attention_hook import AttentionHook, install_sdpa_guard, load_program  # noqa: E402


def us_per_call(hook, queries, keys, values, calls=20000, rounds=5):
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            hook(queries, keys, values, None, 128**-0.5, None)
        best = min(best, (time.perf_counter() - start) / calls)
    return best * 1e6


def main():
    queries = mx.random.normal((1, 16, 1, 128)).astype(mx.bfloat16)
    keys, values = (mx.random.normal((1, 8, 300, 128)).astype(mx.bfloat16) for _ in range(2))
    mx.eval(queries, keys, values)

    def report(name, hook):
        print(f"{us_per_call(hook, queries, keys, values):6.2f} us per call  {name}  ({mx.default_device()})")

    report("mlx-lm's own attention, no guard (the baseline before)", AttentionHook(None, None))
    guard = install_sdpa_guard(allow_decode=True)
    report("the baseline now: benchmarks/sdpa_program.py as a program, guarded",
           AttentionHook(load_program(HERE / "sdpa_program.py"), guard))


if __name__ == "__main__":
    main()
