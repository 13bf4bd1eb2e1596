"""Session 30, round 2's rule for moving ONE_BLOCK_UNTIL, read against an A/A run in the same rounds.

Round 1 (session 29's scripts/handover_ab.py) also asked for no loss at the lengths where the candidate
runs the shipped file's very kernels; there a check can only be failed by noise, and it was. Here
every check is at the CHANGED lengths, where the candidate runs another kernel. The shipped file and
its byte-identical copy give the bars (kernel_ab.false_rejections over every split of their pooled
processes):
- gain: the candidate's median geometric mean over the changed lengths, over the shipped file's,
  above the 95th percentile of that ratio between halves of the same code;
- no loss at any changed length: its lowest median ratio over them at least the 5th percentile of
  the same code's.
Exit status 0 if chosen, 1 if not.

    python handover_rule.py DIR --changed 320,384,448,511
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "benchmarks"))

import kernel_ab  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--changed", required=True, help="comma-separated lengths where the candidate differs")
    parser.add_argument("--baseline", default="best_program_cuda")
    parser.add_argument("--copy", default="aa_copy")
    parser.add_argument("--candidate", default="best_program_cuda_one_block_until320")
    args = parser.parse_args()
    changed = [int(x) for x in args.changed.split(",")]
    base_runs = kernel_ab.speedups(args.folder, args.baseline)
    bars = kernel_ab.false_rejections(args.folder, [args.baseline, args.copy], len(base_runs), changed, short=False)
    base = kernel_ab.summary(base_runs, changed)
    mine = kernel_ab.summary(kernel_ab.speedups(args.folder, args.candidate), changed)
    ratios = {L: mine["per_length"][L] / base["per_length"][L] for L in base["per_length"]}
    verdict = {"processes_a_side": len(base_runs), "changed_lengths": changed,
               "gain": mine["geomean"] / base["geomean"], "gain_bar": bars["percentile_95"]["geomean ratio"],
               "lowest_changed_ratio": min(ratios[L] for L in changed),
               "loss_bar": bars["percentile_5"]["lowest key-length ratio"], "per_length": ratios}
    verdict["chosen"] = verdict["gain"] > verdict["gain_bar"] and verdict["lowest_changed_ratio"] >= verdict["loss_bar"]
    print(json.dumps(verdict, indent=2))
    sys.exit(0 if verdict["chosen"] else 1)


if __name__ == "__main__":
    main()
