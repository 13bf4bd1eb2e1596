"""Per call at L = 32K, medians over a program's kernel_benchmark.py processes: copy GB/s, the program's
and SDPA's eval us, K+V TB/s.

    python per_call_32k.py RESULT.json [RESULT.json ...]
"""

import json
import sys

import numpy as np

rows = []
for path in sys.argv[1:]:
    result = json.load(open(path))
    result = result[0] if isinstance(result, list) else result
    row = next(r for r in result["rows"] if r["k_len"] == 32768 and r["q_len"] == 1)
    rows.append((result["copy_gb_per_s"], row["program"]["eval_us"], row["sdpa"]["eval_us"], row["kv_gb_per_s"] / 1e3))
    print(f"{path}: {result['device_name']}, % copy bandwidth {row['pct_copy_bandwidth']:.1f}")
copy, program, sdpa, tbps = np.median(np.array(rows), axis=0)
print(f"{len(rows)} processes, medians: copy {copy:.0f} GB/s, program {program:.1f} us, SDPA {sdpa:.1f} us, K+V {tbps:.2f} TB/s")
