# Waits until the stages write /root/s17/ENDED or $1 seconds pass, then copies their files to $OUT.
set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && [[ ! -e /root/s17/ENDED ]]; do sleep 5; done
[[ -e /root/s17/ENDED ]] && echo "stages ended ($(date +%T))" || echo "still running at $(date +%T)"
cd /root/s17 && tar czf "$OUT/s17.tgz" --exclude=ENDED . 2>/dev/null
grep -v "^|" /root/s17/stage.log | tail -n 25 | cut -c1-300
true
