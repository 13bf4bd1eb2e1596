"""A/A runs for choosing the trial design: the baseline against itself put through the candidate path
(benchmarks/sdpa_program.py, allowed to call SDPA in decode only here), keeping every token interval,
then the 95 % interval of the geometric-mean "speedup" for several estimators of a benchmark's decode
speed, with pairs taken one by one or pooled in groups (qwen3_benchmark_suite.summarize_pairs), and the
host's speed state (stretch_medians_ms). A design is good when its interval is narrow around 1.0.

    python benchmarks/aa_trial_design.py --model synthetic --subset quick --pairs 6 --json aa_design.json
    python benchmarks/aa_trial_design.py --design lockstep --warmup-pairs 1 --pairs 32 --json aa.json  # validation
    python benchmarks/aa_trial_design.py --analyse aa_design.json [more.json ...]  # again, from saved runs
"""

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from qwen3_benchmark_suite import (AA_RULES, DESIGNS, SLICE_TOKENS, decode_speed, log_mean_interval,  # noqa: E402
                                   measure_speedup, median_token_speed)

SDPA_PROGRAM = HERE / "sdpa_program.py"
POOLS = (1, 2, 3, 4)
# A benchmark's decode speed from its generations' token intervals (seconds).
ESTIMATORS = {
    "decode_speed (the evaluator's)": decode_speed,
    "median": median_token_speed,
    "10th percentile, whole generations": lambda gens: 1 / np.quantile(np.concatenate(gens), 0.10),
    "mean": lambda gens: 1 / np.mean(np.concatenate(gens)),
}


