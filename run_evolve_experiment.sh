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
  --llm-server S         config (default: the endpoint of --api-base or the config) or local: start
                         mlx_lm.server on 127.0.0.1 for this run, with the model of --llm-model
  --llm-model M          the model the local server loads: a directory or a Hugging Face id
  --llm-server-args A    extra mlx_lm.server flags, split on spaces (e.g. "--temp 0.6")
  --llm-max-tokens N     the longest reply the LLM may write (overrides the config's llm.max_tokens)
  --llm-timeout S        seconds openevolve waits for one reply (overrides the config's llm.timeout)
  --model M              evaluator model: auto, synthetic, synthetic-tiny, a hub id or a directory
  --benchmarks B         evaluator benchmarks: quick, full or comma-separated names
  --foreground           run in this terminal (default: in the background, logging to run.log)
  --dry-run              set up, then print what would run, and stop
  -h, --help             this help

An API key (OPENAI_API_KEY, or GEMINI_API_KEY which is mapped to it) is needed only for an
endpoint that is not on this machine. Any OpenAI-compatible server works. A local mlx_lm.server,
started and stopped with the run (its log: <run dir>/llm_server.log):
  bash run_evolve_experiment.sh --llm-server local --llm-model mlx-community/Qwen3-8B-4bit
or one that is already running:
  bash run_evolve_experiment.sh --api-base http://127.0.0.1:8080/v1 --primary-model default_model
USAGE
}

export PYTHONUNBUFFERED=1
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

BACKEND="auto"; RUN_NAME=""; OUTPUT_BASE="$SCRIPT_DIR"; CONFIG=""; PYTHON=""
ITERATIONS=""; TARGET=""; LOG_LEVEL=""; CHECKPOINT=""; RESUME=0
API_BASE=""; PRIMARY=""; SECONDARY=""; EVAL_MODEL=""; EVAL_BENCHMARKS=""
FOREGROUND=0; DRY_RUN=0
LLM_SERVER="config"; LLM_MODEL=""; LLM_SERVER_ARGS=""; LLM_MAX_TOKENS=""; LLM_TIMEOUT=""
# How long a local mlx_lm.server may take to answer after it starts.
LLM_SERVER_WAIT_S="${LLM_SERVER_WAIT_S:-120}"

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
    --llm-server) need_value "$@"; LLM_SERVER="$2"; shift 2 ;;
    --llm-model) need_value "$@"; LLM_MODEL="$2"; shift 2 ;;
    --llm-server-args) need_value "$@"; LLM_SERVER_ARGS="$2"; shift 2 ;;
    --llm-max-tokens) need_value "$@"; LLM_MAX_TOKENS="$2"; shift 2 ;;
    --llm-timeout) need_value "$@"; LLM_TIMEOUT="$2"; shift 2 ;;
    --model) need_value "$@"; EVAL_MODEL="$2"; shift 2 ;;
    --benchmarks) need_value "$@"; EVAL_BENCHMARKS="$2"; shift 2 ;;
    --foreground) FOREGROUND=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$BACKEND" in auto|metal|cuda|mlx) ;; *) echo "error: --backend must be auto, metal, cuda or mlx" >&2; exit 2 ;; esac
case "$LLM_SERVER" in
  config)
    if [[ -n "$LLM_MODEL" || -n "$LLM_SERVER_ARGS" ]]; then
      echo "error: --llm-model and --llm-server-args are for --llm-server local; for another endpoint, name its model with --primary-model" >&2; exit 2
    fi ;;
  local)
    if [[ -z "$LLM_MODEL" ]]; then
      echo "error: --llm-server local needs --llm-model: a model directory or a Hugging Face id such as mlx-community/Qwen3-8B-4bit" >&2; exit 2
    fi
    if [[ -n "$API_BASE" ]]; then
      echo "error: --llm-server local starts its own endpoint; drop --api-base (or drop --llm-server local to use that endpoint)" >&2; exit 2
    fi
    if [[ -d "$LLM_MODEL" ]]; then
      LLM_MODEL="$(cd "$LLM_MODEL" && pwd)"
    elif [[ ! "$LLM_MODEL" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$ ]]; then
      echo "error: --llm-model $LLM_MODEL is neither a directory nor a Hugging Face id (owner/name)" >&2; exit 2
    fi ;;
  *)
    echo "error: --llm-server must be local (start mlx_lm.server here for this run) or config (the default: the endpoint of --api-base or of the config). For a server that is already running, pass its URL with --api-base." >&2
    exit 2 ;;
