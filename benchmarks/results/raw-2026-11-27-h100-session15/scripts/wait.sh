# Waits until the background stages end or $1 seconds pass, then copies their files to $OUT.
# Flawed as run (report, "Device time"): pgrep -f also matches a device call whose own command line
# names runs/s15/stages, so started and waited in one call it waits out its full time.
set -u
end=$((SECONDS + ${1:-560}))
while (( SECONDS < end )) && pgrep -f "runs/s15/stages" >/dev/null; do sleep 5; done
pgrep -f "runs/s15/stages" >/dev/null && echo "still running at $(date +%T)" || echo "stages ended at $(date +%T)"
cd /root/s15 && tar czf "$OUT/s15.tgz" . 2>/dev/null
for f in /root/s15/ab*.log; do [[ -f $f ]] && { echo "== $f"; tail -n 3 "$f" | cut -c1-200; }; done
for f in /root/s15/evaluate_*.log; do [[ -f $f ]] && { echo "== $f"; grep -E "eval_seconds|seconds|pair|trial|gate" "$f" | tail -n 8 | cut -c1-260; }; done
tail -n 12 /root/s15/stage.log | cut -c1-300
