"""GPU time of each kernel, from Nsight Compute's CSV: what a call costs on the GPU alone, without
the host time that kernel_benchmark.py's eval_us includes.

    ncu --clock-control none --metrics gpu__time_duration.sum --csv --log-file run.csv \
        python kernel_benchmark.py --program best_program_cuda.py --lengths 1 --no-prefill --repeats 3
    python benchmarks/ncu_kernel_times.py run.csv

(--clock-control none: the GPU keeps the clocks it would have had, as in the timed runs.)
"""

import csv
import io
import sys

import numpy as np

METRIC = "gpu__time_duration.sum"
UNIT_US = {"nsecond": 1e-3, "ns": 1e-3, "usecond": 1.0, "us": 1.0, "msecond": 1e3, "ms": 1e3}


def kernel_times_us(csv_text: str) -> dict:
    """{kernel name: [GPU time of each launch in us]}, in launch order. ncu's log may hold lines before
    the CSV (the program's own prints); its first row is the header that names "Kernel Name"."""
    lines = csv_text.splitlines()
    start = next((i for i, line in enumerate(lines) if '"Kernel Name"' in line), None)
    if start is None:
        raise ValueError("no ncu CSV header (a line naming \"Kernel Name\") in this file")
    times = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines[start:]))):
        if row.get("Metric Name") != METRIC:
            continue
        if row["Metric Unit"] not in UNIT_US:
            raise ValueError(f"unknown unit {row['Metric Unit']!r} of {METRIC}")
        scale = UNIT_US[row["Metric Unit"]]
        times.setdefault(row["Kernel Name"], []).append(float(row["Metric Value"].replace(",", "")) * scale)
    return times


def table(times: dict) -> str:
    rows = ["| kernel | launches | median us | 10th-90th percentile us |", "|---|---|---|---|"]
    for name, us in sorted(times.items(), key=lambda item: -len(item[1])):
        p10, p50, p90 = np.percentile(us, [10, 50, 90])
        rows.append(f"| {name[:90]} | {len(us)} | {p50:.2f} | {p10:.2f}-{p90:.2f} |")
    return "\n".join(rows)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(f"{path}\n{table(kernel_times_us(open(path).read()))}\n")
