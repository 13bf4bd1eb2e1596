"""Session 19, round 1: where the cluster kernel's warps stall at 1K, from Nsight Compute's source page.

    python stalls19.py ../round1/profile/cl_source.csv.gz

(`ncu -i cl.ncu-rep --page source --csv --print-source sass`, scripts/profile.sh.) The SASS is cut
into parts at landmarks, in address order: the first 16-byte load starts the main loop, the first
shuffle across half-warps (offset 16) the merges, the first block barrier the merge between warps, the
cluster wait the exchange, and the L1 invalidation after it the last merge and the output. Prints each
part's share of the warp stall samples, then the instructions with the most samples.
"""

import csv
import gzip
import io
import sys

SAMPLES = "Warp Stall Sampling (All Samples)"


def instructions(path):
    text = gzip.open(path, "rt").read()
    kernel = text.split('"Kernel Name"')[1]  # the first profiled kernel: the cluster kernel
    rows = list(csv.reader(io.StringIO("\n".join(kernel.splitlines()[1:]))))
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:] if len(r) == len(header)]


def main():
    data = instructions(sys.argv[1])
    part, samples, order = "start: constants, cluster arrive, q", {}, []
    seen_exchange = 0.0
    for d in data:
        sass, n = d["Source"], float(d[SAMPLES] or 0)
        if "LDG.E.128" in sass and part.startswith("start"):
            part = "main loop"
        elif "SHFL.BFLY" in sass and "0x10, 0x1f" in sass and part == "main loop":
            part = "half-warp merge"
        elif "BAR.SYNC" in sass and part == "half-warp merge":
            part = "warp merge"
        elif "UCGABAR_WAIT" in sass and part == "warp merge":
            part = "cluster exchange"
        elif "CCTL.IVALL" in sass and part == "cluster exchange" and seen_exchange > 20:
            part = "last merge and output"
        if part == "cluster exchange":
            seen_exchange += n
        samples[part] = samples.get(part, 0.0) + n
        if part not in order:
            order.append(part)
    total = sum(samples.values())
    print(f"{total:.0f} samples")
    for p in order:
        print(f"{p:40s} {samples[p]:5.0f}  {100 * samples[p] / total:4.1f} %")
    print()
    for d in sorted(data, key=lambda d: -float(d[SAMPLES] or 0))[:12]:
        print(f"{float(d[SAMPLES] or 0):5.0f}  {d['Source'][:70]}")


if __name__ == "__main__":
    main()
