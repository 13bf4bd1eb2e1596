"""Session 24's rule, fixed before the run: does lean_args.py replace best_program_cuda.py?

    python decide24.py AB_DECISION_JSON HOOK_COST_TXT...   # kernel_ab.py's decision, then
                                                           # benchmarks/hook_cost.py --dispatch outputs

lean_args.py's kernels name two shape and stride arguments where the shipped file's name five; MLX
copies each into the kernel's parameters on every call. Rule: per (process, length), the lean
file's host cost per call (build + dispatch) is below the shipped file's in at least 15 of 20
comparisons (a one-sided sign test, p = 0.021) with a median saving of at least 0.2 us; and the
kernel A/B (kernel_ab.py --decide-only, min gain 0.99, per length 0.97, short slack 0.03) chose it.
The gates ran before this. Writes decision24.json next to the first hook-cost file and prints it;
exit code 0 if chosen.
"""

import json
import re
import sys
from pathlib import Path

import numpy as np

ROW = re.compile(r"^\s*(\d+\.\d+) L=(\d+)\s+(dispatch: )?(.+)$", re.M)
SHIPPED, LEAN = "best_program_cuda.py", "lean_args.py"
COMPARISONS, AT_LEAST, MIN_SAVING_US = 20, 15, 0.2


def costs(text):
    """{(kind, program file name, L): us}"""
    return {("dispatch" if d else "build", Path(name.strip()).name, int(k_len)): float(us)
            for us, k_len, d, name in ROW.findall(text)}


def main():
    ab = json.loads(Path(sys.argv[1]).read_text())
    files = [Path(p) for p in sys.argv[2:]]
    saving = []
    for run in map(costs, (f.read_text() for f in files)):
        for kind, name, k_len in sorted(run):
            if kind == "build" and name == SHIPPED:
                host = {p: run[("build", p, k_len)] + run[("dispatch", p, k_len)] for p in (SHIPPED, LEAN)}
                saving.append(host[SHIPPED] - host[LEAN])
    checks = {
        f"{COMPARISONS} comparisons": len(saving) == COMPARISONS,
        f"host cost lower in at least {AT_LEAST}": sum(s > 0 for s in saving) >= AT_LEAST,
        f"median saving at least {MIN_SAVING_US} us": float(np.median(saving)) >= MIN_SAVING_US,
        "kernel A/B chose it": ab["chosen"] == Path(LEAN).stem,
    }
    verdict = {"host_saving_us": [round(s, 3) for s in saving], "median_host_saving_us": float(np.median(saving)),
               "checks": checks, "chosen": all(checks.values())}
    (files[0].parent / "decision24.json").write_text(json.dumps(verdict, indent=2))
    print(json.dumps(verdict, indent=2))
    sys.exit(0 if verdict["chosen"] else 1)


if __name__ == "__main__":
    main()
