set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && pgrep -f arms.sh >/dev/null; do sleep 5; done
pgrep -f arms.sh >/dev/null && echo "still running at $(date +%T)" || echo "arms ended at $(date +%T)"
cd /root/s9 && tar czf "$OUT/arms.tgz" . && cat arms.log
