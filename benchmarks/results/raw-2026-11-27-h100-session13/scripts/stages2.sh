# Session 13, section 3 (fixed in advance): a second validation of the shipped program.
set -u
python3 qwen3_model.py synthetic >/dev/null
echo "validation start $(date +%T)"; md5sum best_program_cuda.py
MONITOR=1 EVAL_ARGS="--pairs 8" EVAL_TIMEOUT_S=1260 bash benchmarks/gpu_session.sh evaluate best_program_cuda.py
echo "validation end $(date +%T)"
