"""One validation split over several runs: the pairs of `qwen3_benchmark_suite.py --output` files (or
of `evaluator.py --json` files, their timing) of one program on the same benchmarks, read together.

    python benchmarks/combine_runs.py run1.json run2.json [...]

A pair is a baseline and a candidate process timed side by side on one machine, so its ratio stands on
its own; runs on different machines (or sessions) add pairs, never compare tok/s across runs. Per
benchmark: every pair's ratio, their geometric mean and its 95 % interval (qwen3_benchmark_suite's
log_mean_interval); the geometric mean over benchmarks gets its interval from each pair's mean log
ratio, as summarize_pairs does within a run.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qwen3_benchmark_suite import interval_text, log_mean_interval  # noqa: E402


def suite_run(document: dict) -> dict:
    """The suite's result: the document itself, or the timing inside an evaluator's result, with the
    program the evaluator names (None where it does not: results written before it did)."""
    if "artifacts" not in document:
        return document
    timing = document["artifacts"]["timing"]
    return {**(json.loads(timing) if isinstance(timing, str) else timing), "program": document.get("program")}


def combine(runs):
    """{"benchmarks": [{"benchmark", "ratios", "speedup", "ci_low", "ci_high"}], "geomean_speedup",
    "ci_low", "ci_high", "pairs"} of the runs' groups of pairs, in the first run's benchmark order."""
    names = [b["benchmark"] for b in runs[0]["benchmarks"]]
    programs = sorted({run["program"] for run in runs} - {None})  # None: a result that does not say
    if len(programs) > 1:
        raise ValueError(f"runs of different programs: {' and '.join(programs)}")
    for run in runs[1:]:
        if sorted(b["benchmark"] for b in run["benchmarks"]) != sorted(names):
            raise ValueError("runs of different benchmarks: combine runs of the same --subset")
        if run["pool"] != runs[0]["pool"]:
            raise ValueError(f"runs of different --pool ({runs[0]['pool']} and {run['pool']}): their groups differ")
    tables = [{b["benchmark"]: b["group_ratios"] for b in run["benchmarks"]} for run in runs]
    ratios = np.array([[r for table in tables for r in table[name]] for name in names]).T
    log_ratios = np.log(ratios)  # [groups, benchmarks]
    rows = []
    for j, name in enumerate(names):
        low, high = log_mean_interval(log_ratios[:, j])
        rows.append({"benchmark": name, "ratios": ratios[:, j].tolist(), "speedup": float(np.exp(log_ratios[:, j].mean())),
                     "ci_low": low, "ci_high": high})
    low, high = log_mean_interval(log_ratios.mean(axis=1))
    return {"benchmarks": rows, "geomean_speedup": float(np.exp(log_ratios.mean())), "ci_low": low, "ci_high": high,
            "pairs": len(ratios)}


def table(combined) -> str:
    groups = combined["pairs"]
    lines = ["| benchmark | pairs' ratios | speedup | 95 % CI |", "|---|---|---|---|"]
    for b in combined["benchmarks"]:
        lines.append(f"| {b['benchmark']} | {', '.join(f'{r:.3f}' for r in b['ratios'])} | {b['speedup']:.3f} | "
                     f"{interval_text(b['ci_low'], b['ci_high'], groups)} |")
    lines.append(f"| geometric mean ({groups} pairs) | | {combined['geomean_speedup']:.3f} | "
                 f"{interval_text(combined['ci_low'], combined['ci_high'], groups)} |")
    below = [b["benchmark"] for b in combined["benchmarks"] if b["ci_high"] < 1.0 and groups >= 2]
    lines.append(f"\nintervals wholly below 1.0: {', '.join(below) if below else 'none'}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path, help="qwen3_benchmark_suite.py --output or evaluator.py --json files")
    parser.add_argument("--json", type=Path, help="also write the combined result here")
    args = parser.parse_args()
    runs = [suite_run(json.loads(path.read_text())) for path in args.runs]
    try:
        combined = combine(runs)
    except ValueError as exc:
        raise SystemExit(f"combine_runs: {exc}")
    print(table(combined))
    unnamed = [str(path) for path, run in zip(args.runs, runs) if run["program"] is None]
    if unnamed:
        print(f"program not recorded in {', '.join(unnamed)}: check that every run is of one program")
    if args.json:
        args.json.write_text(json.dumps({"runs": [str(p) for p in args.runs], **combined}, indent=2))


if __name__ == "__main__":
    main()
