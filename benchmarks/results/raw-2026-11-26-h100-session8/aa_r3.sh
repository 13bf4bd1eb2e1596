# A/A, lockstep, quick subset, each benchmark 3 times per process (--repeats 3), unpinned, with the host
# sampler; pairs until `timeout` stops it (each pair is saved as it ends). Usage: aa_r3.sh CALL SECONDS
set -u
call=$1; dir=$OUT/aa_r3; mkdir -p $dir
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $dir/card_$call.txt
python3 qwen3_model.py synthetic >/dev/null
python3 runs/aa_pin/host_sampler.py $dir/host_$call.csv & sampler=$!
timeout $2 python3 benchmarks/aa_trial_design.py --model synthetic --subset quick --pairs 20 --repeats 3 --design lockstep \
    --json $dir/aa_r3_$call.json >$dir/aa_r3_$call.log 2>&1
echo "rc=$? $(grep -c 'baseline trial' $dir/aa_r3_$call.log) pairs"; grep "trial" $dir/aa_r3_$call.log | tail -4
kill $sampler
cd $OUT && tar czf aa_r3_$call.tgz aa_r3 && rm -rf aa_r3