def run_pairs(model_path, subset, pairs, repeats, design, progress, on_trials=None, warmup_pairs=0,
              slice_tokens=SLICE_TOKENS):
    """[{"pair", "side", "wall_s", "intervals": {benchmark: [[s, ...] per generation]}}] of an A/A run,
    after `warmup_pairs` discarded pairs (the evaluator discards one before its first timing);
    on_trials(trials so far) after each pair, so that a run cut short keeps what it measured."""
    trials = []

    def keep(*pair):
        for t in pair:
            intervals = {}  # {benchmark: [[s, ...] per generation]}
            for g in t.generations:
                intervals.setdefault(g.benchmark, []).append(g.intervals_s)
            trials.append({"pair": len(trials) // 2, "side": t.side, "wall_s": t.wall_s, "intervals": intervals})
        if on_trials:
            on_trials(trials)

    measure_speedup(model_path, subset, SDPA_PROGRAM, pairs, repeats, rules=AA_RULES, warmup_pairs=warmup_pairs,
                    progress=progress, design=design, on_pair=keep, slice_tokens=slice_tokens)
    return trials


def generations(intervals):
    """A trial's generations of one benchmark; files before session 8 kept one flat list per trial."""
    return intervals if intervals and isinstance(intervals[0], list) else [intervals]


def stretch_medians_ms(trials, benchmarks=("long_generation", "long_context_detailed"), tokens=50) -> np.ndarray:
    """Medians of consecutive stretches of `tokens` token intervals (ms), over the long generations:
    the host's speed state, which came in two modes (about 4 and 6-7 ms) in sessions 8 and 9."""
    stretches = []
    for t in trials:
        for b in benchmarks:
            for gen in generations(t["intervals"].get(b, [])):
                ms = 1000 * np.asarray(gen)
                stretches += [np.median(ms[i:i + tokens]) for i in range(0, len(ms) - tokens + 1, tokens)]
    return np.array(stretches)


def pair_spread(logs, benchmarks) -> str:
    """Standard deviations of one pair's log ratios (rows: pairs), of the geomean and per benchmark: what
    sets the number of pairs a target interval needs."""
    per_benchmark = ", ".join(f"{b} {logs[:, j].std(ddof=1):.3f}" for j, b in enumerate(benchmarks))
    return f"geomean {logs.mean(axis=1).std(ddof=1):.3f}; {per_benchmark}"


def analyse(trials) -> str:
    benchmarks = list(trials[0]["intervals"])
    pairs = sorted({t["pair"] for t in trials if t["side"] == "candidate"})
    side = {(t["pair"], t["side"]): t["intervals"] for t in trials}
    one_pair = None
    rows = ["| estimator | pairs per group | groups | geomean A/A | 95 % CI | half-width | "
            "per-benchmark spread (min-max of group ratios) |", "|---|---|---|---|---|---|---|"]
    for name, speed in ESTIMATORS.items():
        for pool in [p for p in POOLS if len(pairs) // p >= 2]:
            groups = [pairs[i:i + pool] for i in range(0, len(pairs) - pool + 1, pool)]
            pooled = lambda group, s, b: [g for p in group for g in generations(side[(p, s)][b])]
            logs = np.array([[np.log(speed(pooled(group, "candidate", b)) / speed(pooled(group, "baseline", b)))
                              for b in benchmarks] for group in groups])
            low, high = log_mean_interval(logs.mean(axis=1))
            spread = "; ".join(f"{b} {np.exp(logs[:, j].min()):.2f}-{np.exp(logs[:, j].max()):.2f}"
                               for j, b in enumerate(benchmarks))
            rows.append(f"| {name} | {pool} | {len(groups)} | {np.exp(logs.mean()):.3f} | {low:.3f}-{high:.3f} | "
                        f"{(high - low) / 2:.3f} | {spread} |")
            if speed is decode_speed and pool == 1:
                one_pair = pair_spread(logs, benchmarks)
    if one_pair:
        rows.append(f"\none pair's spread by decode_speed, as standard deviations of its log ratio: {one_pair}")
    walls = [t["wall_s"] for t in trials]
    rows.append(f"\n{len(trials)} trials, {np.mean(walls):.0f} s each on average ({min(walls):.0f}-{max(walls):.0f} s)")
    stretches = stretch_medians_ms(trials)
    if len(stretches):
        p10, p50, p90 = np.percentile(stretches, [10, 50, 90])
        rows.append(f"host speed: {len(stretches)} stretches of 50 tokens of the long generations, their medians' "
                    f"10th / 50th / 90th percentile {p10:.2f} / {p50:.2f} / {p90:.2f} ms a token")
    return "\n".join(rows)


def merged_trials(paths) -> list:
    """The trials of several saved runs (.json, or .json.gz), their pairs numbered on from file to file."""
    trials = []
    for path in paths:
        offset = 1 + max((t["pair"] for t in trials), default=-1)
        text = gzip.decompress(Path(path).read_bytes()) if str(path).endswith(".gz") else Path(path).read_text()
        trials += [dict(t, pair=t["pair"] + offset) for t in json.loads(text)["trials"]]
    return trials


def main():
    from qwen3_model import resolve_model

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="synthetic")
    parser.add_argument("--subset", default="quick")
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--design", choices=DESIGNS, default="sequential")
    parser.add_argument("--warmup-pairs", type=int, default=0, help="pairs run first and discarded")
    parser.add_argument("--slice-tokens", type=int, default=SLICE_TOKENS,
                        help="lockstep: tokens per turn (0: a whole generation, the design before session 10)")
    parser.add_argument("--json", help="write the raw intervals here")
    parser.add_argument("--analyse", nargs="+", help="analyse saved --json files (pairs in file order) instead of running")
    args = parser.parse_args()
    if args.analyse:
        print(analyse(merged_trials(args.analyse)))
        return
    model = resolve_model(args.model)
    start = time.monotonic()

    def save(trials):
        if args.json:
            Path(args.json).write_text(json.dumps({"model": model.to_dict(), "subset": args.subset,
                                                   "repeats": args.repeats, "design": args.design,
                                                   "slice_tokens": args.slice_tokens,
                                                   "wall_s": time.monotonic() - start, "trials": trials}))

    trials = run_pairs(model.path, args.subset, args.pairs, args.repeats, args.design,
                       lambda m: print(f"[{time.strftime('%H:%M:%S')}] {m}", flush=True), on_trials=save,
                       warmup_pairs=args.warmup_pairs, slice_tokens=args.slice_tokens)
    print(analyse(trials))


if __name__ == "__main__":
    main()
