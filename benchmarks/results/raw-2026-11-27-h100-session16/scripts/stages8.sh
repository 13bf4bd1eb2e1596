# Session 16, round 8 (fixed before the run: benchmarks/results/2026-11-27-h100-session16.md).
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
V=runs/s16/r8u
OUT=$OUT bash benchmarks/gpu_session.sh images $V/u3.py $V/u3_text1.py $V/u3_text2.py
OUT=$OUT/g bash benchmarks/gpu_session.sh gputime 1024,4096,32768 $V/shipped_text1.py $V/u3.py $V/u3_text1.py
python3 - "$OUT/g/gputime.tgz" <<'PY'
import re, sys
import numpy as np
sys.path.insert(0, "runs/s16")
from verdict import csv_texts, kernel_times_us
times = {}
for name, text in csv_texts(sys.argv[1]):
    stem, L = re.fullmatch(r"(.+)\.L(\d+)\.ncu\.csv", name).groups()
    ours = [us for k, v in kernel_times_us(text).items() if "custom_kernel_qwen3" in k for us in v]
    times.setdefault(stem, {})[int(L)] = float(np.median(ours))
for stem, row in sorted(times.items()):
    print(stem, " ".join(f"L={L}: {us:.2f}" for L, us in sorted(row.items())))
PY
