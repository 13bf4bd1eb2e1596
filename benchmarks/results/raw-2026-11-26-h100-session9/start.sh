# Starts a gpu_session.sh stage in its own process session (it outlives this call), from a private copy
# of the repository in /root/repo, its output in /root/s9. Usage: start.sh STAGE ARGS... (env passes on)
set -u
rm -rf /root/repo && mkdir -p /root/repo /root/s9 && cp -r . /root/repo/ && rm -rf /root/repo/.whl
cd /root/repo
export PYTHONPATH=/root/site QWEN3_GQA_CACHE=/root/qcache OUT=/root/s9
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
python3 -c "import mlx.core as mx; print('mlx', mx.__version__)"
setsid nohup bash benchmarks/gpu_session.sh "$@" >/root/s9/stage.log 2>&1 </dev/null &
echo "started $* as $!; $(date +%T)"
