#!/usr/bin/env bash
# Runs an OpenEvolve evolution of the Qwen3 GQA attention kernel in its own output directory.
# On first use it creates .venv and installs what this machine needs (see usage below).
set -euo pipefail

usage() {
  cat <<'USAGE'
run_evolve_experiment.sh: evolve the Qwen3 GQA attention program with OpenEvolve.

Each run gets its own directory (<output-base>/<run-name>) holding a copy of the config, the
command, run.log and openevolve's output (checkpoints/, best/, logs/). Without --python the
script uses ./.venv, creating it on first use with requirements-cuda.txt on an NVIDIA machine and
requirements.txt elsewhere.

Usage: bash run_evolve_experiment.sh [options]

  --backend B            auto (default: what MLX sees), metal, cuda or mlx (plain MLX, any device)
  --run-name NAME        run directory name (default: openevolve_output_<backend>_<timestamp>)
  --output-base DIR      where run directories go (default: this directory)
  --config PATH          OpenEvolve config (default: per backend: config.yaml, config_cuda.yaml,
                         config_mlx.yaml)
  --python PATH          Python to use as is, no set-up (default: ./.venv/bin/python)
  -i, --iterations N     maximum iterations (openevolve -i)
  -t, --target-score S   stop once combined_score reaches S (openevolve -t)
  -l, --log-level LEVEL  DEBUG, INFO, WARNING, ERROR
  --checkpoint DIR       resume from this checkpoint directory
  --resume               resume the newest run under --output-base from its latest checkpoint
  --api-base URL         any OpenAI-compatible endpoint (default: the config's, Gemini)
  --primary-model NAME   override the config's primary model
  --secondary-model NAME override the config's secondary model
  --model M              evaluator model: auto, synthetic, synthetic-tiny, a hub id or a directory
  --benchmarks B         evaluator benchmarks: quick, full or comma-separated names
  --foreground           run in this terminal (default: in the background, logging to run.log)
  --dry-run              set up, then print what would run, and stop
  -h, --help             this help

An API key (OPENAI_API_KEY, or GEMINI_API_KEY which is mapped to it) is needed only for an
endpoint that is not on this machine. Any OpenAI-compatible server works, for instance a local
mlx_lm.server:
  python -m mlx_lm.server --model <model> --port 8080 &
  bash run_evolve_experiment.sh --api-base http://127.0.0.1:8080/v1 --primary-model <model>
USAGE
}

export PYTHONUNBUFFERED=1
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

BACKEND="auto"; RUN_NAME=""; OUTPUT_BASE="$SCRIPT_DIR"; CONFIG=""; PYTHON=""
ITERATIONS=""; TARGET=""; LOG_LEVEL=""; CHECKPOINT=""; RESUME=0
API_BASE=""; PRIMARY=""; SECONDARY=""; EVAL_MODEL=""; EVAL_BENCHMARKS=""
FOREGROUND=0; DRY_RUN=0

need_value() { [[ $# -ge 2 && -n "$2" ]] || { echo "error: $1 needs a value" >&2; exit 2; }; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --backend) need_value "$@"; BACKEND="$2"; shift 2 ;;
    --run-name) need_value "$@"; RUN_NAME="$2"; shift 2 ;;
    --output-base) need_value "$@"; OUTPUT_BASE="$2"; shift 2 ;;
    --config) need_value "$@"; CONFIG="$2"; shift 2 ;;
    --python) need_value "$@"; PYTHON="$2"; shift 2 ;;
    -i|--iterations) need_value "$@"; ITERATIONS="$2"; shift 2 ;;
    -t|--target-score) need_value "$@"; TARGET="$2"; shift 2 ;;
    -l|--log-level) need_value "$@"; LOG_LEVEL="$2"; shift 2 ;;
    --checkpoint) need_value "$@"; CHECKPOINT="$2"; shift 2 ;;
    --resume) RESUME=1; shift ;;
    --api-base) need_value "$@"; API_BASE="$2"; shift 2 ;;
    --primary-model) need_value "$@"; PRIMARY="$2"; shift 2 ;;
    --secondary-model) need_value "$@"; SECONDARY="$2"; shift 2 ;;
    --model) need_value "$@"; EVAL_MODEL="$2"; shift 2 ;;
    --benchmarks) need_value "$@"; EVAL_BENCHMARKS="$2"; shift 2 ;;
    --foreground) FOREGROUND=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$BACKEND" in auto|metal|cuda|mlx) ;; *) echo "error: --backend must be auto, metal, cuda or mlx" >&2; exit 2 ;; esac
say() { echo "[run_evolve_experiment] $*"; }

