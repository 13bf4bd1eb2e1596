#!/usr/bin/env bash
# The GPU measurements behind benchmarks/results/, one stage per device call (each under 10 min).
# Run from the repository root on the GPU machine, with MLX's CUDA build importable; results go to
# $OUT (default ./gpu_out). The picked program persists in $PICKED between stages and calls.
#   stage tune         sweep 1 1, then pick: the whole sweep and the pick on one GPU
#   stage sweep I N    part I of N of the sweep of best_program_cuda.py's constants (one process per
#                      variant: MLX's graph cache must not carry a kernel node from one program to
#                      another), each variant's result kept in $SWEEPS as soon as it is measured
#   stage pick         pick the constants from every result in $SWEEPS ($PICKED), kernel
#                      microbenchmarks of the picked program (all lengths), of $BEFORE and, with
#                      FLOOR=1, of the no-op kernel (the floor of any custom kernel call), each alone in
#                      its process, and the gates of the picked program
#   stage gates P      the evaluator's gates before timing (source, compiles, correctness, memcheck) on P;
#                      GATES="check_correctness" runs only the gates it names, in their order
#   stage images P..   the machine code each program's kernels run inside MLX: the images MLX loads in a
#                      kernel_benchmark.py process (L = 1, 256 and 32K: each decode path), recorded by
#                      benchmarks/loaded_images.c, with their local-memory loads and stores
#                      (register spills) counted by nvdisasm ($NVDISASM); $OUT/images.txt and images.tgz
#   stage evaluate P.. the evaluator on programs P.., quick subset, one evaluator in turn as an
#                      evolution's worker (the first evaluation also measures missing ceilings and
#                      discards a warm-up pair: the log's timestamps tell them apart); EVAL_ARGS adds
#                      evaluator options (--pairs 6)
#   stage tests        pytest -m gpu but the evolution, in three groups run side by side, one per GPU
#                      where the machine has several (each with its own cache: their timings are checks)
#   stage pytest EXPR  the GPU tests that `pytest -k EXPR` selects
#   stage evolution    the scripted evolution of tests/test_gpu.py, alone
#   stage aa N D       A/A: the baseline through the candidate path, N pairs of design D (lockstep or
#                      sequential), quick subset, every token interval kept (benchmarks/aa_trial_design.py);
#                      WARMUP_PAIRS=1 discards a first pair, as the evaluator does
#   stage full P N S   program P against the baseline on subset S (default full), N pairs of design
#                      $DESIGN (default lockstep, the evaluator's on a GPU; POOL=G: in pooled groups of G
#                      pairs, qwen3_benchmark_suite.summarize_pairs)
#   stage gputime LENGTHS SPEC..  per program (a path, or a variant of best_program_cuda.py such as
#                      WARPS=8,ONE_BLOCK_UNTIL=1073741824), each in its own process: kernel_benchmark.py at
#                      the decode LENGTHS (eval us: host and GPU), then the GPU time of each kernel alone
#                      under Nsight Compute (benchmarks/ncu_kernel_times.py); all in $OUT/gputime.tgz
#   stage ab N BASELINE CANDIDATE..   kernel A/B with session 14's rule fixed in advance: each program
#                      alone in its process, N processes each in rotating order (benchmarks/kernel_ab.py;
#                      AB_ARGS adds its options, e.g. --no-short, or --with-copy --key-lengths ... for
#                      bars from an A/A in the same rotation); results and decision.json in $OUT/ab
#   stage parallel "STAGE ARGS" ...   each stage on its own GPU at once, each with its own cache
#                      ($QWEN3_GQA_CACHE-gpuI) and output folder (gpuI in $OUT/parallel.tgz), for a
#                      machine of several GPUs; "STAGE ARGS + STAGE ARGS" runs two stages one after the
#                      other on one GPU; PART_TIMEOUT_S stops each of them, leaving time for the archive.
#                      Lockstep pairs of stages side by side keep to cores of their own, but still share
#                      the host: compare end-to-end figures only within a stage
# PIN_TRIALS=1 keeps every child process on the cores local to its GPU (QWEN3_GQA_CHILD_CPUS), a trial
# design to test against the host noise of benchmarks/results/2026-11-26-h100-session5.md, section 4.
# MONITOR=1 logs the GPU's clocks, power and use every 250 ms ($OUT/monitor_STAGE.csv) and the host's load
# every second ($OUT/load_STAGE.txt) while the stage runs, to tell GPU clocks from host noise.
set -uo pipefail
export PYTHONUNBUFFERED=1
export QWEN3_GQA_CACHE=${QWEN3_GQA_CACHE:-/root/qwen3-gqa-cache}
OUT=${OUT:-./gpu_out}
mkdir -p "$OUT" "$QWEN3_GQA_CACHE"
PY=${PYTHON:-python3}
PICKED=${PICKED:-/root/picked_program_cuda.py}
SWEEPS=${SWEEPS:-/root/sweeps}
stage=${1:?stage}; shift

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/card_$stage.txt"
if [[ -n "${PIN_TRIALS:-}" && "$stage" != parallel ]]; then
  bus=$(nvidia-smi --query-gpu=pci.bus_id --format=csv,noheader -i "${CUDA_VISIBLE_DEVICES:-0}" | tr 'A-F' 'a-f')
  QWEN3_GQA_CHILD_CPUS=$(cat "/sys/bus/pci/devices/${bus#0000}/local_cpulist") || exit 1
  export QWEN3_GQA_CHILD_CPUS
  echo "children keep to cores $QWEN3_GQA_CHILD_CPUS" | tee "$OUT/cpus_$stage.txt"
