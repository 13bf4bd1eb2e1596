"""A kernel A/B with its rule fixed in advance: a baseline program and candidates, each alone in its
process, the order rotating; then the rule says which candidate, if any, goes on to gates and pairs.

    python benchmarks/kernel_ab.py --out DIR --processes 3 BASELINE CANDIDATE [CANDIDATE ...]
    python benchmarks/kernel_ab.py --out DIR --decide-only BASELINE CANDIDATE ...   # the rule on DIR's results
    python benchmarks/kernel_ab.py --out DIR --aa --processes 8 SHIPPED COPY   # the rule against the same code

Each process is `kernel_benchmark.py --program P --no-prefill` (MLX 0.32's CUDA graph cache must not
carry a kernel node from one program to another, so programs never share a process). Process i runs the
programs in the order rotated by i, so that no program always runs first on a machine. A speedup is over
SDPA in the same process, which makes speedups comparable across processes where eval times are not.
Results: DIR/<program stem>_<i>.json and .log; the rule's verdict: DIR/decision.json.

The rule (session 14): the candidate with the highest median over its processes of the geometric-mean
speedup at the key lengths goes on if that median is at least MIN_GAIN x the baseline's, its median
speedup at every key length at least PER_LENGTH x the baseline's, and (unless --no-short) at every
measured length below the key lengths at least the baseline's less SHORT_SLACK; with --short-floor F,
also in every process at every such length at least F (1.0: never slower than SDPA in any process).

With --aa the programs are the same code under other names (an A/A). The rule is then put to every
split of their pooled processes into a baseline half and a candidate half of --processes each: how
often it rejects the same code (a check that fails) is how often noise alone would stop a candidate.

With --with-copy (session 30) a byte-identical copy of the baseline (DIR/aa_copy.py) runs in the same
rotation, and the rule's bars come from that A/A instead of fixed factors: one candidate goes on if
its median geometric mean over the key lengths, over the baseline's, is above the 95th percentile of
that ratio between halves of the same code, and its lowest median ratio at a key length is at least
the 5th percentile of the same code's. Name as key lengths every length where the candidate runs
other code than the baseline, and only those: where it runs the same code only noise can fail a check.

    python benchmarks/kernel_ab.py --out DIR --processes 8 --with-copy --key-lengths 320,384,448,511 \
        --lengths 256,320,384,448,511,512 SHIPPED CANDIDATE
"""

import argparse
import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
KEY_LENGTHS = [256, 1024, 4096, 16384, 32768]  # the geometric mean
LENGTHS = [1, 2, 8, 64, 128, 255, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768]


def run_processes(programs, out: Path, processes, lengths, benchmark_args=(), progress=print):
    """Every program `processes` times, each run alone in a kernel_benchmark.py process; returns the
    runs that failed as [(name, i, last lines of their log)]."""
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    for i in range(1, processes + 1):
        for j in range(len(programs)):
            program = programs[(i - 1 + j) % len(programs)]
            name = Path(program).stem
            progress(f"process {i} of {processes}: {name}")
            log = out / f"{name}_{i}.log"
            cmd = [sys.executable, str(ROOT / "kernel_benchmark.py"), "--program", str(program), "--no-prefill",
                   "--lengths", ",".join(map(str, lengths)), "--json", str(out / f"{name}_{i}.json"), *benchmark_args]
            with open(log, "w") as f:
                rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=ROOT).returncode
            if rc != 0:
                failed.append((name, i, "\n".join(log.read_text().splitlines()[-3:])))
                progress(f"  failed (exit code {rc}), see {log}")
    return failed


def speedups(out: Path, name) -> list:
    """[{k_len: speedup over SDPA}], one per process that left a result. Only `name`_<process>.json:
    kernel_variants.py names a variant `name`_<settings>, whose results must not count as `name`'s."""
    runs = []
    for f in sorted(out.glob(f"{name}_*.json")):
        if not f.stem[len(name) + 1:].isdigit():
            continue
        result = json.loads(f.read_text())
        rows = (result[0] if isinstance(result, list) else result)["rows"]
        runs.append({r["k_len"]: r["speedup"] for r in rows})
    return runs


