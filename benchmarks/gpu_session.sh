#!/usr/bin/env bash
# The GPU measurements behind benchmarks/results/, one stage per device call (each under 10 min).
# Run from the repository root on the GPU machine, with MLX's CUDA build importable; results go
# to $OUT (default ./gpu_out).
#   stage kernels      card, kernel microbenchmarks (all lengths), a sweep of the best kernel's
#                      constants, and the correctness gates of every CUDA program
#   stage evaluate P   the evaluator on program P, quick subset (measures the ceiling once)
#   stage aa N         A/A: the baseline through the candidate path, N pairs, quick subset
#   stage full P N     program P against the baseline on the full subset, N pairs
set -uo pipefail
export PYTHONUNBUFFERED=1
export QWEN3_GQA_CACHE=${QWEN3_GQA_CACHE:-/root/qwen3-gqa-cache}
OUT=${OUT:-./gpu_out}
mkdir -p "$OUT"
PY=${PYTHON:-python3}
stage=${1:?stage}; shift

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/card_$stage.txt"
$PY qwen3_model.py synthetic >/dev/null

case "$stage" in
  kernels)
    $PY kernel_benchmark.py --program best_program_cuda.py --lengths all --json "$OUT/kernel_best.json"
    $PY benchmarks/kernel_variants.py best_program_cuda.py /tmp/variants \
        CLUSTER=8,WARPS=16,UNROLL=4,HEADS_PER_BLOCK=2 CLUSTER=8,WARPS=16,UNROLL=2,HEADS_PER_BLOCK=2 \
        CLUSTER=8,WARPS=8,UNROLL=8,HEADS_PER_BLOCK=2 CLUSTER=8,WARPS=8,UNROLL=4,HEADS_PER_BLOCK=2 \
        CLUSTER=8,WARPS=16,UNROLL=4,HEADS_PER_BLOCK=1 CLUSTER=4,WARPS=16,UNROLL=4,HEADS_PER_BLOCK=2 >/dev/null
    $PY kernel_benchmark.py $(for f in /tmp/variants/*.py; do echo --program "$f"; done) \
        --lengths 256,1024,4096,16384,32768 --no-prefill --repeats 15 --json "$OUT/kernel_sweep.json"
    $PY kernel_benchmark.py --program initial_program_cuda.py --json "$OUT/kernel_initial.json"
    for p in best_program_cuda.py initial_program_cuda.py benchmarks/ceiling_program_cuda.py; do
      $PY - "$p" <<'PY' 2>&1 | tee -a "$OUT/correctness.log"
import sys, tempfile, json
from pathlib import Path
import evaluator as ev
setup = ev.Setup(program=Path(sys.argv[1]).resolve(), python=sys.executable, device=ev.probe_device(sys.executable),
                 model_spec="synthetic", benchmarks=["micro_generation"], pairs=1, repeats=1, seed=12345,
                 workdir=Path(tempfile.mkdtemp()), log=print)
for gate in (ev.check_source, ev.check_compiles, ev.check_correctness):
    r = gate(setup)
    print(sys.argv[1], gate.__name__, "passed" if r.passed else "FAILED", r.detail[:1500])
    if "correctness_table" in r.artifacts: print(r.artifacts["correctness_table"])
    if not r.passed: break
PY
    done
    ;;
  evaluate)
    $PY evaluator.py "$1" --model synthetic --benchmarks quick --json "$OUT/evaluate_$(basename "$1" .py).json" 2>&1 | tee "$OUT/evaluate_$(basename "$1" .py).log"
    cp "$QWEN3_GQA_CACHE/ceilings.json" "$OUT/" 2>/dev/null
    ;;
  aa)
    $PY qwen3_benchmark_suite.py --subset quick --model synthetic --program benchmarks/sdpa_program.py \
        --allow-sdpa-decode --pairs "${1:-6}" --output "$OUT/aa" 2>&1 | tee "$OUT/aa.log"
    ;;
  full)
    $PY qwen3_benchmark_suite.py --subset full --model synthetic --program "$1" --pairs "${2:-2}" \
        --output "$OUT/full_$(basename "$1" .py)" 2>&1 | tee "$OUT/full_$(basename "$1" .py).log"
    ;;
  *) echo "unknown stage $stage" >&2; exit 2 ;;
esac
