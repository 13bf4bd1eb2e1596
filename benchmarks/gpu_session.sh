#!/usr/bin/env bash
# The GPU measurements behind benchmarks/results/, one stage per device call (each under 10 min).
# Run from the repository root on the GPU machine, with MLX's CUDA build importable; results go to
# $OUT (default ./gpu_out). The picked program persists in $QWEN3_GQA_CACHE between stages.
#   stage tune         sweep best_program_cuda.py's constants, pick them (picked_program_cuda.py),
#                      kernel microbenchmarks of the picked and the initial program (all lengths),
#                      and the correctness gates of every CUDA program
#   stage evaluate P   the evaluator on program P, quick subset, twice in one process (the first
#                      also measures the ceiling and discards a warm-up pair)
#   stage aa N         A/A: the baseline through the candidate path, N pairs, quick subset
#   stage full P N     program P against the baseline on the full subset, N pairs
set -uo pipefail
export PYTHONUNBUFFERED=1
export QWEN3_GQA_CACHE=${QWEN3_GQA_CACHE:-/root/qwen3-gqa-cache}
OUT=${OUT:-./gpu_out}
mkdir -p "$OUT" "$QWEN3_GQA_CACHE"
PY=${PYTHON:-python3}
PICKED="$QWEN3_GQA_CACHE/picked_program_cuda.py"
stage=${1:?stage}; shift

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/card_$stage.txt"
$PY qwen3_model.py synthetic >/dev/null

case "$stage" in
  tune)
    specs=()
    for wu in "WARPS=16,UNROLL=4" "WARPS=8,UNROLL=4" "WARPS=16,UNROLL=2" "WARPS=8,UNROLL=8"; do
      specs+=("$wu,SPLIT_FROM=1073741824" "$wu,SPLIT_FROM=1")
    done
    rm -rf /tmp/variants
    $PY benchmarks/kernel_variants.py best_program_cuda.py /tmp/variants "${specs[@]}" >/dev/null
    $PY kernel_benchmark.py $(for f in /tmp/variants/*.py; do echo --program "$f"; done) \
        --lengths 1,256,1024,2048,4096,8192,16384,32768 --no-prefill --repeats 15 --json "$OUT/kernel_sweep.json" | tail -n 8
    $PY benchmarks/pick_kernel_settings.py "$OUT/kernel_sweep.json" best_program_cuda.py "$PICKED" | tee "$OUT/picked.txt"
    $PY kernel_benchmark.py --program "$PICKED" --program initial_program_cuda.py --lengths all --json "$OUT/kernel_all.json" | tail -n 3
    for p in "$PICKED" initial_program_cuda.py benchmarks/ceiling_program_cuda.py; do
      $PY - "$p" <<'PY' 2>&1 | tee -a "$OUT/correctness.log"
import sys, tempfile
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
    program="$1"; [[ "$program" == picked ]] && program="$PICKED"
    name=$(basename "$program" .py)
    $PY - "$program" "$OUT/evaluate_$name.json" <<'PY' 2>&1 | tee "$OUT/evaluate_$name.log"
import json, sys, time
from evaluator import Qwen3GQAEvaluator
evaluator = Qwen3GQAEvaluator(model="synthetic", benchmarks="quick", verbose=True)
results = []
for attempt in range(2):
    start = time.monotonic()
    r = evaluator.evaluate(sys.argv[1])
    r["wall_s"] = time.monotonic() - start
    results.append(r)
    print(f"evaluation {attempt + 1}: {r['wall_s']:.0f} s: {r['summary']}")
    for name in ("kernel_table", "timing_table"):
        print(r["artifacts"].get(name, ""))
json.dump(results, open(sys.argv[2], "w"), indent=2, default=str)
PY
    cp "$QWEN3_GQA_CACHE/ceilings.json" "$OUT/" 2>/dev/null
    ;;
  aa)
    $PY qwen3_benchmark_suite.py --subset quick --model synthetic --program benchmarks/sdpa_program.py \
        --allow-sdpa-decode --pairs "${1:-6}" --warmup-pairs 0 --output "$OUT/aa" 2>&1 | tee "$OUT/aa.log" | tail -n 12
    ;;
  full)
    program="$1"; [[ "$program" == picked ]] && program="$PICKED"
    $PY qwen3_benchmark_suite.py --subset "${3:-full}" --model synthetic --program "$program" --pairs "${2:-1}" \
        --warmup-pairs 0 --output "$OUT/full" 2>&1 | tee "$OUT/full.log" | tail -n 30
    ;;
  *) echo "unknown stage $stage" >&2; exit 2 ;;
esac
