# Starts session 10's stages in their own process session (they outlive this call), from a private copy
# of the repository in /root/repo, their output in /root/s10.
set -u
rm -rf /root/repo && mkdir -p /root/repo /root/s10 && cp -r . /root/repo/ && rm -rf /root/repo/.whl
cd /root/repo
export PYTHONPATH=/root/site QWEN3_GQA_CACHE=/root/qcache OUT=/root/s10
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
python3 -c "import mlx.core as mx; print('mlx', mx.__version__)"
git log --oneline -1 2>/dev/null
setsid nohup bash -c 'WARMUP_PAIRS=1 AA_TIMEOUT_S=900 MONITOR=1 bash benchmarks/gpu_session.sh aa 12 lockstep;
  echo "aa ended $(date +%T)";
  EVAL_TIMEOUT_S=1000 EVAL_ARGS="--pairs 5" bash benchmarks/gpu_session.sh evaluate best_program_cuda.py;
  echo "evaluate ended $(date +%T)"' >/root/s10/stage.log 2>&1 </dev/null &
echo "started as $!; $(date +%T)"
