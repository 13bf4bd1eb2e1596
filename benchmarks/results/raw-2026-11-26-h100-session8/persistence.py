"""Section 2: does a slow turn predict the same process's next turn more than the other process's?
Run from this folder: python persistence.py"""
import glob
import gzip
import json

import numpy as np

TOKENS = {"short_context_quick": 49, "code_generation": 299, "long_context_detailed": 499,
          "long_generation": 999, "long_context_4k": 255, "long_context_16k": 255}  # intervals a generation
p10 = {}  # (file, pair, side, benchmark, repeat) -> 10th-percentile interval of that generation
for f in sorted(glob.glob("c6-c8-aa-repeats3/aa_r3_c*.json.gz")):
    for t in json.loads(gzip.open(f).read())["trials"]:
        for b, n in TOKENS.items():
            iv = np.array(t["intervals"][b])
            for r in range(3):
                p10[(f, t["pair"], t["side"], b, r)] = np.quantile(iv[r * n:(r + 1) * n], 0.1)
ref = {b: np.quantile([v for k, v in p10.items() if k[3] == b], 0.2) for b in TOKENS}
slow = {k: v > 1.3 * ref[k[3]] for k, v in p10.items()}
same, other = [], []
for f, pair in sorted({k[:2] for k in p10}):
    order = ["baseline", "candidate"] if pair % 2 == 0 else ["candidate", "baseline"]
    turns = []  # the lockstep order: one generation a turn, the order reversed every round
    for b in TOKENS:
        for r in range(3):
            turns += [(s, b, r) for s in order]
            order.reverse()
    for a, c in zip(turns, turns[1:]):
        (same if a[0] == c[0] else other).append((slow[(f, pair, *a)], slow[(f, pair, *c)]))
print(f"slow generations: {np.mean(list(slow.values())):.2f}")
for name, v in (("same process", same), ("other process", other)):
    v = np.array(v)
    print(f"next turn, {name}: slow after a slow turn {v[v[:, 0], 1].mean():.2f}, "
          f"after a fast one {v[~v[:, 0], 1].mean():.2f} (n = {len(v)})")
