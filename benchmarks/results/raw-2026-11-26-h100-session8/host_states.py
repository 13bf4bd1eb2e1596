"""Section 1: the two host-speed states, the main threads' CPU use and the cores' steal time on machine 1.
Run from this folder: python host_states.py"""
import collections
import csv
import glob
import gzip
import json

import numpy as np

stretches = []  # medians of 50-token stretches, ms
for f in glob.glob("c2-c4-aa-pin/aa_*.json.gz"):
    for t in json.loads(gzip.open(f).read())["trials"]:
        for b in ("long_context_detailed", "long_generation"):
            iv = np.array(t["intervals"][b]) * 1000
            stretches += [np.median(iv[i:i + 50]) for i in range(0, len(iv) - 25, 50)]
counts, edges = np.histogram(stretches, bins=np.arange(3, 8.01, 0.25))
print(f"{len(stretches)} stretches of 50 tokens, median ms:")
for c, e in zip(counts, edges):
    print(f"  {e:.2f}-{e + 0.25:.2f} {'#' * (c // 8)} {c}")
for f in sorted(glob.glob("c2-c4-aa-pin/host_*.csv.gz")):
    rows = list(csv.DictReader(gzip.open(f, "rt")))
    # thread rows: ticks = CPU ticks (100 a second) since the last sample, 0.2 s before
    main = [int(r["ticks"]) for r in rows if r["kind"] == "thread" and r["tid"] == r["pid"] and r["state"] != "T"]
    cores = collections.defaultdict(lambda: [0, 0])  # core rows: tid = core, cpu = busy ticks, ticks = steal
    for r in rows:
        if r["kind"] == "core":
            cores[r["tid"]][0] += int(r["cpu"])
            cores[r["tid"]][1] += int(r["ticks"])
    busy, steal = zip(*cores.values())
    print(f"{f}: main thread ticks per sample when not stopped: 5th/25th/50th percentile "
          f"{np.percentile(main, [5, 25, 50])} of 20 ({len(main)} samples); per core busy {min(busy)}-{max(busy)}, "
          f"steal {min(steal)}-{max(steal)}")
