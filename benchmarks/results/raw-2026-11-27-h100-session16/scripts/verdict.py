"""Session 16, round 1's verdict (fixed before the run): the custom kernel's median GPU time of each text
of each program at each length, from gputime's Nsight Compute CSVs; "code" at a length where every
fused-merge text is faster than every shipped text (all 9 pairings).
    python runs/s16/verdict.py GPUTIME_DIR_OR_TGZ"""
import io
import re
import sys
import tarfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from ncu_kernel_times import kernel_times_us  # noqa: E402

LENGTHS = [1024, 4096, 32768]


def csv_texts(source):
    if str(source).endswith(".tgz"):
        with tarfile.open(source) as tar:
            for m in tar.getmembers():
                if m.name.endswith(".ncu.csv"):
                    yield Path(m.name).name, tar.extractfile(m).read().decode()
    else:
        for p in Path(source).glob("*.ncu.csv"):
            yield p.name, p.read_text()


def main(source):
    times = {}  # (program, text) -> {L: us}
    for name, text in csv_texts(source):
        stem, L = re.fullmatch(r"(.+)\.L(\d+)\.ncu\.csv", name).groups()
        program, _, variant = stem.partition("_text")
        ours = [us for k, v in kernel_times_us(text).items() if "custom_kernel_qwen3" in k for us in v]
        times.setdefault((program, variant or "0"), {})[int(L)] = float(np.median(ours)) if ours else float("nan")
    print("| program | text | " + " | ".join(f"L={L}" for L in LENGTHS) + " |")
    print("|---|---|" + "---|" * len(LENGTHS))
    for (program, text), row in sorted(times.items()):
        print(f"| {program} | {text} | " + " | ".join(f"{row.get(L, float('nan')):.2f}" for L in LENGTHS) + " |")
    for L in LENGTHS:
        shipped = [row[L] for (p, _), row in times.items() if p == "shipped" and L in row]
        fused = [row[L] for (p, _), row in times.items() if p == "fused_merge" and L in row]
        complete = len(shipped) == 3 and len(fused) == 3 and not np.isnan(shipped + fused).any()
        code = complete and max(fused) < min(shipped)
        print(f"L={L}: {'code' if code else 'not code' if complete else 'incomplete'} "
              f"(fused {min(fused, default=float('nan')):.2f}-{max(fused, default=float('nan')):.2f} us, "
              f"shipped {min(shipped, default=float('nan')):.2f}-{max(shipped, default=float('nan')):.2f} us)")


if __name__ == "__main__":
    main(sys.argv[1])