# --- set-up: the project's own requirements in ./.venv, once -----------------------------------
if [[ -z "$PYTHON" ]]; then
  PYTHON="$SCRIPT_DIR/.venv/bin/python"
  if [[ ! -x "$PYTHON" ]] || ! "$PYTHON" -c "import mlx.core, mlx_lm, openevolve" 2>/dev/null; then
    REQUIREMENTS="$SCRIPT_DIR/requirements.txt"
    if [[ "$(uname -s)" == "Linux" ]] && command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
      REQUIREMENTS="$SCRIPT_DIR/requirements-cuda.txt"
    fi
    say "setting up $SCRIPT_DIR/.venv with $(basename "$REQUIREMENTS") (once; log in .venv/setup.log)"
    python3 -m venv "$SCRIPT_DIR/.venv"
    if ! "$PYTHON" -m pip install -r "$REQUIREMENTS" >"$SCRIPT_DIR/.venv/setup.log" 2>&1; then
      tail -n 20 "$SCRIPT_DIR/.venv/setup.log" >&2
      echo "error: installing $(basename "$REQUIREMENTS") failed; see $SCRIPT_DIR/.venv/setup.log" >&2
      exit 1
    fi
  fi
fi
if ! "$PYTHON" -c "import mlx.core, mlx_lm, openevolve" 2>/dev/null; then
  echo "error: $PYTHON cannot import mlx, mlx_lm and openevolve (pip install -r requirements.txt)" >&2
  exit 1
fi

