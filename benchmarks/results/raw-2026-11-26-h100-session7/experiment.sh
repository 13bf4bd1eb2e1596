# Host cost of the kernel source: best_program_cuda.py (code in an included file, one-line source)
# against runs/hostcost/best_program_cuda_inline.py (the same code inline, compacted). Usage: experiment.sh PART
set -u
new=best_program_cuda.py old=runs/hostcost/best_program_cuda_inline.py
mkdir -p $OUT/ab
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee $OUT/ab/card_$1.txt
pairs() {  # pairs FIRST LAST: alternating processes, the order flipped every pair
  for i in $(seq $1 $2); do
    order="$old $new"; (( i % 2 == 0 )) && order="$new $old"
    for p in $order; do
      timeout 75 python3 kernel_benchmark.py --program $p --lengths 1,8,64,128,255,256,512,1024,4096,16384,32768 \
          --no-prefill --repeats 30 --copy-mib 1024 --json $OUT/ab/$(basename $p .py)_$i.json | tail -n 12 | sed "s|^|$i $(basename $p .py) |"
    done
  done
}
case $1 in
  a) pairs 1 3
     OUT=$OUT/ab timeout 150 bash benchmarks/gpu_session.sh gputime 1,128,32768 $new | tail -n 3 ;;
  b) OUT=$OUT/ab timeout 200 bash benchmarks/gpu_session.sh gates $new | grep -v "^|"
     pairs 4 5
     mkdir -p /tmp/inl && cp $old /tmp/inl/ && OUT=$OUT/ab timeout 80 bash benchmarks/gpu_session.sh gputime 32768 /tmp/inl/best_program_cuda_inline.py | tail -n 3 ;;
esac
cd $OUT && tar czf ab_$1.tgz ab && rm -rf ab
