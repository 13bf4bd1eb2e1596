"""Pick best_program_cuda.py's tuning constants from a kernel_benchmark.py sweep of its variants.

The sweep holds, for each base setting (WARPS, UNROLL, HEADS_PER_BLOCK, ...), one variant per
decode path, forced at every length (PATHS): one block per head group, the one-launch cluster, the
two-launch split. For each base the fastest path is taken at each length; the thresholds are where
the paths change (ONE_BLOCK_UNTIL: from the shortest length at which the cluster beats one block
there and at every longer length; SPLIT_FROM: likewise for the split against the cluster), and the
base whose combined times give the best geometric-mean speedup over SDPA wins. A base swept without
the one-block variant keeps ONE_BLOCK_UNTIL at 0. ONE_BLOCK_WARPS is read by the one-block path
alone, so it is swept on that path's variants only: each of its values is tried with the base's
cluster and split times. A result's settings are its "settings" entry (the
tune stage of gpu_session.sh adds it), else the first line of its variant file.

    python benchmarks/pick_kernel_settings.py sweep.json best_program_cuda.py picked.py
"""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kernel_variants import variant_settings, write_variant  # noqa: E402

NEVER = 1 << 30
PATHS = {  # the settings that force one decode path at every length
    "one_block": {"ONE_BLOCK_UNTIL": NEVER},
    "cluster": {"ONE_BLOCK_UNTIL": 0, "SPLIT_FROM": NEVER},
    "split": {"ONE_BLOCK_UNTIL": 0, "SPLIT_FROM": 1},
}
THRESHOLDS = ("ONE_BLOCK_UNTIL", "SPLIT_FROM")
ONE_BLOCK_ONLY = ("ONE_BLOCK_WARPS",)  # settings that only the one-block path reads


def path_of(settings: dict) -> str:
    if settings.get("ONE_BLOCK_UNTIL", 0) >= NEVER:
        return "one_block"
    return "split" if settings["SPLIT_FROM"] == 1 else "cluster"


def first_from_which(lengths, wins, none=NEVER):
    """The shortest length from which `wins` holds at it and at every longer length."""
    return next((L for i, L in enumerate(lengths) if all(wins[i:])), none)


def settings_of_base(paths: dict):
    """(score, thresholds) for one base: {path: {k_len: (program us, sdpa us)}}."""
    lengths = sorted(paths["cluster"])
    us = {path: {L: t[0] for L, t in times.items()} for path, times in paths.items()}
    split_from = first_from_which(lengths, [us["split"][L] < us["cluster"][L] for L in lengths])
    one_block_until = 0
    if "one_block" in paths:
        below = [L for L in lengths if L < split_from]
        one_block_until = first_from_which(below, [us["cluster"][L] < us["one_block"][L] for L in below], split_from)
        one_block_until = 0 if one_block_until == lengths[0] else one_block_until
    chosen = ["one_block" if L < one_block_until else "cluster" if L < split_from else "split" for L in lengths]
    speedups = [paths[path][L][1] / paths[path][L][0] for path, L in zip(chosen, lengths)]
    return float(np.exp(np.mean(np.log(speedups)))), {"ONE_BLOCK_UNTIL": one_block_until, "SPLIT_FROM": split_from}


def pick(results):
    by_base = {}  # {base: {path: {the one-block path's own settings: times}}}
    for r in results:
        s = {k: int(v) for k, v in (r.get("settings") or variant_settings(r["program"])).items()}
        path = path_of(s)
        own = tuple(sorted((k, v) for k, v in s.items() if k in ONE_BLOCK_ONLY and path == "one_block"))
        base = tuple(sorted((k, v) for k, v in s.items() if k not in THRESHOLDS + ONE_BLOCK_ONLY))
        times = {row["k_len"]: (row["program"]["eval_us"], row["sdpa"]["eval_us"]) for row in r["rows"]}
        by_base.setdefault(base, {}).setdefault(path, {})[own] = times
    best = None
    for base, paths in by_base.items():
        shared = {path: times[()] for path, times in paths.items() if path != "one_block"}
        for own, one_block in (paths.get("one_block") or {(): None}).items():
            score, thresholds = settings_of_base({**shared, **({"one_block": one_block} if one_block else {})})
            if best is None or score > best[0]:
                best = (score, {**dict(base), **dict(own), **thresholds})
    return best


def main():
    sweep, program, target = sys.argv[1:]
    score, settings = pick(json.loads(Path(sweep).read_text()))
    write_variant(Path(program).read_text(), settings, Path(target))
    print(f"picked {settings} (geometric-mean speedup over SDPA on the swept lengths: {score:.3f}) -> {target}")


if __name__ == "__main__":
    main()
