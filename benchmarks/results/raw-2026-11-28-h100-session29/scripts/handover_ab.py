"""Session 29, for the next session: the rule for moving ONE_BLOCK_UNTIL, read against an A/A run in
the same rounds.

A kernel_ab.py folder holds three programs' processes: the shipped file, a byte-identical copy and a
candidate that differs only at the CHANGED lengths. The shipped file and its copy give the bars
(kernel_ab.false_rejections over every split of their pooled processes):
- gain: the candidate's median geometric mean over the changed lengths, over the shipped file's,
  must exceed the 95th percentile of the same ratio between the same code's halves;
- no loss elsewhere: its lowest median ratio over the other lengths must be at least the 5th
  percentile of the same code's.

    python handover_ab.py DIR --changed 320,384,448,511 [--baseline best_program_cuda --copy aa_copy
                          --candidate best_program_cuda_one_block_until320]
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
    others = [L for L in base_runs[0] if L not in changed]
    processes = len(base_runs)
    gain_bar = kernel_ab.false_rejections(args.folder, [args.baseline, args.copy], processes, changed,
                                          short=False)["percentile_95"]["geomean ratio"]
    loss_bar = kernel_ab.false_rejections(args.folder, [args.baseline, args.copy], processes, others,
                                          short=False)["percentile_5"]["lowest key-length ratio"]
    base = kernel_ab.summary(base_runs, changed)
    mine = kernel_ab.summary(kernel_ab.speedups(args.folder, args.candidate), changed)
    gain = mine["geomean"] / base["geomean"]
    lowest = min(mine["per_length"][L] / base["per_length"][L] for L in others)
    verdict = {"processes_a_side": processes, "changed_lengths": changed, "gain": gain, "gain_bar": gain_bar,
               "lowest_ratio_elsewhere": lowest, "loss_bar": loss_bar,
               "per_length": {L: mine["per_length"][L] / base["per_length"][L] for L in base["per_length"]},
               "chosen": gain > gain_bar and lowest >= loss_bar}
    print(json.dumps(verdict, indent=2))
    sys.exit(0 if verdict["chosen"] else 1)


if __name__ == "__main__":
    main()
