"""best_program_cuda.py against the baseline, 8 sequential pairs: the speedup pair by pair (pool 1)
beside the pooled figures in full.json. Run from the repository root."""
import json
import sys

import numpy as np

sys.path.insert(0, ".")
from qwen3_benchmark_suite import log_mean_interval  # noqa: E402

run = json.load(open("benchmarks/results/raw-2026-11-26-h100-session9/best-full-quick/full.json"))
logs = np.log(np.array(run["candidate_trials"]) / np.array(run["baseline_trials"]))  # [pairs, benchmarks]
print("pairs' geomeans:", " ".join(f"{x:.3f}" for x in np.exp(logs.mean(axis=1))))
low, high = log_mean_interval(logs.mean(axis=1))
print(f"geomean, pairs one by one: {np.exp(logs.mean()):.3f} ({low:.3f}-{high:.3f})")
for j, b in enumerate(run["benchmarks"]):
    low, high = log_mean_interval(logs[:, j])
    print(f"{b['benchmark']}: {np.exp(logs[:, j].mean()):.3f} ({low:.3f}-{high:.3f}); "
          f"pooled in 2 groups of 4: {b['speedup']:.3f} ({b['ci_low']:.3f}-{b['ci_high']:.3f})")
print(f"pooled geomean: {run['geomean_speedup']:.3f} ({run['ci_low']:.3f}-{run['ci_high']:.3f})")
