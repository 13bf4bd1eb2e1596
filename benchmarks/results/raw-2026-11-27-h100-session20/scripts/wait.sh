# Waits until the stages write /root/s20/ENDED or $1 seconds pass, then copies their files to $OUT.
set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && [[ ! -e /root/s20/ENDED ]]; do sleep 5; done
[[ -e /root/s20/ENDED ]] && echo "stages ended ($(date +%T))" || echo "still running at $(date +%T)"
cd /root/s20 && tar czf "$OUT/s20.tgz" --exclude=ENDED . 2>/dev/null
grep -v "^|" /root/s20/stage.log | tail -n 25 | cut -c1-300
true