esac
need_count() { [[ -z "$2" || "$2" =~ ^[1-9][0-9]*$ ]] || { echo "error: $1 must be a positive whole number, not $2" >&2; exit 2; }; }
need_count --llm-max-tokens "$LLM_MAX_TOKENS"
need_count --llm-timeout "$LLM_TIMEOUT"
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
if [[ "$LLM_SERVER" == "local" ]]; then
  # A free port now; the server is started with the run (never by --dry-run).
  LLM_PORT=$("$PYTHON" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  SERVER_CMD=("$PYTHON" -m mlx_lm server --model "$LLM_MODEL" --host 127.0.0.1 --port "$LLM_PORT")
  if [[ -n "$LLM_SERVER_ARGS" ]]; then
    read -r -a EXTRA_SERVER_ARGS <<<"$LLM_SERVER_ARGS"
    SERVER_CMD+=("${EXTRA_SERVER_ARGS[@]}")
  fi
  API_BASE="http://127.0.0.1:$LLM_PORT/v1"
  # mlx_lm.server answers requests for "default_model" with the model it was started with.
  PRIMARY="${PRIMARY:-default_model}"
fi
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
  if [[ "$LLM_SERVER" == "local" ]]; then
    printf '[run_evolve_experiment] would start the LLM server (log: %s):' "$RUN_DIR/llm_server.log"
    printf ' %q' "${SERVER_CMD[@]}"; echo
  fi
  for m in "${MISSING[@]}"; do say "would stop: missing $m"; done
  printf '[run_evolve_experiment] would run:'; printf ' %q' "${CMD[@]}"; echo
  exit 0
fi

mkdir -p "$RUN_DIR"
# The run's own copy of the config carries the endpoint, model and reply-limit overrides:
# openevolve 0.4.1's --api-base flag alone does not reach the models it has already built from the
# config.
"$PYTHON" - "$CONFIG" "$RUN_DIR/config.yaml" "$API_BASE" "$PRIMARY" "$SECONDARY" "$LLM_SERVER" \
  "$LLM_MAX_TOKENS" "$LLM_TIMEOUT" <<'PY'
import sys, yaml
source, target, api_base, primary, secondary, llm_server, max_tokens, timeout = sys.argv[1:]
config = yaml.safe_load(open(source))
llm = config["llm"]
overrides = {"api_base": api_base, "primary_model": primary, "secondary_model": secondary}
llm.update({k: v for k, v in overrides.items() if v})
if llm_server == "local" and not secondary:
    # The local server holds one model: the config's second one is not there.
    llm.pop("secondary_model", None)
    llm.pop("secondary_model_weight", None)
limits = {k: int(v) for k, v in (("max_tokens", max_tokens), ("timeout", timeout)) if v}
llm.update(limits)
for model in (llm.get("models") or []) + (llm.get("evaluator_models") or []):
    model.update(limits)  # models listed one by one keep their own values otherwise
with open(target, "w") as f:
    f.write(f"# Copy of {source} used by this run (endpoint, model and reply-limit overrides applied).\n")
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

# The evaluator (a child of openevolve) appends one record per evaluation here.
export QWEN3_GQA_EVALUATION_LOG="$RUN_DIR/evaluations.jsonl"

# --- the run: the local LLM server (if any), openevolve, then a summary ---------------------------
# supervise() runs in this shell (--foreground) or in a background subshell; either way the LLM
# server it starts lives exactly as long as openevolve: it is stopped when openevolve ends, fails
# or is interrupted (INT or TERM are passed on to openevolve as TERM, its graceful shutdown).
SERVER_PID=""; OPENEVOLVE_PID=""; INTERRUPTED=""

on_signal() {
  INTERRUPTED="$1"
  if [[ -n "$OPENEVOLVE_PID" ]]; then kill -TERM "$OPENEVOLVE_PID" 2>/dev/null || true; fi
}

server_log_tail() {
  tail -n 20 "$RUN_DIR/llm_server.log" 2>/dev/null | sed 's/^/  | /' >&2 || true
}

start_llm_server() {
  printf '[run_evolve_experiment] starting the LLM server (log: %s):' "$RUN_DIR/llm_server.log"
  printf ' %q' "${SERVER_CMD[@]}"; echo
  "${SERVER_CMD[@]}" >>"$RUN_DIR/llm_server.log" 2>&1 </dev/null &
  SERVER_PID=$!
  echo "$SERVER_PID" >"$RUN_DIR/llm_server.pid"
  # /health, not /v1/models: mlx-lm 0.32's /v1/models handler raises (and logs a traceback) when
  # the Hugging Face cache directory does not exist, which is the usual case with a local model.
  local started=$SECONDS answer why=""
  while [[ -z "$INTERRUPTED" ]]; do
    answer=$("$PYTHON" - "http://127.0.0.1:$LLM_PORT/health" <<'PY' 2>/dev/null || true
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).status)
except urllib.error.HTTPError as error:
    print(error.code)
except OSError:
    pass
PY
)
    if [[ "$answer" == "200" ]]; then
      say "the LLM server (pid $SERVER_PID) answers on $API_BASE after $((SECONDS - started)) s; model id: $PRIMARY"
      return 0
    elif [[ "$answer" == "503" ]]; then
      why="answers, but its generation thread died (the model did not load?)"
    elif ! kill -0 "$SERVER_PID" 2>/dev/null; then
      why="exited before it answered"
    elif (( SECONDS - started >= LLM_SERVER_WAIT_S )); then
      why="did not answer on $API_BASE within $LLM_SERVER_WAIT_S s"
    fi
    if [[ -n "$why" ]]; then
      echo "error: the LLM server (pid $SERVER_PID) $why. The last lines of $RUN_DIR/llm_server.log:" >&2
      server_log_tail
      return 1
    fi
    sleep 1
  done
  return 1
}

