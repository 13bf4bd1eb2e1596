# A/A, lockstep, quick subset: blocks of 2 pairs alternating unpinned (U) and children pinned to 4
# cores on distinct physical cores (P), in the order U P P U U P P U ..., with a host sampler.
# Usage: aa_pin.sh CALL (a tag for the output files); stops starting blocks after $BUDGET_S seconds.
set -u
call=$1; dir=$OUT/aa_pin; mkdir -p $dir
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $dir/card_$call.txt
lscpu -e=CPU,CORE,SOCKET,NODE,MAXMHZ >$dir/lscpu_$call.txt 2>&1; nproc >>$dir/lscpu_$call.txt
pin=$(python3 - <<'PY'
import glob, os
seen, cpus = set(), []
for cpu in sorted(os.sched_getaffinity(0)):
    if cpu < 2: continue
    try: core = open(f"/sys/devices/system/cpu/cpu{cpu}/topology/core_id").read().strip() + open(f"/sys/devices/system/cpu/cpu{cpu}/topology/physical_package_id").read().strip()
    except OSError: core = str(cpu)
    if core not in seen: seen.add(core); cpus.append(cpu)
print(",".join(map(str, cpus[:4])))
PY
)
echo "pinned set: $pin" | tee -a $dir/lscpu_$call.txt
python3 qwen3_model.py synthetic >/dev/null
python3 runs/aa_pin/host_sampler.py $dir/host_$call.csv & sampler=$!
trap 'kill $sampler' EXIT
start=$SECONDS; block=0
while (( SECONDS - start < ${BUDGET_S:-430} )); do
  case $(( block % 4 )) in 0|3) mode=U ;; *) mode=P ;; esac
  name=${call}_b${block}_$mode
  echo "[$(date +%T)] block $name"
  if [[ $mode == P ]]; then export QWEN3_GQA_CHILD_CPUS=$pin; else unset QWEN3_GQA_CHILD_CPUS; fi
  timeout 200 python3 benchmarks/aa_trial_design.py --model synthetic --subset quick --pairs 2 --design lockstep \
      --json $dir/aa_$name.json >$dir/aa_$name.log 2>&1
  echo "$(date +%T) rc=$? $(grep -c 'baseline trial' $dir/aa_$name.log) pairs" | tee -a $dir/blocks_$call.txt
  block=$((block + 1))
done
kill $sampler; trap - EXIT
cd $OUT && tar czf aa_pin_$call.tgz aa_pin && rm -rf aa_pin