def summary(runs, key_lengths) -> dict:
    """Per program: the geometric mean over the key lengths in each process, their median, the
    median speedup at each length, and the lowest speedup of any process below the key lengths."""
    geomeans = [float(np.exp(np.mean([np.log(r[L]) for L in key_lengths]))) for r in runs]
    short = [s for r in runs for L, s in r.items() if L < min(key_lengths)]
    return {"geomean": float(np.median(geomeans)), "geomeans": geomeans,
            "per_length": {L: float(np.median([r[L] for r in runs])) for L in runs[0]},
            "lowest_short": min(short, default=None)}


def decide(out: Path, baseline, candidates, processes, key_lengths=KEY_LENGTHS, short=True, min_gain=1.03,
           per_length=0.97, short_slack=0.03, short_floor=None) -> dict:
    """The rule on the results in `out` (names are program stems): {"baseline", "candidates", "checks",
    "candidate", "chosen"}; "chosen" is None where no candidate passes."""
    base_runs = speedups(out, baseline)
    if not base_runs:
        raise SystemExit(f"no results of the baseline {baseline} in {out}")
    base = summary(base_runs, key_lengths)
    measured = {name: speedups(out, name) for name in candidates}
    results = {name: summary(runs, key_lengths) for name, runs in measured.items() if len(runs) == processes}
    verdict = {"baseline": {"name": baseline, **base}, "candidates": results,
               "left_out": {name: f"{len(runs)} of {processes} processes measured"
                            for name, runs in measured.items() if len(runs) != processes},
               "candidate": None, "checks": {}, "chosen": None}
    if not results:
        return verdict
    best = max(results, key=lambda name: results[name]["geomean"])
    checks = rule_checks(base, results[best], key_lengths, short, min_gain, per_length, short_slack, short_floor)
    verdict.update(candidate=best, checks=checks, chosen=best if all(checks.values()) else None)
    return verdict


def decide_against_copy(out: Path, baseline, copy, candidate, processes, key_lengths) -> dict:
    """Session 30's rule, its bars from the A/A of `baseline` and `copy` (the same bytes) in the same
    rotation: {"baseline", "candidate", "bars", "checks", "chosen"}; "chosen" is None if a check fails or
    a program lacks processes."""
    runs = {name: speedups(out, name) for name in (baseline, copy, candidate)}
    verdict = {"baseline": {"name": baseline}, "candidates": {}, "candidate": candidate, "bars": {}, "checks": {},
               "chosen": None, "left_out": {name: f"{len(r)} of {processes} processes measured"
                                            for name, r in runs.items() if len(r) != processes}}
    if verdict["left_out"]:
        return verdict
    base, mine = summary(runs[baseline], key_lengths), summary(runs[candidate], key_lengths)
    aa = false_rejections(out, [baseline, copy], processes, key_lengths, short=False)
    gain_bar, loss_bar = aa["percentile_95"]["geomean ratio"], aa["percentile_5"]["lowest key-length ratio"]
    gain = mine["geomean"] / base["geomean"]
    lowest = min(mine["per_length"][L] / base["per_length"][L] for L in key_lengths)
    verdict.update(baseline={"name": baseline, **base}, candidates={candidate: mine},
                   bars={"gain": gain_bar, "loss": loss_bar, "gain_measured": gain, "lowest_ratio_measured": lowest})
    verdict["checks"] = {f"geomean ratio {gain:.4f} > the A/A's 95th percentile {gain_bar:.4f}": gain > gain_bar,
                         f"lowest key-length ratio {lowest:.4f} >= the A/A's 5th percentile {loss_bar:.4f}":
                             lowest >= loss_bar}
    verdict["chosen"] = candidate if all(verdict["checks"].values()) else None
    return verdict


