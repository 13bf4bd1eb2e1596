"""Session 23's rule, fixed before the run: does lean_call.py replace best_program_cuda.py?

    python decide23.py HOOK_COST_TXT...   # benchmarks/hook_cost.py --dispatch outputs, one per process

The two programs launch the same kernels with the same arguments (same_launches.py: 80 of 80 cases),
so MLX's eval does the same work for both; what the change can move is the graph build, the Python
call. Rule: per (process, length), the lean call's build cost per call is below the shipped call's in
at least 13 of 15 comparisons (a one-sided sign test, p = 0.004) and the median saving is at least
0.1 us; and the lean call's dispatch is not dearer than the shipped call's in 13 or more of them (the
same work: a sign that something else differs). Writes decision23.json next to the first file and
prints it; exit code 0 if chosen.
"""

import json
import re
import sys
from pathlib import Path

import numpy as np

ROW = re.compile(r"^\s*(\d+\.\d+) L=(\d+)\s+(dispatch: )?(.+)$", re.M)
SHIPPED, LEAN = "best_program_cuda.py", "lean_call.py"
AT_LEAST, MIN_SAVING_US = 13, 0.1


def costs(text):
    """{(kind, program file name, L): us}"""
    return {("dispatch" if d else "build", Path(name.strip()).name, int(k_len)): float(us)
            for us, k_len, d, name in ROW.findall(text)}


def main():
    files = [Path(p) for p in sys.argv[1:]]
    runs = [costs(f.read_text()) for f in files]
    build_saving, dispatch_saving = [], []
    for run in runs:
        for kind, name, k_len in sorted(run):
            if kind == "build" and name == SHIPPED:
                build_saving.append(run[("build", SHIPPED, k_len)] - run[("build", LEAN, k_len)])
                dispatch_saving.append(run[("dispatch", SHIPPED, k_len)] - run[("dispatch", LEAN, k_len)])
    n = len(build_saving)
    checks = {
        f"build cheaper in at least {AT_LEAST} of {n}": sum(s > 0 for s in build_saving) >= AT_LEAST,
        f"median build saving at least {MIN_SAVING_US} us": float(np.median(build_saving)) >= MIN_SAVING_US,
        f"dispatch not dearer in {AT_LEAST} or more": sum(s < 0 for s in dispatch_saving) < AT_LEAST,
    }
    verdict = {"comparisons": n, "build_saving_us": [round(s, 3) for s in build_saving],
               "dispatch_saving_us": [round(s, 3) for s in dispatch_saving],
               "median_build_saving_us": float(np.median(build_saving)),
               "median_dispatch_saving_us": float(np.median(dispatch_saving)),
               "checks": checks, "chosen": n == 15 and all(checks.values())}
    (files[0].parent / "decision23.json").write_text(json.dumps(verdict, indent=2))
    print(json.dumps(verdict, indent=2))
    sys.exit(0 if verdict["chosen"] else 1)


if __name__ == "__main__":
    main()
