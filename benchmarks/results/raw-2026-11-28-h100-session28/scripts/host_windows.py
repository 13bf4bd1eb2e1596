"""Session 28: how a decode call's speedup over SDPA at L < 256 goes with the host's speed.

A kernel_benchmark.py result holds, per length, the host time SDPA took to build its graph
(`sdpa.build_us`), measured in the same interleaved rounds as both programs' evaluations. It does not
depend on the program, so it is taken as a probe of how fast the host ran while that length was timed.

    python host_windows.py --runs DIR            # one line per result in DIR (round 2's load/)
    python host_windows.py --ab DIR [DIR ...]    # every (program, process, length) below 256, by host speed
    python host_windows.py --ab DIR ... --only best_program_cuda_ lean_args_   # results whose names start so
"""

import argparse
import json
from pathlib import Path

import numpy as np

SHORT = 256


def results(folder) -> list:
    return [path for path in sorted(Path(folder).glob("*.json")) if path.name != "decision.json"]


def short_rows(path: Path) -> list:
    result = json.loads(path.read_text())
    rows = (result[0] if isinstance(result, list) else result)["rows"]
    return [r for r in rows if r["q_len"] == 1 and r["k_len"] < SHORT]


def runs_table(folder: Path) -> str:
    lines, builds = [], []
    for path in results(folder):
        rows = short_rows(path)
        builds += [r["sdpa"]["build_us"] for r in rows]
        lengths = "  ".join(f"{r['k_len']}: {r['speedup']:.3f} ({r['sdpa']['build_us']:.2f})" for r in rows)
        lines.append(f"{path.stem}: lowest {min(r['speedup'] for r in rows):.3f}; L: speedup (SDPA build us) {lengths}")
    lines.append(f"SDPA build over every value: median {np.median(builds):.2f} us")
    return "\n".join(lines)


def by_host_speed(folders, only=(), fast_us=1.0) -> str:
    points = [(r["speedup"], r["sdpa"]["build_us"]) for folder in folders for path in results(folder)
              if not only or path.stem.startswith(tuple(only)) for r in short_rows(path)]
    speedup, build = np.array(points).T
    lines = [f"{len(points)} (program, process, length) values at L < {SHORT}; {int((speedup < 1).sum())} below 1.0"]
    for name, where in ((f"SDPA build <= {fast_us} us", build <= fast_us), (f"SDPA build > {fast_us} us", build > fast_us)):
        lines.append(f"{name}: {int(where.sum())} values, {int((speedup[where] < 1).sum())} below 1.0, "
                     f"lowest {speedup[where].min():.3f}, median speedup {np.median(speedup[where]):.3f}")
    below = speedup < 1
    lines.append(f"median SDPA build: {np.median(build[below]):.2f} us where below 1.0, "
                 f"{np.median(build[~below]):.2f} us elsewhere")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=Path, help="a folder of kernel_benchmark.py results")
    parser.add_argument("--ab", nargs="+", default=[], help="kernel_ab.py folders")
    parser.add_argument("--only", nargs="+", default=[], help="only results whose file names start so")
    args = parser.parse_args()
    if args.runs:
        print(runs_table(args.runs))
    if args.ab:
        print(by_host_speed(args.ab, args.only))


if __name__ == "__main__":
    main()