def rule_checks(base, mine, key_lengths, short, min_gain, per_length, short_slack, short_floor) -> dict:
    """{check: passed} of the rule for one candidate's summary against the baseline's."""
    checks = {
        f"geomean >= {min_gain} x the baseline's": mine["geomean"] >= min_gain * base["geomean"],
        f"every key length >= {per_length} x the baseline's": all(
            mine["per_length"][L] >= per_length * base["per_length"][L] for L in key_lengths),
    }
    if short:
        below = [L for L in base["per_length"] if L < min(key_lengths)]
        checks[f"every length below the key lengths >= the baseline's - {short_slack}"] = all(
            mine["per_length"][L] >= base["per_length"][L] - short_slack for L in below)
        if short_floor is not None:
            checks[f"every process at every length below the key lengths >= {short_floor}"] = (
                mine["lowest_short"] is not None and mine["lowest_short"] >= short_floor)
    return checks


def false_rejections(out: Path, names, processes, key_lengths=KEY_LENGTHS, short=True, min_gain=1.03,
                     per_length=0.97, short_slack=0.03, short_floor=None) -> dict:
    """The rule against the same code: `names` are one program under several names, their processes
    pooled and split every way into a baseline and a candidate of `processes` each. Returns the share
    of splits that the rule rejects, in all and per check, and the 5th percentile over the splits of
    what the checks compare: the bars a rule would need to reject the same code in 5 % of splits each.
    The 95th percentiles are the other side: how much the same code seems to gain in 5 % of splits,
    the bar a candidate's gain must clear to stand out from noise (the geometric mean's ratio, and the
    mean over the lengths below the key lengths of the difference of medians)."""
    runs = [run for name in names for run in speedups(out, name)]
    if len(runs) != 2 * processes:
        raise SystemExit(f"{len(runs)} processes of {names} in {out}: an A/A of {processes} a side needs {2 * processes}")
    below = [L for L in runs[0] if L < min(key_lengths)]
    splits = rejected = 0
    failed = {}
    compared = {"geomean ratio": [], "lowest key-length ratio": [], "lowest short-median difference": [],
                "lowest short speedup": [], "mean short-median difference": []}
    for chosen in itertools.combinations(range(len(runs)), processes):
        rest = [i for i in range(len(runs)) if i not in chosen]
        base = summary([runs[i] for i in rest], key_lengths)
        mine = summary([runs[i] for i in chosen], key_lengths)
        checks = rule_checks(base, mine, key_lengths, short, min_gain, per_length, short_slack, short_floor)
        splits += 1
        rejected += not all(checks.values())
        for check, ok in checks.items():
            failed[check] = failed.get(check, 0) + (not ok)
        compared["geomean ratio"].append(mine["geomean"] / base["geomean"])
        compared["lowest key-length ratio"].append(min(mine["per_length"][L] / base["per_length"][L] for L in key_lengths))
        if below:
            compared["lowest short-median difference"].append(min(mine["per_length"][L] - base["per_length"][L] for L in below))
            compared["mean short-median difference"].append(float(np.mean([mine["per_length"][L] - base["per_length"][L]
                                                                           for L in below])))
            compared["lowest short speedup"].append(mine["lowest_short"])
    return {"processes_pooled": len(runs), "processes_a_side": processes, "splits": splits,
            "rejected": rejected / splits, "failed_per_check": {check: n / splits for check, n in failed.items()},
            "percentile_5": {name: float(np.percentile(v, 5)) for name, v in compared.items() if v},
            "percentile_95": {name: float(np.percentile(compared[name], 95))
                              for name in ("geomean ratio", "mean short-median difference") if compared[name]}}


