"""Session 14's rule, fixed before the run: which pipelined variant, if any, goes on to gates and pairs.

    python runs/s14/decide.py OUT_DIR SHIPPED CANDIDATE...   (names: ab/<name>_<process>.json)
--no-short leaves L <= 255 out of the rule (round 2: its one-block path is the shipped one, byte for byte).
Prints a table and, last, the chosen candidate's name or "none".
"""
import json
import sys
from pathlib import Path

import numpy as np

KEY_LENGTHS = [256, 1024, 4096, 16384, 32768]  # #4's geometric mean
SHORT_LENGTHS = [1, 2, 8, 64, 128, 255]


def speedups(out, name):
    """[{k_len: speedup over SDPA}] per process; a process whose file is missing is left out."""
    runs = []
    for f in sorted((out / "ab").glob(f"{name}_*.json")):
        result = json.loads(f.read_text())
        rows = (result[0] if isinstance(result, list) else result)["rows"]
        runs.append({r["k_len"]: r["speedup"] for r in rows})
    return runs


def summary(runs):
    geomeans = [float(np.exp(np.mean([np.log(r[L]) for L in KEY_LENGTHS]))) for r in runs]
    per_length = {L: float(np.median([r[L] for r in runs])) for L in runs[0]}
    return float(np.median(geomeans)), geomeans, per_length


def main():
    short = "--no-short" not in sys.argv
    out, shipped, *candidates = [a for a in sys.argv[1:] if a != "--no-short"]
    out = Path(out)
    base_geo, base_geos, base = summary(speedups(out, shipped))
    print(f"{shipped}: geomean median {base_geo:.3f} ({', '.join(f'{g:.3f}' for g in base_geos)})")
    results = {}
    for name in candidates:
        runs = speedups(out, name)
        if len(runs) < 3:
            print(f"{name}: {len(runs)} of 3 processes measured: out")
            continue
        results[name] = summary(runs)
        geo, geos, per_length = results[name]
        print(f"{name}: geomean median {geo:.3f} ({', '.join(f'{g:.3f}' for g in geos)})")
        print("  L: " + "  ".join(f"{L} {per_length[L]:.2f}/{base[L]:.2f}" for L in per_length))
    if not results:
        print("none")
        return
    best = max(results, key=lambda n: results[n][0])
    geo, _, per_length = results[best]
    checks = {
        "geomean >= 1.03 x shipped": geo >= 1.03 * base_geo,
        "every L in 256..32K >= 0.97 x shipped": all(per_length[L] >= 0.97 * base[L] for L in KEY_LENGTHS),
    }
    if short:
        checks["every L <= 255 >= shipped - 0.03"] = all(per_length[L] >= base[L] - 0.03 for L in SHORT_LENGTHS)
    for check, ok in checks.items():
        print(f"{best}: {check}: {'yes' if ok else 'NO'}")
    print(best if all(checks.values()) else "none")


if __name__ == "__main__":
    main()
