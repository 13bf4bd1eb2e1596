"""Session 16, round 5's parity check (fixed before the run): custom-kernel median GPU time per text and
length from gputime's Nsight Compute CSVs; "parity: pass" if every w8u8 text is within 1 % of
shipped_text1 at every length and faster than shipped at 32K.
    python runs/s16/parity.py GPUTIME_TGZ"""
import re, sys
import numpy as np
sys.path.insert(0, "runs/s16")
from verdict import csv_texts, kernel_times_us

LENGTHS = [1024, 4096, 32768]
times = {}
for name, text in csv_texts(sys.argv[1]):
    stem, L = re.fullmatch(r"(.+)\.L(\d+)\.ncu\.csv", name).groups()
    ours = [us for k, v in kernel_times_us(text).items() if "custom_kernel_qwen3" in k for us in v]
    times.setdefault(stem, {})[int(L)] = float(np.median(ours)) if ours else float("nan")
for stem, row in sorted(times.items()):
    print(stem, " ".join(f"L={L}: {row.get(L, float('nan')):.2f}" for L in LENGTHS))
w8 = [s for s in times if s.startswith("w8u8")]
ok = len(w8) == 2 and all(L in times[s] for s in w8 + ["shipped", "shipped_text1"] for L in LENGTHS)
ok = ok and all(times[s][L] <= 1.01 * times["shipped_text1"][L] for s in w8 for L in LENGTHS)
ok = ok and all(times[s][32768] < times["shipped"][32768] for s in w8)
print("parity:", "pass" if ok else "fail")
