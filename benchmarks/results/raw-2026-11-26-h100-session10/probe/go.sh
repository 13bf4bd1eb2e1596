# Session 10 probe on the GPU machine, from the repository root (it ran as runs/s10/go.sh); all in $OUT/p10.tgz.
set -u
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$OUT/card.txt"
lscpu > "$OUT/lscpu.txt"
python3 qwen3_model.py synthetic >/dev/null
echo "model ready $(date +%T)"
timeout "$1" python3 "$(dirname "$0")/probe.py" /root/p10 "$(( $1 - 15 ))" 2>&1 | tee "$OUT/probe.log"
tar czf "$OUT/p10.tgz" -C /root p10
