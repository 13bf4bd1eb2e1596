# Waits until the stages write /root/s22/ENDED or $1 seconds pass, then copies their files to $OUT.
set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && [[ ! -e /root/s22/ENDED ]]; do sleep 5; done
[[ -e /root/s22/ENDED ]] && echo "stages ended ($(date +%T))" || echo "still running at $(date +%T)"
cd /root/s22 && tar czf "$OUT/s22.tgz" --exclude=ENDED . 2>/dev/null
grep -v "^|" /root/s22/stage.log | tail -n 25 | cut -c1-300
for log in /root/s22/gpu*.log; do echo "== $log"; grep -v "^|" "$log" | tail -n 8 | cut -c1-300; done
true
