"""Section 3: per A/A pair, the speedup by the median token over the speedup by decode_speed (geometric
means over benchmarks): the range the evaluator's MEDIAN_TOKEN_SHARE floor must stay clear of.
Run from the repository root: python benchmarks/results/raw-2026-11-26-h100-session8/median_token_share.py"""
import glob
import gzip
import json
import sys

import numpy as np

sys.path.insert(0, ".")
from qwen3_benchmark_suite import decode_speed, median_token_speed  # noqa: E402

R = "benchmarks/results/"
RUNS = {"session 8, machine 1": sorted(glob.glob(R + "raw-2026-11-26-h100-session8/c2-c4-aa-pin/*.json.gz")),
        "session 8, machine 2": sorted(glob.glob(R + "raw-2026-11-26-h100-session8/c6-c8-aa-repeats3/*.json.gz")),
        "session 7": [R + "raw-2026-11-26-h100-session7/c5/aa_lockstep.json"],
        "session 6": [R + "raw-2026-11-26-h100-session6/c3-aa/aa_lockstep.json"]}
every = []
for run, files in RUNS.items():
    shares = []
    for f in files:
        trials = json.loads(gzip.open(f).read() if f.endswith(".gz") else open(f).read())["trials"]
        side = {(t["pair"], t["side"]): t["intervals"] for t in trials}
        for p in sorted({pair for pair, s in side if s == "candidate"}):
            b, c = side[(p, "baseline")], side[(p, "candidate")]
            shares.append(np.exp(np.mean([np.log(median_token_speed([c[k]]) / median_token_speed([b[k]]))
                                          - np.log(decode_speed([c[k]]) / decode_speed([b[k]])) for k in b])))
    every += shares
    print(f"{run}: {len(shares)} pairs, share {min(shares):.3f}-{max(shares):.3f}")
print(f"all: {len(every)} pairs, {min(every):.3f}-{max(every):.3f}")
