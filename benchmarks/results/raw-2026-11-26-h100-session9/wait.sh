# Waits until the background stage ends or $1 seconds pass, then copies its files to $OUT.
set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && pgrep -f gpu_session.sh >/dev/null; do sleep 5; done
pgrep -f gpu_session.sh >/dev/null && echo "still running at $(date +%T)" || echo "stage ended at $(date +%T)"
cd /root/s9 && for f in *.json; do [[ -f $f ]] && gzip -c "$f" >"$OUT/$f.gz"; done
cp /root/s9/*.log /root/s9/*.txt "$OUT/" 2>/dev/null
[[ -f /root/s9/monitor_aa.csv ]] && gzip -c /root/s9/monitor_aa.csv >"$OUT/monitor_aa.csv.gz"
grep -c "candidate trial:" /root/s9/stage.log
tail -n 30 /root/s9/stage.log
