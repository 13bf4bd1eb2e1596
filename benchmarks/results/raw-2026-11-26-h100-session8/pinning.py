"""Section 1's table: unpinned (U) against pinned (P) blocks, median estimator. python pinning.py"""
import glob
import gzip
import json

import numpy as np
from scipy import stats

logs = {"U": [], "P": []}
for f in sorted(glob.glob("c2-c4-aa-pin/aa_*.json.gz")):
    side = {(t["pair"], t["side"]): t["intervals"] for t in json.loads(gzip.open(f).read())["trials"]}
    for p in sorted({pair for pair, s in side if s == "candidate"}):
        logs[f.split("_")[-1][0]].append(np.mean([np.log(np.median(side[(p, "baseline")][b]) / np.median(side[(p, "candidate")][b]))
                                                  for b in side[(p, "baseline")]]))
for mode, x in logs.items():
    low, high = np.exp(stats.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x)))
    print(f"{mode}: {len(x)} pairs, geomean {np.exp(np.mean(x)):.3f}, 95 % CI {low:.3f}-{high:.3f}, sd {np.std(x, ddof=1):.3f}")
