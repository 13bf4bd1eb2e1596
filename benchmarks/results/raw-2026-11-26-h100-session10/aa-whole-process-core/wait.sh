# Waits until the background stages end or $1 seconds pass, then copies their files to $OUT.
set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && pgrep -f gpu_session.sh >/dev/null; do sleep 5; done
pgrep -f gpu_session.sh >/dev/null && echo "still running at $(date +%T)" || echo "stages ended at $(date +%T)"
cd /root/s10 && tar czf "$OUT/s10.tgz" --exclude='*.tgz' . 2>/dev/null
grep -c "candidate trial" /root/s10/stage.log
tail -n 25 /root/s10/stage.log
