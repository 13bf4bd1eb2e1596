# Slow or fast state of the 32K cluster kernel: where do its warps wait? (WarpStateStats: "no instruction"
# would point at instruction fetch, "long scoreboard" at memory.) v0 and inline, 2 processes each, 10 launches.
set -u
mkdir -p $OUT/stalls
for i in 1 2; do
  for v in v0 inline; do
    p=runs/split32k/best_program_cuda_$v.py
    timeout 110 ncu --clock-control none -k regex:decode_cluster -s 30 -c 10 --section WarpStateStats \
        --metrics gpu__time_duration.sum,lts__t_sectors_srcunit_ltcfabric.sum,lts__t_sector_hit_rate.pct \
        --csv --page raw --log-file $OUT/stalls/${v}_$i.csv \
        python3 kernel_benchmark.py --program $p --lengths 32768 --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
    python3 - $OUT/stalls/${v}_$i.csv $v $i <<'PY'
import csv, statistics, sys
rows = list(csv.reader(l for l in open(sys.argv[1]) if l.startswith('"')))
head, data = rows[0], rows[2:]
def med(c):
    v = [float(r[head.index(c)].replace(",", "")) for r in data if r[head.index(c)].replace(",", "").replace(".", "").isdigit()]
    return round(statistics.median(v), 2) if v else None
keys = [c for c in head if c.startswith("gpu__time") or "ltcfabric" in c or "hit_rate" in c or "stalled" in c and c.endswith("ratio")]
vals = {c: med(c) for c in keys}
print(sys.argv[3], sys.argv[2], {c.replace("smsp__average_warps_issue_stalled_", "").replace("_per_issue_active.ratio", ""): v
                                 for c, v in vals.items() if v})
PY
  done
done
cd $OUT && tar czf stalls.tgz stalls && rm -rf stalls
