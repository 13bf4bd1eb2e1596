# Waits until the stages write /root/s19/ENDED or $1 seconds pass, then copies their files to $OUT.
set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && [[ ! -e /root/s19/ENDED ]]; do sleep 5; done
[[ -e /root/s19/ENDED ]] && echo "stages ended ($(date +%T))" || echo "still running at $(date +%T)"
cd /root/s19 && tar czf "$OUT/s19.tgz" --exclude=ENDED . 2>/dev/null
grep -v "^|" /root/s19/stage.log | tail -n 25 | cut -c1-300
true
