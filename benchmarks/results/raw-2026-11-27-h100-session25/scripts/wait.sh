# Waits until the stages write /root/s25/ENDED or $1 seconds pass, then copies their files to $OUT.
set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && [[ ! -e /root/s25/ENDED ]]; do sleep 5; done
[[ -e /root/s25/ENDED ]] && echo "stages ended ($(date +%T))" || echo "still running at $(date +%T)"
cd /root/s25 && tar czf "$OUT/s25.tgz" --exclude=ENDED . 2>/dev/null
grep -v "^|" /root/s25/stage.log | tail -n 25 | cut -c1-300
for log in /root/s25/gpu*.log; do echo "== $log"; grep -v "^|" "$log" | tail -n 8 | cut -c1-300; done
true