stop_llm_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  local pid="$SERVER_PID" waited=0
  SERVER_PID=""
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "warning: the LLM server (pid $pid) had exited before the end of the run. The last lines of $RUN_DIR/llm_server.log:" >&2
    server_log_tail
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( waited < 50 )); do sleep 0.2; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  say "stopped the LLM server (pid $pid)"
}

summarise_llm_replies() {
  # openevolve's log of this session (each start writes a new one) says what became of each reply.
  local log
  log=$(ls -1t "$RUN_DIR"/logs/openevolve_*.log 2>/dev/null | head -n 1 || true)
  [[ -n "$log" && "$log" -nt "$RUN_DIR/run_info.json" ]] || return 0
  local iterations no_diff
  iterations=$(grep -cE 'Iteration [0-9]+( error|: Program | timed out)' "$log" || true)
  no_diff=$(grep -cE 'Iteration [0-9]+ error.*(No valid diffs found in response|None of the [0-9]+ SEARCH block|SEARCH/REPLACE delimiter|Diff did not change the parent program)' "$log" || true)
  if [[ "$iterations" -eq 0 ]]; then
    say "LLM replies: no iteration completed, see $log"
    return 0
  fi
  say "LLM replies: $no_diff of $iterations iterations produced no valid diff (no SEARCH/REPLACE block that applies to the program), see $log"
  if [[ "$no_diff" -eq "$iterations" ]]; then
    say "no reply of the LLM could be applied: it does not follow the SEARCH/REPLACE format (small or untuned models often do not)"
  fi
}

write_report() {
  [[ -f "$SCRIPT_DIR/evolution_report.py" ]] || return 0
  if ! "$PYTHON" "$SCRIPT_DIR/evolution_report.py" "$RUN_DIR"; then
    echo "warning: evolution_report.py failed on $RUN_DIR; the run's exit status is openevolve's" >&2
  fi
}

supervise() {
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM
  trap stop_llm_server EXIT
  local status=0
  if [[ "$LLM_SERVER" == "local" ]]; then start_llm_server || status=1; fi
  if [[ "$status" -eq 0 && -z "$INTERRUPTED" ]]; then
    "${CMD[@]}" </dev/null &
    OPENEVOLVE_PID=$!
    while :; do
      status=0
      wait "$OPENEVOLVE_PID" || status=$?
      # A trapped signal ends `wait` early (status > 128) while openevolve shuts down.
      if [[ "$status" -gt 128 ]] && kill -0 "$OPENEVOLVE_PID" 2>/dev/null; then continue; fi
      break
    done
    OPENEVOLVE_PID=""
  fi
  stop_llm_server
  summarise_llm_replies
  write_report
  case "$INTERRUPTED" in
    INT) say "interrupted (SIGINT)"; status=130 ;;
    TERM) say "terminated (SIGTERM)"; status=143 ;;
  esac
  return "$status"
}

cd "$SCRIPT_DIR"
if [[ "$FOREGROUND" -eq 1 ]]; then
  # tee ignores INT so that Ctrl-C leaves it to log openevolve's shutdown and the summary.
  status=0
  supervise > >(trap '' INT; exec tee -a "$RUN_DIR/run.log") 2>&1 || status=$?
  exit "$status"
fi
# In the background the subshell is the run: killing it (TERM) stops openevolve and the LLM server.
( trap '' HUP; status=0; supervise || status=$?; exit "$status" ) >>"$RUN_DIR/run.log" 2>&1 </dev/null &
echo $! >"$RUN_DIR/run.pid"
say "started in the background (pid $(cat "$RUN_DIR/run.pid"); kill it to stop the run); follow with: tail -f $RUN_DIR/run.log"
say "resume after an interruption with: bash run_evolve_experiment.sh --resume --output-base $OUTPUT_BASE"
