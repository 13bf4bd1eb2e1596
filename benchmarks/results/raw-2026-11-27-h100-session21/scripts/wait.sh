# Waits until the stages write /root/s21/ENDED or $1 seconds pass, then copies their files to $OUT.
set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && [[ ! -e /root/s21/ENDED ]]; do sleep 5; done
[[ -e /root/s21/ENDED ]] && echo "stages ended ($(date +%T))" || echo "still running at $(date +%T)"
cd /root/s21 && tar czf "$OUT/s21.tgz" --exclude=ENDED . 2>/dev/null
grep -v "^|" /root/s21/stage.log | tail -n 25 | cut -c1-300
for log in /root/s21/gpu*.log; do echo "== $log"; grep -v "^|" "$log" | tail -n 8 | cut -c1-300; done
true