# --- resuming: the newest run, its latest checkpoint, its config and back-end -----------------------
if [[ "$RESUME" -eq 1 ]]; then
  LATEST=$(ls -1t "$OUTPUT_BASE"/*/run_info.json 2>/dev/null | head -n 1 || true)
  [[ -n "$LATEST" ]] || { echo "error: --resume found no run under $OUTPUT_BASE; start one first" >&2; exit 1; }
  RUN_DIR="$(dirname "$LATEST")"
  RUN_NAME="$(basename "$RUN_DIR")"
  CHECKPOINT=$(for d in "$RUN_DIR"/checkpoints/checkpoint_*; do [[ -d "$d" ]] && echo "${d##*checkpoint_} $d"; done \
               | sort -n | tail -n 1 | cut -d' ' -f2-)
  [[ -n "$CHECKPOINT" ]] || { echo "error: run $RUN_DIR has no checkpoint yet; start it again without --resume" >&2; exit 1; }
  CONFIG="$RUN_DIR/config.yaml"
  if [[ "$BACKEND" == "auto" ]]; then
    BACKEND=$("$PYTHON" -c "import json, sys; print(json.load(open(sys.argv[1]))['runs'][-1]['backend'])" "$LATEST")
  fi
  say "resuming $RUN_DIR from $(basename "$CHECKPOINT")"
fi

# --- what runs: back-end, program, config ------------------------------------------------------
DETECTED=$("$PYTHON" -c "import mlx.core as mx; print('metal' if mx.metal.is_available() else 'cuda' if mx.cuda.is_available() else 'cpu')")
MISSING=()
if [[ "$BACKEND" == "auto" ]]; then
  if [[ "$DETECTED" == "cpu" ]]; then
    MISSING+=("a GPU: MLX sees only the CPU here. Kernel evolution needs Apple silicon (metal) or an NVIDIA GPU with CUDA 13 (cuda). To try the loop on this CPU with the plain-MLX program, pass --backend mlx.")
  else
    BACKEND="$DETECTED"
  fi
elif [[ "$BACKEND" != "mlx" && "$BACKEND" != "$DETECTED" ]]; then
  MISSING+=("the $BACKEND back-end: MLX here runs on $DETECTED. Use --backend auto, or --backend mlx for the plain-MLX program.")
fi
case "$BACKEND" in
  metal) PROGRAM="initial_program.py"; DEFAULT_CONFIG="config.yaml" ;;
  cuda) PROGRAM="initial_program_cuda.py"; DEFAULT_CONFIG="config_cuda.yaml" ;;
  *) PROGRAM="initial_program_mlx.py"; DEFAULT_CONFIG="config_mlx.yaml" ;;
esac
CONFIG="${CONFIG:-$SCRIPT_DIR/$DEFAULT_CONFIG}"
[[ -f "$CONFIG" ]] || { echo "error: no config file $CONFIG" >&2; exit 2; }

# --- the LLM endpoint and its key --------------------------------------------------------------
ENDPOINT="${API_BASE:-$("$PYTHON" -c "import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))['llm']['api_base'])" "$CONFIG")}"
if [[ -z "${OPENAI_API_KEY:-}" && -n "${GEMINI_API_KEY:-}" ]]; then
  export OPENAI_API_KEY="$GEMINI_API_KEY"
fi
if [[ "$ENDPOINT" =~ ^https?://(127\.[0-9.]+|localhost|\[::1\])(:[0-9]+)?(/|$) ]]; then
  export OPENAI_API_KEY="${OPENAI_API_KEY:-local-endpoint-needs-no-key}"
elif [[ -z "${OPENAI_API_KEY:-}" ]]; then
  MISSING+=("an API key for $ENDPOINT: export OPENAI_API_KEY (or GEMINI_API_KEY). Or use any OpenAI-compatible endpoint with --api-base, for instance a local mlx_lm.server on http://127.0.0.1:8080/v1 (see --help).")
fi
if [[ ${#MISSING[@]} -gt 0 && "$DRY_RUN" -eq 0 ]]; then
  echo "Nothing was started. Missing:" >&2
  for m in "${MISSING[@]}"; do echo "  - $m" >&2; done
  exit 1
fi

# --- the run directory -------------------------------------------------------------------------
RUN_NAME="${RUN_NAME:-openevolve_output_${BACKEND}_$(date +%Y%m%d_%H%M%S)}"
RUN_DIR="$OUTPUT_BASE/$RUN_NAME"

EVALUATOR_ARGS=$("$PYTHON" - "$CONFIG" "$EVAL_MODEL" "$EVAL_BENCHMARKS" <<'PY'
import json, sys, yaml
args = dict(yaml.safe_load(open(sys.argv[1])).get("evaluator", {}).get("evaluator_args") or {})
if sys.argv[2]: args["model"] = sys.argv[2]
if sys.argv[3]: args["benchmarks"] = sys.argv[3]
print(json.dumps(args))
PY
)
CMD=("$PYTHON" -u -m openevolve.cli "$SCRIPT_DIR/$PROGRAM" "$SCRIPT_DIR/evaluator.py"
     -c "$RUN_DIR/config.yaml" -o "$RUN_DIR" --evaluator-args "$EVALUATOR_ARGS")
[[ -n "$ITERATIONS" ]] && CMD+=(-i "$ITERATIONS")
[[ -n "$TARGET" ]] && CMD+=(-t "$TARGET")
[[ -n "$LOG_LEVEL" ]] && CMD+=(-l "$LOG_LEVEL")
[[ -n "$CHECKPOINT" ]] && CMD+=(--checkpoint "$CHECKPOINT")

say "back-end: $BACKEND (MLX sees $DETECTED), program: $PROGRAM, config: $(basename "$CONFIG")"
say "evaluator: $EVALUATOR_ARGS, LLM endpoint: $ENDPOINT"
say "run directory: $RUN_DIR"
if [[ "$DRY_RUN" -eq 1 ]]; then
  for m in "${MISSING[@]}"; do say "would stop: missing $m"; done
  printf '[run_evolve_experiment] would run:'; printf ' %q' "${CMD[@]}"; echo
  exit 0
fi

mkdir -p "$RUN_DIR"
# The run's own copy of the config carries the endpoint and model overrides: openevolve 0.4.1's
# --api-base flag alone does not reach the models it has already built from the config.
"$PYTHON" - "$CONFIG" "$RUN_DIR/config.yaml" "$API_BASE" "$PRIMARY" "$SECONDARY" <<'PY'
import sys, yaml
source, target, api_base, primary, secondary = sys.argv[1:]
config = yaml.safe_load(open(source))
overrides = {"api_base": api_base, "primary_model": primary, "secondary_model": secondary}
config["llm"].update({k: v for k, v in overrides.items() if v})
with open(target, "w") as f:
    f.write(f"# Copy of {source} used by this run (endpoint and model overrides applied).\n")
    yaml.safe_dump(config, f, sort_keys=False, width=100)
PY
"$PYTHON" - "$RUN_DIR/run_info.json" "$BACKEND" "$PROGRAM" "$ENDPOINT" "$EVALUATOR_ARGS" "${CMD[@]}" <<'PY'
import json, sys, time
path, backend, program, endpoint, evaluator_args, *cmd = sys.argv[1:]
info = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "backend": backend, "program": program,
        "endpoint": endpoint, "evaluator_args": json.loads(evaluator_args), "command": cmd}
runs = json.load(open(path))["runs"] if __import__("os").path.exists(path) else []
json.dump({"runs": runs + [info]}, open(path, "w"), indent=2)
PY

cd "$SCRIPT_DIR"
if [[ "$FOREGROUND" -eq 1 ]]; then
  "${CMD[@]}" 2>&1 | tee -a "$RUN_DIR/run.log"
  exit "${PIPESTATUS[0]}"
fi
nohup "${CMD[@]}" >>"$RUN_DIR/run.log" 2>&1 &
echo $! >"$RUN_DIR/run.pid"
say "started in the background (pid $(cat "$RUN_DIR/run.pid")); follow with: tail -f $RUN_DIR/run.log"
say "resume after an interruption with: bash run_evolve_experiment.sh --resume --output-base $OUTPUT_BASE"
