"""Session 22's rule, fixed before the run: does head_split.py replace best_program_cuda.py?

    python decide22.py OUT [CANDIDATE]   # CANDIDATE: the program's stem, head_split unless given

OUT/ab/decision.json is kernel_ab.py's rule with --min-gain 1.00 --no-short (10 processes each): median
geometric mean over L = 256-32K at least the shipped file's, every key length at least 0.97 x. The
candidate must also be at least 1.02 x the shipped file's median speedup at 32K, the length whose
bandwidth target it is for. The lengths below 256 run the one-block kernel, which the candidate does
not change: left out of the rule (measured all the same). The gates (correctness, memcheck) and the
spill count ran on head_split_all.py in round 1, whose per-head kernel serves every cluster length.
Writes OUT/decision22.json and prints it; exit code 0 if chosen.
"""

import json
import sys
from pathlib import Path

CANDIDATE = "head_split"
GAIN_AT_32K = 1.02


def main():
    out = Path(sys.argv[1])
    candidate = sys.argv[2] if len(sys.argv) > 2 else CANDIDATE
    ab = json.loads((out / "ab" / "decision.json").read_text())
    at_32k = {"shipped": ab["baseline"]["per_length"]["32768"],
              candidate: ab["candidates"].get(candidate, {}).get("per_length", {}).get("32768")}
    checks = dict(ab["checks"])
    checks[f"median speedup at 32K >= {GAIN_AT_32K} x the shipped file's"] = (
        at_32k[candidate] is not None and at_32k[candidate] >= GAIN_AT_32K * at_32k["shipped"])
    verdict = {"median_speedup_32k": at_32k, "checks": checks,
               "chosen": ab["chosen"] == candidate and all(checks.values())}
    (out / "decision22.json").write_text(json.dumps(verdict, indent=2))
    print(json.dumps(verdict, indent=2))
    sys.exit(0 if verdict["chosen"] else 1)


if __name__ == "__main__":
    main()
