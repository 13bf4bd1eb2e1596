"""The host speed's two modes, per arm: medians of 50-token stretches of long_generation and
long_context_detailed (ms a token), from the confirming run and the three-arm run. Run from this folder."""
import glob
import gzip
import json

import numpy as np


def stretches(paths):
    out = []
    for path in paths:
        text = gzip.decompress(open(path, "rb").read()) if path.endswith(".gz") else open(path).read()
        for trial in json.loads(text)["trials"]:
            for benchmark in ("long_generation", "long_context_detailed"):
                for gen in trial["intervals"][benchmark]:
                    ms = 1000 * np.array(gen)
                    out += [np.median(ms[i:i + 50]) for i in range(0, len(ms) - 49, 50)]
    return np.array(out)


runs = {"confirming run, default": ["aa_lockstep.json.gz"]}
for arm in ("default", "nographs", "hashseed0"):
    runs[f"three-arm run, {arm}"] = sorted(glob.glob(f"arms/aa_b*_{arm}.json.gz"))
print("| run, arm | stretches | under 5.25 ms | 5.75 ms or more | 10th / 50th / 90th percentile, ms |")
print("|---|---|---|---|---|")
for name, paths in runs.items():
    s = stretches(paths)
    p10, p50, p90 = np.percentile(s, [10, 50, 90])
    print(f"| {name} | {len(s)} | {np.mean(s < 5.25):.2f} | {np.mean(s >= 5.75):.2f} | {p10:.2f} / {p50:.2f} / {p90:.2f} |")
