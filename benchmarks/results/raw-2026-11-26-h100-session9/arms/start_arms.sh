set -u
rm -rf /root/repo && mkdir -p /root/repo /root/s9 && cp -r . /root/repo/ && rm -rf /root/repo/.whl
cd /root/repo
export PYTHONPATH=/root/site QWEN3_GQA_CACHE=/root/qcache OUT=/root/s9
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee /root/s9/card.txt
OUT=/root/s9 BUDGET_S=${BUDGET_S:-900} setsid nohup bash runs/s9/arms.sh >/root/s9/arms.log 2>&1 </dev/null &
echo "started arms; $(date +%T)"
