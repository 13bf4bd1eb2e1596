# On the machine at hand: which of v0 / inline / v1 runs the 32K cluster kernel slow, and how does its memory
# traffic differ (L2 fabric between the two L2 partitions, DRAM, L2 hit rate)? One ncu process each, 10 launches.
set -u
mkdir -p $OUT/fabric
ncu --query-metrics --chip gh100 2>/dev/null | grep -i -E "fabric|^dram__bytes|^lts__t_sectors |^lts__t_sector_hit" >$OUT/fabric/metrics.txt
extra=$(awk '{print $1}' $OUT/fabric/metrics.txt | grep -E "^lts__t_sectors_srcunit_ltcfabric$|^lts__t_sectors_srcnode_ltcfabric$|^lts__t_sectors_dstunit_ltcfabric$|^dram__bytes_read$|^lts__t_sector_hit_rate$" | sed 's/$/.sum/; s/hit_rate.sum/hit_rate.pct/' | paste -sd,)
echo "metrics: $extra"
for i in 1 2; do
  for v in v0 inline v1_name; do
    p=runs/split32k/best_program_cuda_$v.py
    timeout 100 ncu --clock-control none -k regex:decode_cluster -s 30 -c 10 \
        --metrics gpu__time_duration.sum,sm__cycles_active.avg,sm__cycles_active.max${extra:+,$extra} \
        --csv --page raw --log-file $OUT/fabric/${v}_$i.csv \
        python3 kernel_benchmark.py --program $p --lengths 32768 --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
    python3 - $OUT/fabric/${v}_$i.csv $v $i <<'PY'
import csv, statistics, sys
rows = list(csv.reader(l for l in open(sys.argv[1]) if l.startswith('"')))
head, data = rows[0], rows[2:]
cols = [c for c in head if "__" in c]
print(sys.argv[3], sys.argv[2], {c: statistics.median(float(r[head.index(c)].replace(",", "")) for r in data) for c in cols})
PY
  done
done
cd $OUT && tar czf fabric.tgz fabric && rm -rf fabric
