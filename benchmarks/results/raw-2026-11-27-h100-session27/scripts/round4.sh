# Session 27, round 4 (fixed here, before it runs: the report's "Round 4"), one GPU, diagnostic. Without
# the cache flush, at L = 1: how much session 26's load order (loads_first) takes off the first loads'
# part and the whole kernel, and what it and round 1's one-row step take off together. Start with
# session 25's start.sh.
set -u
export PYTHONUNBUFFERED=1
OUT=${OUT:?}
R=benchmarks/results/raw-2026-11-27-h100-session27
LF=benchmarks/results/raw-2026-11-27-h100-session26/programs/loads_first.py
python3 $R/scripts/cuts.py best_program_cuda.py /tmp/cuts
python3 $R/scripts/cuts.py $LF /tmp/cuts lf_
# loads_first with round 1's change (programs/short_step.py's one edit)
python3 - $LF /tmp/cuts/loads_first_short_step.py <<'PY'
import sys
from pathlib import Path
step = "      attend_rows<UNROLL>(q, k_raw, v_raw, rows_left, s);\n"
short = ("      if (end - step <= HALF_WARPS)  // at most one row per half-warp (a short cache, or the last step)\n"
         "        attend_rows<1>(q, k_raw, v_raw, rows_left, s);\n      else\n  " + step)
source = Path(sys.argv[1]).read_text()
assert source.count(step) == 1
Path(sys.argv[2]).write_text(source.replace(step, short))
PY
md5sum best_program_cuda.py $LF /tmp/cuts/cut_loads.py /tmp/cuts/lf_cut_loads.py /tmp/cuts/loads_first_short_step.py
for program in best_program_cuda.py /tmp/cuts/cut_loads.py $LF /tmp/cuts/lf_cut_loads.py \
    /tmp/cuts/loads_first_short_step.py; do
  name=$(basename $program .py)
  echo "$(date +%T) $name"
  ncu --clock-control none --cache-control none --metrics gpu__time_duration.sum --csv --log-file $OUT/$name.ncu.csv \
      python3 kernel_benchmark.py --program $program --lengths 1 --no-prefill --repeats 3 --copy-mib 16 >/dev/null 2>&1
  python3 benchmarks/ncu_kernel_times.py $OUT/$name.ncu.csv | grep -E "qwen3_gqa|sdpav" | tee $OUT/$name.md
done
(cd $OUT && tar czf ncu_csv.tgz *.ncu.csv && rm *.ncu.csv)
echo "$(date +%T) ended"