fi
if [[ -n "${MONITOR:-}" && "$stage" != parallel ]]; then
  nvidia-smi -i "${CUDA_VISIBLE_DEVICES:-0}" -lms 250 --format=csv \
      --query-gpu=timestamp,pstate,clocks.sm,clocks.mem,utilization.gpu,power.draw,temperature.gpu,clocks_event_reasons.active \
      >"$OUT/monitor_$stage.csv" &
  monitor=$!
  while sleep 1; do echo "$(date +%T) $(cut -d' ' -f1-4 /proc/loadavg)"; done >"$OUT/load_$stage.txt" &
  load=$!
  trap 'kill $monitor $load 2>/dev/null' EXIT
fi
$PY qwen3_model.py synthetic >/dev/null

case "$stage" in
  tune)
    rm -rf "$SWEEPS"
    bash "$0" sweep 1 1 && bash "$0" pick
    ;;
  sweep)
    part=${1:-1} parts=${2:-1}
    specs=()
    for base in "WARPS=8,UNROLL=4,HEADS_PER_BLOCK=2" "WARPS=16,UNROLL=4,HEADS_PER_BLOCK=2" \
                "WARPS=16,UNROLL=2,HEADS_PER_BLOCK=2" "WARPS=8,UNROLL=4,HEADS_PER_BLOCK=1" \
                "WARPS=16,UNROLL=4,HEADS_PER_BLOCK=1"; do
      # each decode path forced at every length (benchmarks/pick_kernel_settings.py PATHS); the
      # one-block path with each of its own block sizes (ONE_BLOCK_WARPS, which only it reads)
      for one_block_warps in 4 8 16; do
        specs+=("$base,ONE_BLOCK_WARPS=$one_block_warps,ONE_BLOCK_UNTIL=1073741824")
      done
      specs+=("$base,ONE_BLOCK_UNTIL=0,SPLIT_FROM=1073741824" "$base,ONE_BLOCK_UNTIL=0,SPLIT_FROM=1")
    done
    for base in "WARPS=8,UNROLL=4,HEADS_PER_BLOCK=2,BLOCKS_PER_SM=2" "WARPS=8,UNROLL=2,HEADS_PER_BLOCK=2,BLOCKS_PER_SM=2"; do
      specs+=("$base,ONE_BLOCK_UNTIL=0,SPLIT_FROM=1073741824" "$base,ONE_BLOCK_UNTIL=0,SPLIT_FROM=1")
    done
    mine=()
    for i in "${!specs[@]}"; do (( i % parts == part - 1 )) && mine+=("${specs[$i]}"); done
    variants=/tmp/variants-$part
    rm -rf "$variants" && mkdir -p "$SWEEPS"
    $PY benchmarks/kernel_variants.py best_program_cuda.py "$variants" "${mine[@]}" >/dev/null
    for f in "$variants"/*.py; do
      $PY kernel_benchmark.py --program "$f" --lengths 1,128,256,1024,4096,16384,32768 --no-prefill --repeats 15 \
          --json "${f%.py}.json" | tail -n 1
      $PY - "${f%.py}.json" >"$SWEEPS/$(basename "$f" .py).json" <<'PY'
import json, sys
sys.path.insert(0, "benchmarks")
from kernel_variants import variant_settings
result = json.load(open(sys.argv[1]))
print(json.dumps({"settings": variant_settings(result["program"]), **result}))
PY
      cp "$SWEEPS/$(basename "$f" .py).json" "$OUT/"  # kept if the stage is cut short
    done
    ;;
  pick)
    $PY -c 'import json, sys; print(json.dumps([json.load(open(f)) for f in sys.argv[1:]]))' "$SWEEPS"/*.json \
        >"$OUT/kernel_sweep.json"
    $PY benchmarks/pick_kernel_settings.py "$OUT/kernel_sweep.json" best_program_cuda.py "$PICKED" | tee "$OUT/picked.txt"
    for p in "$PICKED" ${BEFORE:-} ${FLOOR:+benchmarks/ceiling_program_cuda.py}; do
      $PY kernel_benchmark.py --program "$p" --lengths all --json "$OUT/kernel_all_$(basename "$p" .py).json" | tail -n 3
    done
    bash "$0" gates "$PICKED"
    ;;
  gates)
    $PY - "$1" <<'PY' 2>&1 | tee -a "$OUT/correctness.log"
import os, sys, tempfile
from pathlib import Path
import evaluator as ev
setup = ev.Setup(program=Path(sys.argv[1]).resolve(), python=sys.executable, device=ev.probe_device(sys.executable),
                 model_spec="synthetic", benchmarks=["micro_generation"], pairs=1, repeats=1, seed=12345,
                 workdir=Path(tempfile.mkdtemp()), log=print)
names = os.environ.get("GATES", "check_source check_compiles check_correctness check_memory_safety")
for gate in [getattr(ev, name) for name in names.split()]:
    r = gate(setup)
    print(sys.argv[1], gate.__name__, "passed" if r.passed else "FAILED", r.detail[:1500])
    if "correctness_table" in r.artifacts: print(r.artifacts["correctness_table"])
    if not r.passed: break
PY
    ;;
  images)
    # Compiles outside MLX never showed the spills that the same inputs get inside it (session 16).
    nvdisasm=${NVDISASM:-/usr/local/cuda/bin/nvdisasm}
    # without it every count would read 0, as if nothing spilled
    [[ -x "$nvdisasm" ]] || { echo "no nvdisasm at $nvdisasm: set NVDISASM" >&2; exit 1; }
    shim=/tmp/loaded_images.so dir="$OUT/images"
    ${CC:-cc} -O2 -shared -fPIC -o "$shim" benchmarks/loaded_images.c -ldl || exit 1
    for program in "$@"; do
      name=$(basename "$program" .py)
      mkdir -p "$dir/$name"
      LOADED_IMAGES_DIR="$dir/$name" LD_PRELOAD="$shim" $PY kernel_benchmark.py --program "$program" \
          --lengths 1,256,32768 --no-prefill --repeats 3 --copy-mib 16 >"$dir/$name/benchmark.log" 2>&1 ||
          echo "$name: kernel_benchmark.py failed, see $dir/$name/benchmark.log"
      for image in "$dir/$name"/image_*; do
        # the kernel's name from its mangled symbol, whose length prefix says where the name ends
        kernel=$($PY -c 'import re, sys; m = re.search(rb"cu(\d+)(custom_kernel_\w+)", open(sys.argv[1], "rb").read())
print(m.group(2)[:int(m.group(1))].decode() if m else "")' "$image")
        [[ -n "$kernel" ]] || { rm -f "$image"; continue; }  # MLX's own kernels
        echo "$name $kernel $(stat -c %s "$image") bytes, local loads/stores: $("$nvdisasm" -c "$image" | grep -c -E "LDL|STL")"
      done
    done | tee "$OUT/images.txt"
    (cd "$OUT" && tar czf images.tgz images && rm -rf images)
    ;;
  evaluate)
    programs=()
    for p in "$@"; do [[ "$p" == picked ]] && p="$PICKED"; programs+=("$p"); done
    name=$(basename "$1" .py)
    # shellcheck disable=SC2086  # EVAL_ARGS is words
    timeout "${EVAL_TIMEOUT_S:-580}" $PY evaluator.py "${programs[@]}" --model synthetic --benchmarks quick \
        ${EVAL_ARGS:-} --json "$OUT/evaluate_$name.json" 2>&1 | tee "$OUT/evaluate_$name.log" | tail -n 40
    cp "$QWEN3_GQA_CACHE/ceilings.json" "$OUT/" 2>/dev/null
    ;;
  tests)
    groups=("best_program_passes or ceiling_kernel" "correct_and_memory_safe or out_of_bounds"
            "never_finishes or unwritten")
    gpus=$(nvidia-smi -L | wc -l)
    for i in "${!groups[@]}"; do
      cache="$QWEN3_GQA_CACHE-tests-$i"
      rm -rf "$cache" && cp -r "$QWEN3_GQA_CACHE" "$cache"
      QWEN3_GQA_CACHE="$cache" CUDA_VISIBLE_DEVICES=$((i % gpus)) timeout "${TESTS_TIMEOUT_S:-560}" \
          $PY -m pytest -m gpu tests/test_gpu.py -s -rA \
          --durations=0 -k "${groups[$i]}" >"$OUT/pytest_gpu_$i.log" 2>&1 &
    done
    wait
    tail -n 25 "$OUT"/pytest_gpu_*.log
    ;;
  pytest)
    timeout "${TESTS_TIMEOUT_S:-560}" $PY -m pytest -m gpu tests/test_gpu.py -s -rA --durations=0 -k "$*" 2>&1 \
        | tee "$OUT/pytest_gpu.log" | tail -n 25
    ;;
  evolution)
    QWEN3_GQA_EVOLUTION_TIMEOUT_S=$((${TESTS_TIMEOUT_S:-560} - 40)) timeout "${TESTS_TIMEOUT_S:-560}" $PY -m pytest -m gpu tests/test_gpu.py -s -rA --durations=0 \
        -k scripted_evolution 2>&1 | tee "$OUT/pytest_gpu_evolution.log" | tail -n 25
    ;;
  aa)
    design="${2:-lockstep}"
    timeout "${AA_TIMEOUT_S:-560}" $PY benchmarks/aa_trial_design.py --model synthetic --subset quick --pairs "${1:-6}" \
        --warmup-pairs "${WARMUP_PAIRS:-0}" --design "$design" --json "$OUT/aa_$design.json" 2>&1 | tee "$OUT/aa_$design.log" | tail -n 20
    ;;
  full)
    program="$1"; [[ "$program" == picked ]] && program="$PICKED"
    $PY qwen3_benchmark_suite.py --subset "${3:-full}" --model synthetic --program "$program" --pairs "${2:-1}" --pool "${POOL:-1}" \
        --design "${DESIGN:-lockstep}" --warmup-pairs 0 --output "$OUT/full" 2>&1 | tee "$OUT/full.log" | tail -n 30
    ;;
  gputime)
    lengths=$1; shift
    dir="$OUT/gputime" && mkdir -p "$dir" /tmp/gputime
    for spec in "$@"; do
      program=$spec
      [[ "$spec" == *.py ]] || program=$($PY benchmarks/kernel_variants.py best_program_cuda.py /tmp/gputime "$spec")
      name=$(basename "$program" .py)
      $PY kernel_benchmark.py --program "$program" --lengths "$lengths" --no-prefill --repeats 30 --copy-mib 256 \
          --json "$dir/$name.json" | tail -n 1
      for L in ${lengths//,/ }; do  # one length per profile: the table is per kernel name
        ncu --clock-control none --metrics gpu__time_duration.sum --csv --log-file "$dir/$name.L$L.ncu.csv" \
            $PY kernel_benchmark.py --program "$program" --lengths "$L" --no-prefill --repeats 3 --copy-mib 16 \
            >/dev/null 2>&1
        $PY benchmarks/ncu_kernel_times.py "$dir/$name.L$L.ncu.csv" | tee -a "$dir/$name.gputime.md"
      done
    done
    (cd "$OUT" && tar czf gputime.tgz gputime && rm -rf gputime)
    ;;
  ab)
    processes=$1; shift
    # shellcheck disable=SC2086  # AB_ARGS is words
    $PY benchmarks/kernel_ab.py --out "$OUT/ab" --processes "$processes" ${AB_ARGS:-} "$@" | tee "$OUT/ab.txt" | tail -n 12
    ;;
  parallel)
    gpus=$(nvidia-smi -L | wc -l)
    i=0
    for spec in "$@"; do
      # kept between calls on a warm machine: the ceilings one call measured serve the next
      [[ -d "$QWEN3_GQA_CACHE-gpu$i" ]] || cp -r "$QWEN3_GQA_CACHE" "$QWEN3_GQA_CACHE-gpu$i"
      mkdir -p "$OUT/gpu$i"
      (
        export CUDA_VISIBLE_DEVICES=$((i % gpus)) QWEN3_GQA_CACHE="$QWEN3_GQA_CACHE-gpu$i" OUT="$OUT/gpu$i"
        IFS='+' read -ra parts <<<"$spec"
        # shellcheck disable=SC2086  # a part is a stage and its words
        for part in "${parts[@]}"; do timeout "${PART_TIMEOUT_S:-3000}" bash "$0" $part; done
      ) >"$OUT/gpu$i/stage.log" 2>&1 &
      i=$((i + 1))
    done
    wait
    for ((j = 0; j < i; j++)); do echo "=== gpu$j"; tail -n 12 "$OUT/gpu$j/stage.log"; done
    # one archive: the device tool returns only so many files from a call
    (cd "$OUT" && tar czf parallel.tgz gpu* && rm -rf gpu*)
    ;;
  *) echo "unknown stage $stage" >&2; exit 2 ;;
esac
