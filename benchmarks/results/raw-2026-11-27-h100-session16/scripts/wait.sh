# Waits until the stages write /root/s16/ENDED or $1 seconds pass, then copies their files to $OUT.
set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && [[ ! -e /root/s16/ENDED ]]; do sleep 5; done
[[ -e /root/s16/ENDED ]] && echo "stages ended ($(date +%T))" || echo "still running at $(date +%T)"
cd /root/s16 && tar czf "$OUT/s16.tgz" --exclude=ENDED . 2>/dev/null
grep -v "^|" /root/s16/stage.log | tail -n 25 | cut -c1-300
[[ -f /root/s16/r1/verdict.txt ]] && cat /root/s16/r1/verdict.txt
true
