# Starts session 15's stages in their own process session (they outlive this call), from a private copy
# of the repository in /root/repo, their output in /root/s15. $1: the stage command line.
set -u
rm -rf /root/repo && mkdir -p /root/repo /root/s15 && cp -r . /root/repo/ && rm -rf /root/repo/.whl
cd /root/repo
export PYTHONPATH=/root/site QWEN3_GQA_CACHE=/root/qcache OUT=/root/s15
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee /root/s15/card.txt
python3 -c "import mlx.core as mx; print('mlx', mx.__version__)"
nproc; git log --oneline -1 2>/dev/null
setsid nohup bash -c "$1; echo \"stages ended \$(date +%T)\"" >/root/s15/stage.log 2>&1 </dev/null &
echo "started as $!; $(date +%T)"
