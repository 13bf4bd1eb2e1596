"""The host speed's two modes, per arm: medians of 50-token stretches of long_generation and
long_context_detailed (ms a token), from the confirming run and the three-arm run. Run from the
repository root."""
import glob
import sys

import numpy as np

sys.path.insert(0, "benchmarks")
from aa_trial_design import merged_trials, stretch_medians_ms  # noqa: E402

HERE = "benchmarks/results/raw-2026-11-26-h100-session9"
runs = {"confirming run, default": [f"{HERE}/aa_lockstep.json.gz"]}
for arm in ("default", "nographs", "hashseed0"):
    runs[f"three-arm run, {arm}"] = sorted(glob.glob(f"{HERE}/arms/aa_b*_{arm}.json.gz"))
print("| run, arm | stretches | under 5.25 ms | 5.75 ms or more | 10th / 50th / 90th percentile, ms |")
print("|---|---|---|---|---|")
for name, paths in runs.items():
    s = stretch_medians_ms(merged_trials(paths))
    p10, p50, p90 = np.percentile(s, [10, 50, 90])
    print(f"| {name} | {len(s)} | {np.mean(s < 5.25):.2f} | {np.mean(s >= 5.75):.2f} | {p10:.2f} / {p50:.2f} / {p90:.2f} |")
