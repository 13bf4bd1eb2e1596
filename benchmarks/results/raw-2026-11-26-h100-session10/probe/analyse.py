"""Session 10's probe, from probe_run1.tgz and probe_run2.tgz (run from this folder):
1. each core's time for a fixed pure-Python chunk (cpu_probe.json): median and 90th percentile, ms;
2. each decoding process's 50-token stretches: F (< 5.25 ms a token), S (>= 5.75), m (between), with
   the core its main thread ran on most; the share of slow stretches per child environment (default;
   thp_off: transparent huge pages off for the process; malloc_hugetlb: glibc malloc asked for them);
   how often the state switched with and without a move;
3. the replay: one process's tokens split into alternate slices of K tokens, the log ratio of the two
   halves' median intervals (what turns of K tokens on one core would see), against whole processes."""
import collections
import json
import sys
import tarfile

import numpy as np

sys.path.insert(0, "../../../..")  # the repository root, for decode_speed
RUNS = ("probe_run1.tgz", "probe_run2.tgz")


def members(run, prefix):
    with tarfile.open(run) as tar:
        for m in sorted(tar.getmembers(), key=lambda m: m.name):
            if m.name.split("/")[-1].startswith(prefix):
                yield json.load(tar.extractfile(m))


def generations(child):
    gens, cur, toks = [], [], child["tokens"]
    for (t0, _), (t1, kind) in zip(toks, toks[1:]):
        if kind == "first_token":
            gens, cur = gens + [cur] if cur else gens, []
        else:
            cur.append(t1 - t0)
    return gens + [cur] if cur else gens


def state(ms):
    return "F" if ms < 5.25 else ("S" if ms >= 5.75 else "m")


def stretches(child, n=50):
    """[(state, main thread's core)] of each stretch of n tokens (the sampler's 5 Hz readings)."""
    out, toks = [], child["tokens"]
    for gen_start in [i for i, (_, k) in enumerate(toks) if k == "first_token"]:
        ends = [i for i, (_, k) in enumerate(toks[gen_start:]) if k == "last_token"]
        times = [t for t, _ in toks[gen_start:gen_start + ends[0] + 1]]
        for i in range(0, len(times) - n, n):
            a, b = times[i], times[i + n]
            cores = [s["cpu"] for s in child["samples"] if a <= s["t"] <= b]
            core = collections.Counter(cores).most_common(1)[0][0] if cores else -1
            out.append((state(1000 * np.median(np.diff(times[i:i + n + 1]))), core))
    return out


for run in RUNS:
    (probe,) = members(run, "cpu_probe")
    print(run, "core: median / 90th percentile ms of a chunk")
    print("  " + "  ".join(f"{c}: {1e3 * np.median(v):.2f}/{1e3 * np.percentile(v, 90):.2f}" for c, v in probe.items()))

moves = {"same core": collections.Counter(), "core changed": collections.Counter()}
streams, by_arm = [], collections.defaultdict(list)
for run in RUNS:
    for child in members(run, "child_"):
        st = stretches(child)
        by_arm[child["arm"]] += [s for s, _ in st]
        print(run, child["index"], child["arm"], " ".join(f"{s}{c}" for s, c in st))
        for (s0, c0), (s1, c1) in zip(st, st[1:]):
            if "m" not in (s0, s1):
                moves["same core" if c0 == c1 else "core changed"][s0 != s1] += 1
        streams.append(np.concatenate(generations(child)))
for arm in sorted(by_arm):
    states = collections.Counter(by_arm[arm])
    print(f"{arm}: {sum(states.values())} stretches, slow (S) {states['S'] / sum(states.values()):.2f}")
for name, n in moves.items():
    print(f"{name}: {n[True]} switches in {n[True] + n[False]} transitions")

print("replay: alternate slices of K tokens of one process (sd of the log ratio of the halves' medians)")
for k in (10, 25, 50, 100, 250, 500):
    logs = [np.log(np.median(s[(np.arange(len(s)) // k) % 2 == 1]) / np.median(s[(np.arange(len(s)) // k) % 2 == 0]))
            for s in streams]
    print(f"  K = {k}: {np.std(logs, ddof=1):.3f}")
medians = np.array([np.median(s) for s in streams])
print(f"  whole processes, consecutive ones paired: {np.std(np.log(medians[1::2] / medians[0:-1:2]), ddof=1):.3f}")
