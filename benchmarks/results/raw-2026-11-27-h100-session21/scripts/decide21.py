"""Session 21's rule, fixed before the run: does relaxed_arrive.py replace best_program_cuda.py?

    python decide21.py OUT

Session 20 passed its first two checks (no spills inside MLX; less GPU time at L = 1024, 4096 and 32768:
raw-2026-11-27-h100-session20/round/decision20.json). The last is OUT/ab/decision.json, kernel_ab.py's
rule with --min-gain 1.00 --no-short: median geometric mean over L = 256-32K at least the shipped file's,
every key length at least 0.97 x. The lengths below 256 run the one-block kernel, which the candidate
does not change, so they are left out of the rule (measured all the same).
Writes OUT/decision21.json and prints it; exit code 0 if chosen.
"""

import json
import sys
from pathlib import Path

CANDIDATE = "relaxed_arrive"


def main():
    out = Path(sys.argv[1])
    ab = json.loads((out / "ab" / "decision.json").read_text())
    verdict = {"kernel_ab_checks": ab["checks"], "chosen": ab["chosen"] == CANDIDATE}
    (out / "decision21.json").write_text(json.dumps(verdict, indent=2))
    print(json.dumps(verdict, indent=2))
    sys.exit(0 if verdict["chosen"] else 1)


if __name__ == "__main__":
    main()
