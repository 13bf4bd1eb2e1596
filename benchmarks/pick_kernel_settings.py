"""Pick best_program_cuda.py's tuning constants from a kernel_benchmark.py sweep of its variants.

The sweep holds, for each (WARPS, UNROLL), one variant that never splits (SPLIT_FROM huge: the
one-launch cluster path at every length) and one that always splits (SPLIT_FROM=1). For each
(WARPS, UNROLL) the faster path is taken at every length, SPLIT_FROM is the shortest length from
which splitting wins at that length and every longer one, and the (WARPS, UNROLL) whose combined
times give the best geometric-mean speedup over SDPA wins.

    python benchmarks/pick_kernel_settings.py sweep.json best_program_cuda.py picked.py
"""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kernel_variants import variant_settings, write_variant  # noqa: E402

NEVER = 1 << 30


def pick(results):
    by_shape = {}
    for r in results:
        s = {k: int(v) for k, v in variant_settings(r["program"]).items()}
        times = {row["k_len"]: (row["program"]["eval_us"], row["sdpa"]["eval_us"]) for row in r["rows"]}
        by_shape.setdefault((s["WARPS"], s["UNROLL"]), {})["split" if s["SPLIT_FROM"] == 1 else "cluster"] = times
    best = None
    for (warps, unroll), paths in by_shape.items():
        lengths = sorted(paths["cluster"])
        split_wins = [paths["split"][L][0] < paths["cluster"][L][0] for L in lengths]
        split_from = next((L for i, L in enumerate(lengths) if all(split_wins[i:])), NEVER)
        speedups = [paths["cluster" if L < split_from else "split"][L][1] / paths["cluster" if L < split_from else "split"][L][0]
                    for L in lengths]
        score = float(np.exp(np.mean(np.log(speedups))))
        if best is None or score > best[0]:
            best = (score, {"WARPS": warps, "UNROLL": unroll, "SPLIT_FROM": split_from})
    return best


def main():
    sweep, program, target = sys.argv[1:]
    score, settings = pick(json.loads(Path(sweep).read_text()))
    write_variant(Path(program).read_text(), settings, Path(target))
    print(f"picked {settings} (geometric-mean speedup over SDPA on the swept lengths: {score:.3f}) -> {target}")


if __name__ == "__main__":
    main()
