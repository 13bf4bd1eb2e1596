#!/bin/bash
# usage: regscan.sh program.py N...  -> registers and spills of each kernel compiled with __maxnreg__(N)
prog=$1; shift
for n in "$@"; do
  t=/tmp/regscan_$(basename $prog .py)_$n.py
  sed "s/__launch_bounds__({32 \* warps}, {BLOCKS_PER_SM})/__maxnreg__($n)/" $prog > $t
  grep -q "__maxnreg__($n)" $t || { echo "no launch bounds to replace"; exit 1; }
  echo "== $n $(python kernel_compile_check.py $t 2>&1 | grep -o "kernel [a-z0-9_]*: [A-Za-z]* {'registers': [0-9]*, 'spill_store_bytes': [0-9]*" | sed 's/qwen3_gqa_decode_//;s/.registers.:/r/;s/.spill_store_bytes.:/spill/' | tr '\n' ' ')"
done
