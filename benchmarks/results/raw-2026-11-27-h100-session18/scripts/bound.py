"""Session 18: the read bound against the shipped program, from kernel_ab.py's per-process results.

    python bound.py AB_DIR best_program_cuda read_a read_b read_c ceiling_program_cuda

Per length: each program's median speedup over SDPA (its own processes) and its lowest; the bound is
the highest median of the read_* programs; the shipped program's share of it. Then the geometric
means over the issue's key lengths, and % of the copy bandwidth at 32K in every process.
"""

import json
import sys
from pathlib import Path

import numpy as np

KEY_LENGTHS = [256, 1024, 4096, 16384, 32768]


def rows(folder: Path, name):
    runs = []
    for f in sorted(folder.glob(f"{name}_*.json")):
        result = json.loads(f.read_text())
        runs.append({r["k_len"]: r for r in result["rows"]})
    return runs


def main():
    folder, shipped, *others = sys.argv[1:]
    reads = [n for n in others if n.startswith("read_")]
    runs = {n: rows(Path(folder), n) for n in [shipped, *others]}
    lengths = sorted(runs[shipped][0])
    median = {n: {L: float(np.median([r[L]["speedup"] for r in rs])) for L in lengths} for n, rs in runs.items()}
    lowest = {n: {L: min(r[L]["speedup"] for r in rs) for L in lengths} for n, rs in runs.items()}
    bound = {L: max(median[n][L] for n in reads) for L in lengths}
    print(f"processes: " + ", ".join(f"{n} {len(rs)}" for n, rs in runs.items()))
    print("| L | SDPA eval us | " + " | ".join(f"{n} median (lowest)" for n in runs) + " | bound | shipped / bound |")
    print("|---" * (len(runs) + 4) + "|")
    for L in lengths:
        sdpa = np.median([r[L]["sdpa"]["eval_us"] for r in runs[shipped]])
        cells = " | ".join(f"{median[n][L]:.2f} ({lowest[n][L]:.2f})" for n in runs)
        print(f"| {L} | {sdpa:.1f} | {cells} | {bound[L]:.2f} | {median[shipped][L] / bound[L]:.2f} |")

    def geomean(d):
        return float(np.exp(np.mean([np.log(d[L]) for L in KEY_LENGTHS])))

    for n in runs:
        per_process = [float(np.exp(np.mean([np.log(r[L]["speedup"]) for L in KEY_LENGTHS]))) for r in runs[n]]
        print(f"{n}: geomean over {KEY_LENGTHS} of the medians {geomean(median[n]):.3f}; per process "
              + ", ".join(f"{g:.3f}" for g in per_process))
    print(f"bound (best read_* median per length): geomean {geomean(bound):.3f}")
    for n in runs:
        print(f"{n}: % copy bandwidth at 32K per process: "
              + ", ".join(f"{r[32768]['pct_copy_bandwidth']:.1f}" for r in runs[n] if 32768 in r))


if __name__ == "__main__":
    main()
