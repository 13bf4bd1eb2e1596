"""How many lockstep pairs, in groups of 4, an A/A run needs for its 95 % interval to lie within
+-2 %, at the noise of a measured run. A planning estimate: the group standard deviation is taken as
known (from the run's 8 groups), and the interval's centre as normal around 1. Run from this folder."""
import numpy as np
from scipy import stats

RUNS = {"session 9 (aa_lockstep.json.gz)": 0.023, "session 8, machine 1": 0.016}  # half-widths, 8 groups
for name, half_width in RUNS.items():
    sd = half_width * np.sqrt(8) / stats.t.ppf(0.975, 7)
    print(f"{name}: sd of a group's log geomean {sd:.4f}")
    for groups in (8, 10, 12, 16, 20, 24, 32):
        h = stats.t.ppf(0.975, groups - 1) * sd / np.sqrt(groups)
        p = max(0.0, 2 * stats.norm.cdf((0.02 - h) / (sd / np.sqrt(groups))) - 1)
        print(f"  {4 * groups:3d} pairs ({groups} groups): half-width {h:.4f}, P(interval within +-2 %) {p:.2f}")
