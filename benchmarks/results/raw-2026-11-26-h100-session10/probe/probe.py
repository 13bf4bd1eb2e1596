"""Session 10 probe: what differs between the host's slow and fast decode states.
Phase 1: a pure-Python chunk timer pinned to each core in turn (is the host itself bimodal?).
Phase 2: fresh baseline trials (long_generation, --repeats R) in turn under several child environments;
per child, token times (parent clock) and a 5 Hz sampler of the child's /proc (utime/stime, faults,
context switches, migrations, core of every thread, THP state) plus perf stat if present.
Usage (from the repository root): probe.py OUT_DIR DEADLINE_S"""
import json
import os
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.getcwd())
from qwen3_benchmark_suite import AA_RULES, Child, parse_markers, select_benchmarks, trial_command
from qwen3_model import resolve_model

out, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
os.makedirs(out, exist_ok=True)
REPEATS = int(os.environ.get("REPEATS", "3"))
THP_OFF = "import ctypes,os,sys; ctypes.CDLL(None).prctl(41,1,0,0,0); os.execv(sys.argv[1], sys.argv[1:])"
ARMS = {
    "default": ({}, False),
    "thp_off": ({}, True),
    "malloc_hugetlb": ({"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1", "PYTHONMALLOC": "malloc"}, False),
}
arm_names = os.environ.get("ARMS", ",".join(ARMS)).split(",")


def log(m):
    print(f"[{time.strftime('%H:%M:%S')}] {m}", flush=True)


def cpu_probe():
    res = {}
    work = lambda: sum(range(20000))
    for cpu in sorted(os.sched_getaffinity(0)):
        os.sched_setaffinity(0, {cpu})
        end, ts = time.perf_counter() + 1.5, []
        while time.perf_counter() < end:
            t0 = time.perf_counter(); [work() for _ in range(4)]; ts.append(time.perf_counter() - t0)
        res[cpu] = ts
    os.sched_setaffinity(0, set(range(os.cpu_count())))
    return res


def read(path):
    try:
        return open(path).read()
    except OSError:
        return ""


def sample(pid, stop, rows):
    n = 0
    while not stop.is_set():
        now = time.monotonic()
        st = read(f"/proc/{pid}/stat").rsplit(")", 1)[-1].split()
        if not st:
            break
        status = dict(l.split(":", 1) for l in read(f"/proc/{pid}/status").splitlines() if ":" in l)
        sched = {l.split(":")[0].strip(): l.split(":")[1].strip() for l in read(f"/proc/{pid}/sched").splitlines()[2:] if ":" in l}
        threads = {}
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                ts = read(f"/proc/{pid}/task/{tid}/stat").rsplit(")", 1)[-1].split()
                if ts:
                    threads[tid] = (ts[0], int(ts[36]), int(ts[11]), int(ts[12]))
        except OSError:
            pass
        row = {"t": now, "state": st[0], "minflt": int(st[7]), "majflt": int(st[9]), "utime": int(st[11]),
               "stime": int(st[12]), "cpu": int(st[36]), "vcsw": int(status.get("voluntary_ctxt_switches", 0)),
               "ivcsw": int(status.get("nonvoluntary_ctxt_switches", 0)),
               "migr": sched.get("se.nr_migrations"), "threads": threads,
               "proc_stat": [l for l in read("/proc/stat").splitlines() if l.startswith("cpu")]}
        if n % 5 == 0:
            row["smaps"] = {l.split(":")[0]: l.split(":")[1].strip() for l in read(f"/proc/{pid}/smaps_rollup").splitlines()[1:]}
            row["vmstat"] = {l.split()[0]: int(l.split()[1]) for l in read("/proc/vmstat").splitlines()
                             if l.startswith(("thp_", "compact_", "pgfault", "numa_"))}
        rows.append(row)
        n += 1
        time.sleep(max(0.0, 0.2 - (time.monotonic() - now)))


def run_child(arm, index, model_path):
    env_extra, thp_off = ARMS[arm]
    cmd = trial_command(sys.executable, model_path, select_benchmarks(os.environ.get("BENCH", "long_generation")), None, REPEATS, AA_RULES)
    if thp_off:
        cmd = [sys.executable, "-c", THP_OFF] + cmd
    child = Child(cmd, 300, env=dict(os.environ, **env_extra))
    stop, rows = threading.Event(), []
    sampler = threading.Thread(target=sample, args=(child.proc.pid, stop, rows), daemon=True)
    sampler.start()
    perf = None
    if shutil.which("perf"):
        perf = subprocess.Popen(["perf", "stat", "-I", "200", "-x", ",", "-o", f"{out}/perf_{index}_{arm}.csv", "-e",
                                 "task-clock,cycles,instructions,dTLB-load-misses,iTLB-load-misses,page-faults,cpu-migrations",
                                 "-p", str(child.proc.pid)], stderr=subprocess.DEVNULL)
    try:
        stamped, stderr, rc = child.finish()
    finally:
        stop.set(); sampler.join()
        if perf:
            perf.terminate(); perf.wait()
    tokens = [(t, kind) for t, kind, _ in parse_markers(stamped) if kind in ("first_token", "t", "last_token")]
    res = {"arm": arm, "index": index, "rc": rc, "tokens": tokens, "samples": rows, "stderr_tail": stderr[-2000:]}
    json.dump(res, open(f"{out}/child_{index:02d}_{arm}.json", "w"))
    iv = [b[0] - a[0] for a, b in zip(tokens, tokens[1:]) if b[1] != "first_token"]
    iv.sort()
    log(f"child {index} {arm}: rc {rc}, {len(iv)} intervals, median {1000 * iv[len(iv) // 2] if iv else 0:.2f} ms")


facts = {k: read(p).strip() for k, p in {
    "thp_enabled": "/sys/kernel/mm/transparent_hugepage/enabled",
    "thp_defrag": "/sys/kernel/mm/transparent_hugepage/defrag",
    "khugepaged_defrag": "/sys/kernel/mm/transparent_hugepage/khugepaged/defrag",
    "khugepaged_scan_ms": "/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs",
    "numa_balancing": "/proc/sys/kernel/numa_balancing",
    "governor": "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
    "meminfo": "/proc/meminfo", "cpuinfo0": "/proc/cpuinfo"}.items()}
facts["cpuinfo0"] = facts["cpuinfo0"].split("\n\n")[0]
facts["siblings"] = {c: read(f"/sys/devices/system/cpu/cpu{c}/topology/thread_siblings_list").strip() for c in range(os.cpu_count())}
facts["tools"] = {t: shutil.which(t) for t in ("perf", "nsys", "ncu", "numactl", "taskset", "gdb", "gcc")}
facts["glibc"] = os.confstr("CS_GNU_LIBC_VERSION")
json.dump(facts, open(f"{out}/facts.json", "w"), indent=1)
log(f"facts: thp {facts['thp_enabled']} / {facts['thp_defrag']}; tools {facts['tools']}; glibc {facts['glibc']}")
json.dump(cpu_probe(), open(f"{out}/cpu_probe.json", "w"))
log("cpu probe done")
model = resolve_model("synthetic")
index = 0
while time.monotonic() < deadline - 45:
    arm = arm_names[index % len(arm_names)]
    try:
        run_child(arm, index, model.path)
    except Exception as e:
        log(f"child {index} {arm} failed: {e!r}"[:500])
    index += 1
log("done")
