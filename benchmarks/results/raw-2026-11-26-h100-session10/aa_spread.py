"""Standard deviation of one A/A pair's log ratio, per benchmark and of the geometric mean, for session 9's
confirming run (whole generations a turn) and session 10's two runs (turns of 32 tokens, one core).
Run from the repository root: python benchmarks/results/raw-2026-11-26-h100-session10/aa_spread.py"""
import sys

import numpy as np

sys.path[:0] = [".", "benchmarks"]
from aa_trial_design import generations, merged_trials  # noqa: E402
from qwen3_benchmark_suite import decode_speed, median_token_speed  # noqa: E402

RAW = "benchmarks/results/raw-2026-11-26-h100-session"
RUNS = {
    "session 9, whole generations, unpinned": f"{RAW}9/aa_lockstep.json.gz",
    "session 10, 32 tokens, whole processes on one core": f"{RAW}10/aa-whole-process-core/aa_lockstep.json.gz",
    "session 10, 32 tokens, main threads on one core": f"{RAW}10/aa-main-thread-core/aa_main_thread.json.gz",
}
for run, path in RUNS.items():
    trials = merged_trials([path])
    side = {(t["pair"], t["side"]): t["intervals"] for t in trials}
    pairs = sorted({t["pair"] for t in trials if t["side"] == "candidate"})
    names = list(trials[0]["intervals"])
    print(f"{run}: {len(pairs)} pairs")
    for estimator, speed in (("decode_speed", decode_speed), ("median", median_token_speed)):
        logs = np.array([[np.log(speed(generations(side[(p, "candidate")][b])) / speed(generations(side[(p, "baseline")][b])))
                          for b in names] for p in pairs])
        per = ", ".join(f"{b} {logs[:, j].std(ddof=1):.3f}" for j, b in enumerate(names))
        print(f"  {estimator}: geomean {logs.mean(axis=1).std(ddof=1):.3f} (without {names[0]} "
              f"{logs[:, 1:].mean(axis=1).std(ddof=1):.3f}); {per}")
