"""Samples the trial children's threads (state, core, CPU ticks) 5x a second and every core's busy and
steal ticks once a second, to tell which core a slow turn ran on. Usage: host_sampler.py OUT.csv"""
import os
import sys
import time

out = open(sys.argv[1], "w", buffering=1)
out.write("t,kind,pid,side,tid,state,cpu,ticks\n")
last_ticks, last_stat, next_stat = {}, {}, 0.0
while True:
    now = time.monotonic()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
            if b"mlx_lm_generate_with_hook" not in cmd:
                continue
            side = "candidate" if b"--hook-program" in cmd else "baseline"
            for tid in os.listdir(f"/proc/{pid}/task"):
                rest = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
                ticks = int(rest[11]) + int(rest[12])
                delta = ticks - last_ticks.get(tid, ticks)
                last_ticks[tid] = ticks
                if delta or tid == pid:
                    out.write(f"{now:.2f},thread,{pid},{side},{tid},{rest[0]},{rest[36]},{delta}\n")
        except (OSError, IndexError):
            continue
    if now >= next_stat:
        next_stat = now + 1.0
        for line in open("/proc/stat"):
            if line.startswith("cpu") and line[3].isdigit():
                f = line.split()
                busy, steal = sum(map(int, f[1:4])) + int(f[6]) + int(f[7]), int(f[8])
                b0, s0 = last_stat.get(f[0], (busy, steal))
                last_stat[f[0]] = (busy, steal)
                out.write(f"{now:.2f},core,,,{f[0][3:]},,{busy - b0},{steal - s0}\n")
    time.sleep(max(0.0, 0.2 - (time.monotonic() - now)))
