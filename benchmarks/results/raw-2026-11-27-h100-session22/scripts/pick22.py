"""Session 22's pick, fixed before the run: from which length on does the per-head cluster kernel run?

    python pick22.py ROUND1_AB_FOLDER OUT_PROGRAM [SOURCE_PROGRAM [CONSTANT]]

From round 1's kernel A/B (3 processes each of best_program_cuda.py and head_split_all.py, whose
per-head kernel runs at every length from 512), PER_HEAD_FROM is the shortest cluster length from which
head_split_all's median speedup over SDPA is at least the shipped file's at that length and every
longer one. Writes head_split_all.py (or SOURCE_PROGRAM: rounds 3 and 5) with that PER_HEAD_FROM (or
CONSTANT: PAIR_FROM in round 5) to OUT_PROGRAM and prints it; exit code 1 (no program written) where no
such length exists, not even 32K.
"""

import json
import sys
from pathlib import Path

import numpy as np

CLUSTER_LENGTHS = [512, 1024, 2048, 4096, 8192, 16384, 32768]  # the lengths the cluster kernels run
PROGRAM = Path(__file__).resolve().parent.parent / "programs" / "head_split_all.py"


def medians(folder: Path, name):
    runs = [json.loads(f.read_text()) for f in sorted(folder.glob(f"{name}_*.json"))]
    rows = [{r["k_len"]: r["speedup"] for r in (run[0] if isinstance(run, list) else run)["rows"]} for run in runs]
    return {L: float(np.median([r[L] for r in rows])) for L in CLUSTER_LENGTHS}, len(rows)


def main():
    folder, out_program = Path(sys.argv[1]), Path(sys.argv[2])
    program = Path(sys.argv[3]) if len(sys.argv) > 3 else PROGRAM
    shipped, n_shipped = medians(folder, "best_program_cuda")
    per_head, n_per_head = medians(folder, program.stem)
    wins = [per_head[L] >= shipped[L] for L in CLUSTER_LENGTHS]
    start = next((i for i in range(len(wins)) if all(wins[i:])), None)
    pick = {"processes": {"best_program_cuda": n_shipped, program.stem: n_per_head},
            "median_speedup": {L: {"shipped": shipped[L], program.stem: per_head[L]} for L in CLUSTER_LENGTHS},
            "per_head_from": CLUSTER_LENGTHS[start] if start is not None else None}
    print(json.dumps(pick, indent=2))
    (out_program.parent / "pick22.json").write_text(json.dumps(pick, indent=2))
    if start is None:
        sys.exit(1)
    text = program.read_text()
    constant = sys.argv[4] if len(sys.argv) > 4 else "PER_HEAD_FROM"
    old = f"{constant} = 512 "
    assert text.count(old) == 1
    out_program.write_text(text.replace(old, f"{constant} = {CLUSTER_LENGTHS[start]} "))


if __name__ == "__main__":
    main()
