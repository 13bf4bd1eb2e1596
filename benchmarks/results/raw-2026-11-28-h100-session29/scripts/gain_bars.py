"""Session 29, no device: earlier kernel A/Bs against the gain bars of session 28's A/A.

The bars are the 95th percentiles over the A/A's 12,870 splits (kernel_ab.false_rejections): how much
the shipped file seems to gain over its own copy in 5 % of splits, for the geometric mean over the key
lengths (a ratio) and for the mean over the lengths below 256 of the difference of medians. Each A/B
below is read against them after the fact; no decision is taken from it.

    python scripts/gain_bars.py   # from the repository root
"""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "benchmarks"))

import kernel_ab  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
AA = RESULTS / "raw-2026-11-28-h100-session28" / "round4" / "ab" / "ab"
AB_ROUNDS = {  # (folder, candidate) against best_program_cuda in the same folder
    "session 28 round 1, one_warp.py with ONE_WARP_UNTIL=9": ("raw-2026-11-28-h100-session28/round1/ab/ab", "one_warp_one_warp_until9"),
    "session 26 round 2, loads_first.py": ("raw-2026-11-27-h100-session26/round2/ab/ab", "loads_first"),
    "session 26 round 3, loads_first.py": ("raw-2026-11-27-h100-session26/round3/ab/ab", "loads_first"),
}


def gains(folder: Path, candidate) -> tuple:
    base = kernel_ab.summary(kernel_ab.speedups(folder, "best_program_cuda"), kernel_ab.KEY_LENGTHS)
    mine = kernel_ab.summary(kernel_ab.speedups(folder, candidate), kernel_ab.KEY_LENGTHS)
    below = [L for L in base["per_length"] if L < min(kernel_ab.KEY_LENGTHS)]
    return mine["geomean"] / base["geomean"], float(np.mean([mine["per_length"][L] - base["per_length"][L] for L in below]))


def main():
    bars = kernel_ab.false_rejections(AA, ["best_program_cuda", "aa_copy"], 8)["percentile_95"]
    print("bars (95th percentiles of the A/A): " + ", ".join(f"{k} {v:.3f}" for k, v in bars.items()))
    for name, (folder, candidate) in AB_ROUNDS.items():
        ratio, short = gains(RESULTS / folder, candidate)
        print(f"{name}: geomean ratio {ratio:.3f} ({'above' if ratio > bars['geomean ratio'] else 'within'} the bar), "
              f"mean short-median difference {short:+.3f} "
              f"({'above' if short > bars['mean short-median difference'] else 'within'} the bar)")


if __name__ == "__main__":
    main()
