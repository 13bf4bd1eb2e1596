"""Session 29: per program, the median over its kernel_benchmark.py processes in a folder (files
<program>.<...>.json, those matching PATTERN) of eval us per call and of the speedup over SDPA, at each length, and each
process's lowest speedup below 256.

    python short_table.py FOLDER [PATTERN]   # PATTERN: a glob, '*.json' unless given
"""

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def main():
    eval_us, speedup, lowest = defaultdict(list), defaultdict(list), defaultdict(list)
    for path in sorted(Path(sys.argv[1]).glob(sys.argv[2] if len(sys.argv) > 2 else "*.json")):
        name = path.name.split(".")[0]
        result = json.loads(path.read_text())
        rows = [r for r in (result[0] if isinstance(result, list) else result)["rows"] if r["q_len"] == 1]
        for r in rows:
            eval_us[(name, r["k_len"])].append(r["program"]["eval_us"])
            eval_us[("sdpa", r["k_len"])].append(r["sdpa"]["eval_us"])
            speedup[(name, r["k_len"])].append(r["speedup"])
        lowest[name].append(min(r["speedup"] for r in rows if r["k_len"] < 256))
    lengths = sorted({L for _, L in eval_us})
    print("| eval us a call, median | " + " | ".join(map(str, lengths)) + " |")
    print("|---" * (len(lengths) + 1) + "|")
    for name in sorted({n for n, _ in eval_us}):
        print(f"| {name} | " + " | ".join(f"{statistics.median(eval_us[(name, L)]):.2f}" for L in lengths) + " |")
    print("\n| speedup over SDPA, median | " + " | ".join(map(str, lengths)) + " | lowest below 256, each process |")
    print("|---" * (len(lengths) + 2) + "|")
    for name in sorted(lowest):
        print(f"| {name} | " + " | ".join(f"{statistics.median(speedup[(name, L)]):.3f}" for L in lengths)
              + " | " + ", ".join(f"{x:.3f}" for x in lowest[name]) + " |")


if __name__ == "__main__":
    main()
