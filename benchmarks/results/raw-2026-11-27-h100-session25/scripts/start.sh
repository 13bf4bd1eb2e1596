# Starts session 25's stages in their own process session (they outlive this call), from a private copy
# of the repository in /root/repo, their output in /root/s25. $1: the stage command line. The stages
# end by writing /root/s25/ENDED, which wait.sh watches (not pgrep: it matches the device call itself).
set -u
rm -rf /root/repo /root/s25 && mkdir -p /root/repo /root/s25 && cp -r . /root/repo/ && rm -rf /root/repo/.whl
cd /root/repo
export PYTHONPATH=/root/site:. QWEN3_GQA_CACHE=/root/qcache OUT=/root/s25
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee /root/s25/card.txt
python3 -c "import mlx.core as mx; print('mlx', mx.__version__)" | tee -a /root/s25/card.txt
nproc; git log --oneline -1 2>/dev/null
setsid nohup bash -c "$1; echo \"stages ended \$(date +%T)\"; touch /root/s25/ENDED" >/root/s25/stage.log 2>&1 </dev/null &
echo "started as $!; $(date +%T)"