def report(verdict) -> str:
    def headline(name, result):
        lowest = result["lowest_short"]  # None where no length below the key lengths was measured
        return (f"{name}: geomean median {result['geomean']:.3f} ({', '.join(f'{g:.3f}' for g in result['geomeans'])})"
                + (f"; lowest below the key lengths {lowest:.3f}" if lowest is not None else ""))

    base = verdict["baseline"]
    lines = [headline(base["name"], base)] if "geomean" in base else []  # not where a program lacks processes
    for name, result in verdict["candidates"].items():
        lines.append(headline(name, result))
        lines.append("  L candidate/baseline: " + "  ".join(
            f"{L} {s:.2f}/{base['per_length'][L]:.2f}" for L, s in result["per_length"].items()))
    lines += [f"{name}: left out, {why}" for name, why in verdict["left_out"].items()]
    lines += [f"{verdict['candidate']}: {check}: {'yes' if ok else 'NO'}" for check, ok in verdict["checks"].items()]
    lines.append(f"chosen: {verdict['chosen'] or 'none'}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("baseline")
    parser.add_argument("candidates", nargs="+")
    parser.add_argument("--out", required=True, help="folder of the processes' results")
    parser.add_argument("--processes", type=int, default=3, help="processes per program")
    parser.add_argument("--lengths", default=",".join(map(str, LENGTHS)), help="decode lengths to time")
    parser.add_argument("--key-lengths", default=",".join(map(str, KEY_LENGTHS)), help="lengths of the geometric mean")
    parser.add_argument("--no-short", action="store_true",
                        help="leave lengths below the key lengths out of the rule (where the candidate's "
                             "short-length path is the baseline's)")
    parser.add_argument("--min-gain", type=float, default=1.03)
    parser.add_argument("--per-length", type=float, default=0.97)
    parser.add_argument("--short-slack", type=float, default=0.03)
    parser.add_argument("--short-floor", type=float,
                        help="also every process's speedup at every length below the key lengths at least this")
    parser.add_argument("--decide-only", action="store_true", help="apply the rule to the results already in --out")
    parser.add_argument("--aa", action="store_true",
                        help="the programs are the same code: also report how often the rule rejects it (aa.json)")
    parser.add_argument("--with-copy", action="store_true",
                        help="also run a byte-identical copy of the baseline (OUT/aa_copy.py) in the rotation and "
                             "take the rule's bars from that A/A (one candidate; the fixed factors are not used)")
    parser.add_argument("--benchmark-args", default="", help="more kernel_benchmark.py options, e.g. '--repeats 10'")
    args = parser.parse_args()
    out = Path(args.out)
    key_lengths = [int(x) for x in args.key_lengths.split(",")]
    programs = [args.baseline, *args.candidates]
    if args.with_copy:
        if len(args.candidates) != 1:
            raise SystemExit("--with-copy compares one candidate with the baseline")
        out.mkdir(parents=True, exist_ok=True)
        copy = out / "aa_copy.py"
        if not args.decide_only:
            shutil.copyfile(args.baseline, copy)
        if not copy.exists() or copy.read_bytes() != Path(args.baseline).read_bytes():
            raise SystemExit(f"{copy} is missing or is not the baseline's bytes")
        programs.insert(1, str(copy))
    names = [Path(p).stem for p in programs]
    if len(set(names)) != len(names):
        raise SystemExit(f"programs must have distinct file names (results are named by them): {names}")
    if not args.decide_only:
        lengths = [int(x) for x in args.lengths.split(",")]
        failed = run_processes(programs, out, args.processes, lengths, args.benchmark_args.split())
        for name, i, tail in failed:
            print(f"{name}, process {i}, failed:\n{tail}")
    if args.with_copy:
        verdict = decide_against_copy(out, names[0], names[1], names[2], args.processes, key_lengths)
    else:
        verdict = decide(out, names[0], names[1:], args.processes, key_lengths,
                         not args.no_short, args.min_gain, args.per_length, args.short_slack, args.short_floor)
    (out / "decision.json").write_text(json.dumps(verdict, indent=2))
    print(report(verdict))
    if args.aa:
        aa = false_rejections(out, names, args.processes, key_lengths,
                              not args.no_short, args.min_gain, args.per_length, args.short_slack, args.short_floor)
        (out / "aa.json").write_text(json.dumps(aa, indent=2))
        print(f"A/A: the rule rejects the same code in {aa['rejected']:.0%} of {aa['splits']} splits "
              f"of {aa['processes_pooled']} processes")
        for check, share in aa["failed_per_check"].items():
            print(f"  {check}: fails in {share:.0%}")
        print("  5th percentiles over the splits: " + ", ".join(f"{k} {v:.3f}" for k, v in aa["percentile_5"].items()))
        print("  95th percentiles (a gain's bar): " + ", ".join(f"{k} {v:.3f}" for k, v in aa["percentile_95"].items()))


if __name__ == "__main__":
    main()
