"""A/A runs for choosing the trial design: the baseline against itself put through the candidate path
(benchmarks/sdpa_program.py, allowed to call SDPA in decode only here), keeping every token interval,
then the 95 % interval of the geometric-mean "speedup" for several estimators of a trial's decode
speed and for the first k pairs. A design is good when its interval is narrow around 1.0.

    python benchmarks/aa_trial_design.py --model synthetic --subset quick --pairs 6 --json aa_design.json
    python benchmarks/aa_trial_design.py --analyse aa_design.json     # again, from the saved intervals
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from qwen3_benchmark_suite import AA_RULES, DESIGNS, log_mean_interval, measure_speedup  # noqa: E402

SDPA_PROGRAM = HERE / "sdpa_program.py"
# A trial's decode speed from its token intervals (seconds): 1 / each of these. The low percentiles
# keep a generation's undisturbed tokens (host noise only ever slows a token down), but in a long
# generation those are its first ones, when the cache is shortest: they weigh short contexts more.
ESTIMATORS = {
    "median": np.median,
    "25th percentile": lambda x: np.quantile(x, 0.25),
    "5th percentile": lambda x: np.quantile(x, 0.05),
    "mean": np.mean,
    "10 % trimmed mean": lambda x: np.mean(np.sort(x)[len(x) // 10: len(x) - len(x) // 10]),
}


def run_pairs(model_path, subset, pairs, repeats, design, progress, on_trials=None):
    """[{"pair", "side", "wall_s", "intervals": {benchmark: [s, ...]}}] of an A/A measure_speedup run;
    on_trials(trials so far) after each pair, so that a run cut short keeps what it measured."""
    trials = []

    def keep(*pair):
        for t in pair:
            intervals = {}
            for g in t.generations:
                intervals.setdefault(g.benchmark, []).extend(g.intervals_s)
            trials.append({"pair": len(trials) // 2, "side": t.side, "wall_s": t.wall_s, "intervals": intervals})
        if on_trials:
            on_trials(trials)

    measure_speedup(model_path, subset, SDPA_PROGRAM, pairs, repeats, rules=AA_RULES, warmup_pairs=0,
                    progress=progress, design=design, on_pair=keep)
    return trials


def analyse(trials) -> str:
    benchmarks = list(trials[0]["intervals"])
    pairs = sorted({t["pair"] for t in trials})
    side = {(t["pair"], t["side"]): t["intervals"] for t in trials}
    rows = ["| estimator | pairs | geomean A/A | 95 % CI | half-width | per-benchmark spread (min-max of pair ratios) |",
            "|---|---|---|---|---|---|"]
    for name, estimate in ESTIMATORS.items():
        # log(candidate / baseline speed) = log(baseline interval / candidate interval)
        logs = np.array([[np.log(estimate(side[(p, "baseline")][b]) / estimate(side[(p, "candidate")][b]))
                          for b in benchmarks] for p in pairs])
        for k in sorted({2, len(pairs) // 2, len(pairs)} - {0, 1}):
            low, high = log_mean_interval(logs[:k].mean(axis=1))
            spread = "; ".join(f"{b} {np.exp(logs[:k, j].min()):.2f}-{np.exp(logs[:k, j].max()):.2f}"
                               for j, b in enumerate(benchmarks))
            rows.append(f"| {name} | {k} | {np.exp(logs[:k].mean()):.3f} | {low:.3f}-{high:.3f} | "
                        f"{(high - low) / 2:.3f} | {spread} |")
    walls = [t["wall_s"] for t in trials]
    rows.append(f"\n{len(trials)} trials, {np.mean(walls):.0f} s each on average ({min(walls):.0f}-{max(walls):.0f} s)")
    return "\n".join(rows)


def main():
    from qwen3_model import resolve_model

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="synthetic")
    parser.add_argument("--subset", default="quick")
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--design", choices=DESIGNS, default="sequential")
    parser.add_argument("--json", help="write the raw intervals here")
    parser.add_argument("--analyse", help="analyse a saved --json file instead of running")
    args = parser.parse_args()
    if args.analyse:
        print(analyse(json.loads(Path(args.analyse).read_text())["trials"]))
        return
    model = resolve_model(args.model)
    start = time.monotonic()

    def save(trials):
        if args.json:
            Path(args.json).write_text(json.dumps({"model": model.to_dict(), "subset": args.subset,
                                                   "repeats": args.repeats, "design": args.design,
                                                   "wall_s": time.monotonic() - start, "trials": trials}))

    trials = run_pairs(model.path, args.subset, args.pairs, args.repeats, args.design,
                       lambda m: print(f"[{time.strftime('%H:%M:%S')}] {m}", flush=True), on_trials=save)
    print(analyse(trials))


if __name__ == "__main__":
    main()
