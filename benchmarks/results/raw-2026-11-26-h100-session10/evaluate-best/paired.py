"""The evaluation of best_program_cuda.py re-read with the speedup the suite now reports: per benchmark
the geometric mean of the pairs' ratios (the centre of the interval), where the run (at 667d8ce)
printed the ratio of the two sides' medians. A ceiling's geometric mean is the centre of its
interval in ceilings.json (a t interval is symmetric in logs). Run from this folder."""
import json

import numpy as np

timing = json.loads(json.load(open("evaluate_best_program_cuda.json"))["artifacts"]["timing"])  # kept as text
ceilings = {key.split(" | ")[-1]: c for key, c in json.load(open("ceilings.json")).items()}
print("| benchmark | speedup (95 % CI) | printed then | ceiling (95 % CI) | printed then | share of possible gain |")
print("|---|---|---|---|---|---|")
logs = []
for row in timing["benchmarks"]:
    log_ratios = np.log(row["group_ratios"])
    logs.append(log_ratios)
    speedup = np.exp(log_ratios.mean())
    low, high = ceilings[row["benchmark"]]["ci"]
    ceiling = np.sqrt(low * high)
    share = f"{(speedup - 1) / (ceiling - 1):.0%}" if ceiling > 1 else "- (no gain possible)"
    print(f"| {row['benchmark']} | {speedup:.3f} ({row['ci_low']:.3f}-{row['ci_high']:.3f}) | {row['speedup']:.3f} | "
          f"{ceiling:.3f} ({low:.3f}-{high:.3f}) | {ceilings[row['benchmark']]['speedup']:.3f} | {share} |")
print(f"| geometric mean ({len(logs[0])} pairs) | {np.exp(np.mean(logs)):.3f} ({timing['ci_low']:.3f}-{timing['ci_high']:.3f}) | "
      f"{timing['geomean_speedup']:.3f} | | | |")
