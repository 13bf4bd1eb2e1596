"""Does a turn's speed follow the core its main thread ran on? Session 8 machine 1 (its host sampler). Run from the repository root."""
import collections, csv, gzip, json, sys
import numpy as np
D = "benchmarks/results/raw-2026-11-26-h100-session8/c2-c4-aa-pin"
rows_out = []
for call in ("c2", "c3", "c4"):
    samples = collections.defaultdict(list)  # pid -> [(t, state, cpu, ticks)] main thread
    side_of = {}
    for r in csv.DictReader(gzip.open(f"{D}/host_{call}.csv.gz", "rt")):
        if r["kind"] == "thread" and r["tid"] == r["pid"]:
            samples[r["pid"]].append((float(r["t"]), r["state"], int(r["cpu"]), int(r["ticks"])))
            side_of[r["pid"]] = r["side"]
    pids = sorted(samples, key=lambda p: samples[p][0][0])
    # turns: runs of samples where the main thread is not stopped and is using the CPU
    turns = {}
    for pid in pids:
        runs, cur = [], []
        for t, state, cpu, ticks in samples[pid]:
            if state != "T" and ticks > 0:
                cur.append((t, cpu))
            elif cur:
                runs.append(cur); cur = []
        if cur: runs.append(cur)
        turns[pid] = runs
    # trials of the call in order
    import glob
    trials = []
    for path in sorted(glob.glob(f"{D}/aa_{call}_b*.json.gz"), key=lambda p: int(p.split("_b")[1].split("_")[0])):
        for t in json.loads(gzip.decompress(open(path, "rb").read()))["trials"]:
            trials.append((path.split("/")[-1], t))
    # pids by start, paired two by two; match sides
    for k in range(0, min(len(pids), 2 * (len(trials) // 2)), 2):
        pair_pids = pids[k:k + 2]
        pair_trials = trials[k:k + 2]
        for pid in pair_pids:
            trial = [t for f, t in pair_trials if t["side"] == side_of[pid]][0]
            gens = list(trial["intervals"].items())
            runs = [r for r in turns[pid] if len(r) >= 2]  # the first run may be model loading
            runs = runs[-len(gens):]
            for (bench, g), run in zip(gens, runs):
                g = g[0] if isinstance(g[0], list) else g
                cpus = collections.Counter(c for _, c in run)
                rows_out.append(dict(call=call, pid=pid, bench=bench, ms=1000 * float(np.median(g)),
                                     cpu=cpus.most_common(1)[0][0], cpu_share=cpus.most_common(1)[0][1] / len(run),
                                     ncpus=len(cpus), file=pair_trials[0][0]))
print(len(rows_out), "turns")
# normalise per benchmark by its median
by_bench = collections.defaultdict(list)
for r in rows_out: by_bench[r["bench"]].append(r["ms"])
for r in rows_out: r["rel"] = r["ms"] / np.median(by_bench[r["bench"]])
by_cpu = collections.defaultdict(list)
for r in rows_out: by_cpu[r["cpu"]].append(r["rel"])
print("cpu  turns  median rel  share slow(>1.25)")
for c in sorted(by_cpu):
    v = np.array(by_cpu[c]); print(f"{c:3d} {len(v):5d}  {np.median(v):.2f}  {np.mean(v > 1.25):.2f}")
mig = [r for r in rows_out if r["ncpus"] > 1]
print("turns with >1 core:", len(mig), "of", len(rows_out))
pid_rows = collections.defaultdict(list)
for r in rows_out: pid_rows[r["pid"]].append(r)
slow = lambda r: r["rel"] > 1.25
after = collections.Counter((a["cpu"] == b["cpu"], slow(b)) for rs in pid_rows.values() for a, b in zip(rs, rs[1:]) if slow(a))
for same in (True, False):
    n = after[(same, True)] + after[(same, False)]
    print(f"after a slow turn, {'same core' if same else 'another core'}: slow {after[(same, True)]} of {n}")
