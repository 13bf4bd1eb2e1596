"""The device time ran out during this run's ceilings, before the evaluator wrote its result, so the pairs
are read back from its log: a pair's ratio is the candidate's logged tok/s over the baseline's, per
benchmark (rounded to 0.1 tok/s in the log; on session 12's validation this gives its recorded ratios to
within 0.001). Pairs before the "measuring the ceiling" line are the program's, those after it the
no-op kernel's; the warm-up pair is not a "trial:" line. Writes files that benchmarks/combine_runs.py reads.

    python pairs_from_log.py evaluate_best_program_cuda.log
    python pairs_from_log.py ../../raw-2026-11-27-h100-session12/validation/evaluate_best_program_cuda.log session12_

(the second: session 12's ceiling pairs, of which its ceilings.json keeps only the summary)
"""
import json
import re
import sys


def pairs(lines):
    trials = [(m.group(1), dict((k, float(v)) for k, v in re.findall(r"(\w+) ([\d.]+) tok/s", m.group(2))))
              for m in (re.search(r"\] (baseline|candidate) trial: (.*)", line) for line in lines) if m]
    kinds = [kind for kind, _ in trials]
    assert kinds == ["baseline", "candidate"] * (len(trials) // 2), "trials are not in pairs"
    return [{name: c[name] / b[name] for name in b} for (_, b), (_, c) in zip(trials[0::2], trials[1::2])]


def suite_format(program, pair_ratios):
    names = list(pair_ratios[0])
    return {"program": program, "pool": 1,
            "benchmarks": [{"benchmark": n, "group_ratios": [p[n] for p in pair_ratios]} for n in names]}


prefix = sys.argv[2] if len(sys.argv) > 2 else ""
lines = open(sys.argv[1]).read().splitlines()
split = next(i for i, line in enumerate(lines) if "measuring the ceiling" in line)
program, ceiling = pairs(lines[:split]), pairs(lines[split:])
json.dump(suite_format("best_program_cuda.py", program), open(f"{prefix}program_pairs.json", "w"), indent=1)
json.dump(suite_format("benchmarks/ceiling_program_cuda.py", ceiling), open(f"{prefix}ceiling_pairs.json", "w"), indent=1)
print(f"{len(program)} program pairs, {len(ceiling)} complete ceiling pairs")
