"""Does a turn's speed follow the core its main thread ran on? Session 8, machine 1: its host sampler's
readings of each child's main thread matched to the lockstep turns of its A/A pairs. Run from the
repository root."""
import collections
import csv
import glob
import gzip
import json

import numpy as np

SESSION8 = "benchmarks/results/raw-2026-11-26-h100-session8/c2-c4-aa-pin"
SLOW = 1.25  # a turn is slow at this multiple of its benchmark's median


def main_thread_samples(call):
    """{pid: [(state, core, ticks)]} in time order, and {pid: side}."""
    samples, side = collections.defaultdict(list), {}
    for r in csv.DictReader(gzip.open(f"{SESSION8}/host_{call}.csv.gz", "rt")):
        if r["kind"] == "thread" and r["tid"] == r["pid"]:
            samples[r["pid"]].append((r["state"], int(r["cpu"]), int(r["ticks"])))
            side[r["pid"]] = r["side"]
    return samples, side


def turns(samples):
    """The cores of each stretch of samples in which the thread was neither stopped nor idle."""
    runs, current = [], []
    for state, core, ticks in samples:
        if state != "T" and ticks > 0:
            current.append(core)
        elif current:
            runs.append(current)
            current = []
    return [r for r in runs + [current] if len(r) >= 2]


def call_turns(call):
    """[{pid, benchmark, ms (the turn's median interval), core (where it ran most)}] of one call."""
    samples, side = main_thread_samples(call)
    pids = list(samples)  # first seen first: the order the pairs ran
    paths = sorted(glob.glob(f"{SESSION8}/aa_{call}_b*.json.gz"), key=lambda p: int(p.split("_b")[1].split("_")[0]))
    trials = [t for p in paths for t in json.loads(gzip.decompress(open(p, "rb").read()))["trials"]]
    rows = []
    for k in range(0, min(len(pids), len(trials) - len(trials) % 2), 2):
        for pid in pids[k:k + 2]:
            trial = next(t for t in trials[k:k + 2] if t["side"] == side[pid])
            generations = list(trial["intervals"].items())
            # the last turns are the generations; an earlier one may be the model's loading
            for (benchmark, gen), cores in zip(generations, turns(samples[pid])[-len(generations):]):
                gen = gen[0] if isinstance(gen[0], list) else gen
                rows.append({"pid": pid, "benchmark": benchmark, "ms": 1000 * float(np.median(gen)),
                             "core": collections.Counter(cores).most_common(1)[0][0]})
    return rows


rows = [r for call in ("c2", "c3", "c4") for r in call_turns(call)]
medians = {b: np.median([r["ms"] for r in rows if r["benchmark"] == b]) for b in {r["benchmark"] for r in rows}}
for r in rows:
    r["slow"] = r["ms"] / medians[r["benchmark"]] > SLOW
print(f"{len(rows)} turns matched")
print("core  turns  share slow")
for core in sorted({r["core"] for r in rows}):
    on_core = [r["slow"] for r in rows if r["core"] == core]
    print(f"{core:4d} {len(on_core):6d}  {np.mean(on_core):.2f}")
by_pid = collections.defaultdict(list)
for r in rows:
    by_pid[r["pid"]].append(r)
after_slow = collections.Counter((a["core"] == b["core"], b["slow"])
                                 for turns_of in by_pid.values() for a, b in zip(turns_of, turns_of[1:]) if a["slow"])
for same in (True, False):
    total = after_slow[(same, True)] + after_slow[(same, False)]
    print(f"after a slow turn, {'on the same core' if same else 'on another core'}: slow {after_slow[(same, True)]} of {total}")
