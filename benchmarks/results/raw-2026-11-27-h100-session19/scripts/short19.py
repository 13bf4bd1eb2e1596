"""Session 19, round 2: the shipped program at short lengths over many processes, against the host's speed.

    python short19.py ../round2/short

Per length: the median speedup over SDPA, its range, the processes below 1.0. Per process: SDPA's median
build time over L = 1-128 (the host's speed), the program's, the speedups, and their geometric mean over
L = 1-128; then the correlation of that geometric mean with SDPA's build time.
"""

import json
import sys
from pathlib import Path

import numpy as np

LENGTHS = [1, 2, 8, 64, 128, 255]
HOST_LENGTHS = [1, 2, 8, 64, 128]


def main():
    files = sorted(Path(sys.argv[1]).glob("shipped_*.json"), key=lambda f: int(f.stem.split("_")[1]))
    runs = [{r["k_len"]: r for r in json.loads(f.read_text())["rows"]} for f in files]
    print("| process | SDPA build us | program build us | " + " | ".join(f"L={L}" for L in LENGTHS) + " | geomean 1-128 |")
    print("|---" * (len(LENGTHS) + 4) + "|")
    host, geomeans = [], []
    for i, rows in enumerate(runs, 1):
        host.append(float(np.median([rows[L]["sdpa"]["build_us"] for L in HOST_LENGTHS])))
        program_build = float(np.median([rows[L]["program"]["build_us"] for L in HOST_LENGTHS]))
        geomeans.append(float(np.exp(np.mean([np.log(rows[L]["speedup"]) for L in HOST_LENGTHS]))))
        print(f"| {i} | {host[-1]:.2f} | {program_build:.2f} | "
              + " | ".join(f"{rows[L]['speedup']:.2f}" for L in LENGTHS) + f" | {geomeans[-1]:.3f} |")
    print()
    print("| L | median | range | processes below 1.0 |\n|---|---|---|---|")
    for L in LENGTHS:
        s = [rows[L]["speedup"] for rows in runs]
        print(f"| {L} | {np.median(s):.2f} | {min(s):.2f}-{max(s):.2f} | {sum(x < 1 for x in s)} of {len(s)} |")
    print(f"\ncorrelation of the geomean over L = 1-128 with SDPA's build time: {np.corrcoef(host, geomeans)[0, 1]:.2f}")
    fast = [g for h, g in zip(host, geomeans) if h < 1.0]
    slow = [g for h, g in zip(host, geomeans) if h >= 1.0]
    print(f"SDPA build under 1.0 us: {len(fast)} processes, {min(fast):.3f}-{max(fast):.3f}; "
          f"1.0 us or more: {len(slow)}, {min(slow):.3f}-{max(slow):.3f}")


if __name__ == "__main__":
    main()
