"""The decode benchmarks, and the one place that times them.

Every trial is a fresh process of mlx_lm_generate_with_hook.py, which warms up before it is timed.
Baseline and candidate trials are interleaved in pairs (A B, B A, ...), after a discarded warm-up
pair when asked. The decode time of every generation is taken here, with this process's monotonic
clock, from the moments the child prints each generated token: the candidate runs in the child
and could patch the child's clocks. The child's own tokens-per-second figure is cross-checked
against ours.

A benchmark's decode speed is taken from the times between tokens, and it has to survive the
hosts this runs on. Their cores run at two speeds, about 2x apart, switching over seconds with
nothing of ours beside them, so a decoding process ran at about 4 ms a token or about 6-7 ms
(benchmarks/results/2026-11-26-h100-session10.md; session 8 for the two states). On a GPU the two
processes of a pair therefore take turns of SLICE_TOKENS tokens with their main threads on one core
(run_lockstep_pair): both see the same drift. Within a process the speed is
`decode_speed()`: per quarter of a generation (by token position, so every cache length counts
alike), the 10th percentile of the intervals, pooled over every generation of that benchmark that
the estimate covers; 1 / their geometric mean. A process that spent part of a generation in the slow
state keeps its fast tokens; with `pool` > 1, pairs are pooled in groups, and the estimate holds as
long as one of a group's processes was fast. mlx-lm's mean-based figure (tokens / decode seconds) is
cross-checked against the parent's clock, not scored.

    python qwen3_benchmark_suite.py --subset quick --model synthetic               # baseline only
    python qwen3_benchmark_suite.py --subset quick --program initial_program_cuda.py --pairs 4

This module imports no MLX: the evaluator imports it, and its process must never touch the GPU.
"""

import argparse
import contextlib
import csv
import json
import math
import os
import queue
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy import stats

HERE = Path(__file__).resolve().parent
HOOK_WRAPPER = HERE / "mlx_lm_generate_with_hook.py"
PREFILL_STEP = 2048  # mlx-lm's generate_step default: prompts are prefilled in chunks of this size
MAX_CLOCK_GAP = 0.10  # child-reported vs parent-measured decode time; more than this is tampering,
CLOCK_SLACK_S = 0.03  # plus this per generation: on a busy machine our reading of a line may wait
# for the scheduler (the score uses our clock only; this check names tampering, it does not guard)
SPOT_CHECKS = 3  # decode calls per generation compared with SDPA inside the timed process
SPEED_QUANTILE = 0.10  # decode_speed(): the interval kept from each quarter of the pooled generations
SPEED_PARTS = 4
MARKER = "@@"
DESIGNS = ("sequential", "lockstep")  # how a pair of trials runs (measure_speedup)
SLICE_TOKENS = 32  # a lockstep turn: this many tokens of one process, then the other's
RESUME_DROP = 1  # intervals not timed after a process resumes its generation, besides the one spanning
# the wait: its pipeline restarts (mlx-lm queued the next token before the wait)
TOKEN_MARKER = MARKER + "t"  # one line per generated token between the first and the last


@dataclass(frozen=True)
class BenchmarkConfig:
    name: str
    prompt_tokens: int  # exact prompt length: the prompt text is repeated or cut to this many tokens
    max_tokens: int  # generations run exactly this many tokens (EOS is ignored)
    prompt: str


def _config(name, prompt_tokens, max_tokens, prompt):
    return BenchmarkConfig(name, prompt_tokens, max_tokens, " ".join(prompt.split()))


BENCHMARKS = {
    c.name: c
    for c in [
        _config("short_context_quick", 64, 50, "Explain in two sentences why the sky looks blue during the day."),
        _config(
            "medium_context_analysis", 512, 200,
            "Here is a report on a city's public transport network: ridership, bus punctuality, tram "
            "maintenance backlogs, fare revenue and the cost of the new ticketing system. Read it and "
            "summarise the three largest operational risks, with the evidence for each.",
        ),
        _config(
            "long_context_detailed", 1024, 500,
            "The following is a long technical design document for a distributed key-value store with "
            "replication, leader election, log compaction and snapshotting. After reading it, write a "
            "detailed review that lists every assumption about failure modes and how each is handled.",
        ),
        _config(
            "very_long_context_comprehensive", 2048, 1000,
            "Below are the collected minutes of a year of engineering meetings about migrating a payment "
            "platform between data centres. Produce a comprehensive chronological account of the "
            "decisions made, who made them, which were reversed, and what each reversal cost.",
        ),
        _config("micro_generation", 32, 10, "Name one prime number greater than ten."),
        _config("short_generation", 128, 100, "Write a short paragraph describing a quiet harbour at dawn."),
        _config("long_generation", 128, 1000, "Write a long essay on the history of written numerals and place value."),
        _config("very_long_generation", 128, 2000, "Write a long story about a lighthouse keeper and a ship lost in fog."),
        _config("ultra_long_generation", 128, 5000, "Write a complete field guide to the birds of a temperate forest."),
        _config(
            "code_generation", 256, 300,
            "Write a Python module that parses a CSV file of sensor readings, removes outliers with the "
            "median absolute deviation, and plots a rolling mean. Include docstrings and tests.",
        ),
        _config(
            "step_by_step_reasoning", 256, 400,
            "A train leaves at 9:40 and travels 210 km at 84 km/h, then waits 12 minutes and covers 95 km "
            "at 76 km/h. Work out step by step when it arrives and what its average speed was.",
        ),
        _config("creative_writing", 192, 800, "Write a poem cycle of eight parts about the seasons of a mountain lake."),
        _config(
            "technical_documentation", 384, 1200,
            "Write the user documentation for a command-line tool that synchronises folders between "
            "machines: installation, configuration, every flag, examples and troubleshooting.",
        ),
        _config(
            "conversational_assistant", 768, 1500,
            "User: I am planning a two-week trip through three countries by train with a small budget. "
            "Assistant: Happy to help. Which countries? User: Portugal, Spain and France, in spring.",
        ),
        _config(
            "progressive_context_building", 1536, 600,
            "Chapter one introduced the characters; chapter two moved them to the coast; chapter three "
            "added a storm and a missing letter. Continue the story so that every earlier thread returns.",
        ),
        _config("repetitive_pattern_generation", 256, 2000, "List the numbers from one upwards, each with its square and cube."),
        _config("extreme_long_generation", 128, 8000, "Write an exhaustive textbook chapter on linear algebra, with proofs."),
        _config(
            "sustained_dialogue_generation", 1024, 6000,
            "Continue this long dialogue between a student and a tutor about thermodynamics, covering "
            "entropy, heat engines, refrigeration and the statistical view, one question at a time.",
        ),
        _config(
            "comprehensive_analysis_generation", 3072, 7000,
            "Given the full text of several annual reports of a manufacturing company, analyse revenue, "
            "margins, capital spending, debt and strategy year by year, and compare with competitors.",
        ),
        _config(
            "maximum_context_stress_test", 8192, 10000,
            "The following is a very long log of a customer support system. Reconstruct every ticket, "
            "its resolution and its timeline, and then write a report on recurring failures.",
        ),
        _config(
            "long_context_4k", 4096, 256,
            "Read this long archive of project correspondence and answer: which open questions remain?",
        ),
        _config(
            "long_context_16k", 16384, 256,
            "Read this very long collection of legal contracts and list every clause about termination.",
        ),
        _config(
            "long_context_32k", 32768, 256,
            "Read this book-length transcript of interviews and summarise what each person said about risk.",
        ),
    ]
}

SUBSETS = {
    # Evolution: short and long contexts; from about 1K tokens of context on, attention is where
    # the time can be won.
    "quick": [
        "short_context_quick",
        "code_generation",
        "long_context_detailed",
        "long_generation",
        "long_context_4k",
        "long_context_16k",
    ],
    "full": list(BENCHMARKS),
}


def select_benchmarks(spec) -> list:
    """A subset name, a comma-separated string or a list of benchmark names -> BenchmarkConfigs."""
    if isinstance(spec, str):
        names = SUBSETS[spec] if spec in SUBSETS else [n.strip() for n in spec.split(",") if n.strip()]
    else:
        names = list(spec)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown or not names:
        raise ValueError(
            f"unknown benchmark(s) {unknown or spec!r}; choose a subset {list(SUBSETS)} or names from {list(BENCHMARKS)}"
        )
    return [BENCHMARKS[n] for n in names]


def prompt_token_ids(tokenizer, config: BenchmarkConfig) -> list:
    """The prompt as exactly config.prompt_tokens token ids (the text's tokens, cycled)."""
    ids = tokenizer.encode(config.prompt)
    return [ids[i % len(ids)] for i in range(config.prompt_tokens)]


def expected_attention_calls(config: BenchmarkConfig, layers: int) -> dict:
    """Attention calls that mlx-lm 0.32's generate_step makes for one generation.

    Prefill takes the prompt but its last token in chunks of PREFILL_STEP; then every step is a
    single token: the last prompt token, and one step ahead of each of the max_tokens yielded.
    """
    return {
        "decode": layers * (config.max_tokens + 1),
        "prefill": layers * math.ceil((config.prompt_tokens - 1) / PREFILL_STEP),
    }


# ----------------------------------------------------------------------------- one trial


class TrialError(RuntimeError):
    """A trial that produced no valid number: a crash, a hang, wrong call counts, clock tampering."""


@dataclass
class Generation:
    """One timed generation inside a trial; every time here is the parent's clock."""

    benchmark: str
    repeat: int
    child_decode_s: float  # first to last token on the child's clock, waits excluded (cross-checked)
    decode_s: float  # the same on our clock
    intervals_s: list  # seconds between consecutive tokens, except those spanning a wait and RESUME_DROP after
    prompt_tps: float
    peak_memory_gb: float
    calls: dict
    spot_checks: int  # decode calls compared with SDPA inside the trial (all passed, or it failed)


@dataclass
class Trial:
    side: str  # "baseline" or "candidate"
    generations: list
    info: dict  # model, layers, device, mlx version as the child reported them
    wall_s: float

    def intervals(self, benchmark) -> list:
        """The token intervals of each of this trial's generations of one benchmark."""
        return [g.intervals_s for g in self.generations if g.benchmark == benchmark]

    def decode_tps(self, benchmark) -> float:
        return decode_speed(self.intervals(benchmark))


def median_token_speed(generations) -> float:
    """1 / the median token interval of the generations: the typical token, against which the evaluator
    checks that a program's decode_speed is not made of a few fast tokens."""
    return 1.0 / float(np.median(np.concatenate(generations)))


def decode_speed(generations) -> float:
    """Tokens per second from the token intervals (s) of several generations of one benchmark: per
    quarter of a generation, the SPEED_QUANTILE of the intervals of that quarter of every generation;
    1 / the geometric mean of those (the module docstring says why)."""
    quarters = [np.concatenate([np.array_split(np.asarray(g, dtype=float), SPEED_PARTS)[j] for g in generations])
                for j in range(SPEED_PARTS)]
    return float(np.exp(-np.mean([np.log(np.quantile(q, SPEED_QUANTILE)) for q in quarters if len(q)])))


@dataclass(frozen=True)
class TrialRules:
    """What a trial's program may do and how it is checked. Only two measurements bend the rules:
    the A/A noise run (the baseline through the candidate path calls SDPA in decode) and the
    ceiling (a no-op kernel, wrong by design, so not spot-checked)."""

    allow_sdpa_decode: bool = False
    spot_checks: int = SPOT_CHECKS


AA_RULES = TrialRules(allow_sdpa_decode=True)
CEILING_RULES = TrialRules(spot_checks=0)


def trial_command(python, model_path, configs, program=None, repeats=1, rules=TrialRules()):
    cmd = [python, "-u", str(HOOK_WRAPPER), "--model", str(model_path),
           "--benchmarks", ",".join(c.name for c in configs), "--repeats", str(repeats),
           "--spot-checks", str(rules.spot_checks), "--seed", str(secrets.randbits(31))]
    if program:
        cmd += ["--hook-program", str(Path(program).resolve())]
    if rules.allow_sdpa_decode:
        cmd.append("--allow-sdpa-decode")
    return cmd


def max_extra_peak_gb() -> float:
    """MLX memory (GPU memory on a GPU, which /proc cannot see) a program may use beyond the
    baseline's peak on the same benchmark (QWEN3_GQA_MAX_EXTRA_PEAK_GB, default 4)."""
    return float(os.environ.get("QWEN3_GQA_MAX_EXTRA_PEAK_GB", "4"))


def check_peak_memory(candidate: Trial, baseline: Trial):
    """mlx-lm's peak-memory figure of each candidate generation against the baseline's."""
    limit = max_extra_peak_gb()
    baseline_peak = {g.benchmark: g.peak_memory_gb for g in baseline.generations}
    for g in candidate.generations:
        extra = g.peak_memory_gb - baseline_peak[g.benchmark]
        if extra > limit:
            raise TrialError(
                f"candidate trial, {g.benchmark}: MLX peak memory {g.peak_memory_gb:.2f} GB, {extra:.2f} GB more "
                f"than the baseline's {baseline_peak[g.benchmark]:.2f} GB (limit: {limit:g} GB more, "
                f"QWEN3_GQA_MAX_EXTRA_PEAK_GB)"
            )


def max_child_rss_bytes() -> int:
    """Host memory a child's process group may hold (QWEN3_GQA_MAX_CHILD_RSS_GB, default 12 GiB).
    Watched from outside: RLIMIT_AS would break CUDA's start-up."""
    return int(float(os.environ.get("QWEN3_GQA_MAX_CHILD_RSS_GB", "12")) * (1 << 30))


def rss_bytes(pid) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError):
        return 0


def group_rss_bytes(pgid) -> int:
    """Resident memory of every process in a process group, from /proc (0 where there is none)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ..., rss is the 22nd
            total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return total


def child_cpus():
    """The cores children run on: QWEN3_GQA_CHILD_CPUS, a list such as "0-15,64-79" (unset: any).
    Pinning the trials to the cores near their GPU is a trial design to test against host noise."""
    spec = os.environ.get("QWEN3_GQA_CHILD_CPUS", "").strip()
    if not spec:
        return None
    if not hasattr(os, "sched_setaffinity"):
        raise ValueError(f"QWEN3_GQA_CHILD_CPUS={spec!r}: pinning to cores needs Linux; unset it here")
    if not re.fullmatch(r"\d+(-\d+)?(,\d+(-\d+)?)*", spec):
        raise ValueError(f"QWEN3_GQA_CHILD_CPUS={spec!r}: give core numbers and ranges, such as 0-15,64-79")
    cpus = set()
    for part in spec.split(","):
        first, _, last = part.partition("-")
        cpus.update(range(int(first), int(last or first) + 1))
    if not cpus <= os.sched_getaffinity(0):
        raise ValueError(f"QWEN3_GQA_CHILD_CPUS={spec!r}: cores {sorted(cpus - os.sched_getaffinity(0))} "
                         f"are not available to this process")
    return cpus


@contextlib.contextmanager
def claimed_lockstep_core(progress=None):
    """The core that the main threads of both processes of a lockstep pair keep to, held while the
    pair runs: the last of child_cpus(), or of this process's, that no other lockstep pair on this
    host holds (None where cores cannot be chosen). On the H100 machines a core's speed drifts
    between two states, about 2x apart, over seconds, with nothing of ours running beside it; turns
    of a few tokens on one core share its drift. Only the main thread, which decodes: with whole
    processes on one core a pair took 77 s, against 56 s this way (two machines;
    benchmarks/results/2026-11-26-h100-session10.md). Two pairs on one core (two GPUs of one host)
    cut an evaluation's tokens/s to 0.50-0.66 (session 21), so a second pair takes the next core down
    and says so. A claim is an flock on a file, which ends with the process that holds it."""
    if not hasattr(os, "sched_getaffinity"):
        yield None
        return
    import fcntl  # Linux here (sched_getaffinity)

    LOCKSTEP_CLAIMS.mkdir(parents=True, exist_ok=True)
    cores = sorted(child_cpus() or os.sched_getaffinity(0), reverse=True)
    for core in cores:
        with open(LOCKSTEP_CLAIMS / f"core{core}.lock", "a") as claim:
            try:
                fcntl.flock(claim, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            if core != cores[0] and progress:
                progress(f"core {cores[0]} is held by another lockstep pair on this host, so this pair keeps "
                         f"to core {core}; the two pairs' timings overlap (on one GPU they share it too)")
            yield core
            return
    raise TrialError(f"every core this pair may use ({sorted(cores)}) is held by another lockstep pair on this "
                     f"host (claims in {LOCKSTEP_CLAIMS}); run fewer at once or give QWEN3_GQA_CHILD_CPUS")


LOCKSTEP_CLAIMS = Path(tempfile.gettempdir()) / f"qwen3_gqa_lockstep_cores_{os.getuid()}"


def child_setup(cpus=None):
    """What a child does before exec: be killed if the process that started it dies (Linux), so
    that a killed evaluator leaves no trial or kernel running; keep to `cpus` when given."""
    def setup():
        if sys.platform.startswith("linux"):
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if cpus:
            os.sched_setaffinity(0, cpus)
    return setup


class Child:
    """A command in its own process group, its stdout lines stamped with this process's clock.

    The whole group is killed when it runs past its deadline or holds more host memory than
    max_child_rss_bytes(), so a hung GPU kernel or a forked grandchild goes too; TrialError says
    which. With talk=True its stdin is a pipe (see send()).
    """

    def __init__(self, cmd, timeout_s, cwd=None, env=None, talk=False, poll_s=0.5):
        self.timeout_s, self.poll_s = timeout_s, poll_s
        self.deadline = time.monotonic() + timeout_s
        self.memory_limit = max_child_rss_bytes()
        self.stderr_file = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE if talk else subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self.stderr_file, text=True, bufsize=1, cwd=cwd, env=env, start_new_session=True,
            preexec_fn=child_setup(child_cpus()),
        )
        self.lines = queue.Queue()
        self.stamped = []
        self.ended = False
        self.polls, self.next_poll = 0, 0.0
        self.reader = threading.Thread(target=self._read_stdout, daemon=True)
        self.reader.start()

    def _read_stdout(self):
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))
        self.lines.put(None)

    def read_until(self, done=lambda line: False):
        """Collect stdout lines until done(line) or the end of stdout; return the new lines."""
        first_new = len(self.stamped)
        while not self.ended:
            try:
                item = self.lines.get(timeout=max(0.0, min(self.poll_s, self.deadline - time.monotonic())))
            except queue.Empty:
                item = ()
            if item is None:
                self.ended = True
            elif item:
                self.stamped.append(item)
            self._watch()
            if item and done(item[1]):
                break
        return self.stamped[first_new:]

    def _watch(self):
        if time.monotonic() < self.next_poll:
            return  # lines come every few ms in decode: looking at /proc that often would hold the
            # GIL against the thread that timestamps them
        self.polls, self.next_poll = self.polls + 1, time.monotonic() + self.poll_s
        # The child itself at every poll; its whole group (a scan of /proc) now and then.
        rss = group_rss_bytes(self.proc.pid) if self.polls % 10 == 0 else rss_bytes(self.proc.pid)
        if time.monotonic() > self.deadline:
            self.fail(f"timed out after {self.timeout_s:.0f} s")
        if rss > self.memory_limit:
            self.fail(f"used {rss / (1 << 30):.1f} GiB of host memory, limit {self.memory_limit / (1 << 30):.1f} GiB")

    def set_time_limit(self, timeout_s):
        """From now, this many seconds more (for one step of a longer exchange)."""
        self.timeout_s, self.deadline = timeout_s, time.monotonic() + timeout_s

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def pause(self, paused=True):
        """SIGSTOP / SIGCONT the whole group: a paused child can run nothing beside the other's turn."""
        try:
            os.killpg(self.proc.pid, signal.SIGSTOP if paused else signal.SIGCONT)
        except ProcessLookupError:
            pass

    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read()

    def fail(self, why):
        self.kill()
        raise TrialError(f"{why} (process killed)\n{tail(self.stderr())}")

    def kill(self):
        kill_group(self.proc)
        self.proc.wait()

    def finish(self):
        """Wait for the end of stdout and of the process: (stamped lines, stderr, rc)."""
        if self.proc.stdin:
            self.proc.stdin.close()
        self.read_until()
        rc = self.proc.wait()
        self.reader.join(timeout=5)
        stderr = self.stderr()
        self.stderr_file.close()
        return self.stamped, stderr, rc


def run_child(cmd, timeout_s, cwd=None, env=None, poll_s=0.5):
    """Run a command to its end in its own process group (see Child); return (stdout lines stamped
    with our clock, stderr, rc). Raises TrialError when it is killed."""
    return Child(cmd, timeout_s, cwd, env, poll_s=poll_s).finish()


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def tail(text, lines=25):
    return "\n".join(text.strip().splitlines()[-lines:])


def parse_markers(stamped):
    """Split stamped stdout into marker records: [(t, kind, payload_dict)]."""
    records = []
    for t, line in stamped:
        if line.startswith(MARKER):
            kind, _, payload = line[len(MARKER):].partition(" ")
            try:
                records.append((t, kind, json.loads(payload) if payload else {}))
            except json.JSONDecodeError:
                raise TrialError(f"unreadable marker line: {line[:200]}")
    return records


def run_trial(python, model_path, configs, side, program=None, repeats=1, timeout_s=600.0,
              rules=TrialRules(), env=None) -> Trial:
    """One fresh process: warm-up, then every benchmark `repeats` times. Validates what it reads."""
    start = time.monotonic()
    cmd = trial_command(python, model_path, configs, program if side == "candidate" else None,
                        repeats, rules)
    stamped, stderr, rc = run_child(cmd, timeout_s, env=env)
    return read_trial(side, stamped, stderr, rc, configs, repeats, rules, time.monotonic() - start)


def run_lockstep_pair(python, model_path, configs, program, repeats=1, timeout_s=1200.0,
                      rules=TrialRules(), envs=None, first="baseline", slice_tokens=SLICE_TOKENS,
                      progress=None) -> tuple:
    """A baseline and a candidate process side by side, their main threads on one core
    (claimed_lockstep_core()), taking turns of slice_tokens tokens (0: of a whole generation), the order
    swapped every round (A B, B A, ...). The one waiting is stopped (SIGSTOP on its process group),
    so it can do nothing during the other's turn. Returns (baseline Trial, candidate Trial)."""
    start = time.monotonic()
    sides = (first, "candidate" if first == "baseline" else "baseline")
    with claimed_lockstep_core(progress) as core:
        children = {}
        waiting = lambda line: line.startswith(MARKER + "waiting")
        try:
            for side in sides:
                cmd = trial_command(python, model_path, configs, program if side == "candidate" else None,
                                    repeats, rules) + ["--lockstep", "--slice-tokens", str(slice_tokens)]
                if core is not None:
                    cmd += ["--main-thread-core", str(core)]
                children[side] = Child(cmd, timeout_s, env=(envs or {}).get(side), talk=True)
            for child in children.values():
                child.read_until(waiting)
                child.pause()
            order, baseline_turn_s = list(sides), 0.0
            while not all(child.ended for child in children.values()):
                for side in order:
                    # A turn of the candidate may take 3x the baseline's longest so far, plus a minute.
                    turn_limit = 3 * baseline_turn_s + 60 if side == "candidate" and baseline_turn_s else timeout_s
                    turn_s = take_turn(children[side], waiting, turn_limit)
                    if side == "baseline":
                        baseline_turn_s = max(baseline_turn_s, turn_s)
                order.reverse()
            outputs = {}
            for side, child in children.items():
                child.pause(False)
                child.set_time_limit(60)
                outputs[side] = child.finish()
        finally:
            for child in children.values():
                if child.proc.poll() is None:
                    child.kill()
    wall_s = time.monotonic() - start
    return tuple(read_trial(side, *outputs[side], configs, repeats, rules, wall_s)
                 for side in ("baseline", "candidate"))


def take_turn(child, waiting, turn_limit_s) -> float:
    """Let a paused child run to its next wait (or its end); pause it again. Returns the turn's seconds."""
    start = time.monotonic()
    child.pause(False)
    child.set_time_limit(turn_limit_s)
    if not child.ended:
        try:
            child.send("go")
        except BrokenPipeError:
            pass  # it ended: read_trial reports why from its exit code and stderr
        child.read_until(waiting)
    child.pause()
    return time.monotonic() - start


def read_trial(side, stamped, stderr, rc, configs, repeats, rules, wall_s) -> Trial:
    """A trial's generations from its stamped stdout, validated: every marker, call count and clock."""
    records = parse_markers(stamped)
    info = next((p for _, k, p in records if k == "ready"), None)
    if rc != 0 or info is None:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else "no error output"
        raise TrialError(f"{side} trial failed (exit code {rc}): {last}\n{tail(stderr)}")
    generations = []
    token_times = {}  # (benchmark, repeat) -> the parent's clock at each of its tokens
    waits = {}  # (benchmark, repeat) -> indices of its tokens that came after a lockstep wait
    open_key = None
    for t, kind, payload in records:
        key = (payload.get("benchmark"), payload.get("repeat"))
        if kind == "first_token":
            open_key = key
            token_times[key], waits[key] = [t], []
        elif kind == "t" and open_key is not None:
            token_times[open_key].append(t)
        elif kind == "waiting" and open_key is not None:
            waits[open_key].append(len(token_times[open_key]))
        elif kind == "last_token" and key == open_key:
            token_times[key].append(t)
            open_key = None
        elif kind == "result":
            if key not in token_times or open_key == key:
                raise TrialError(f"{side} trial: result for {key} without its token markers")
            generations.append(timed_generation(payload, np.asarray(token_times[key]), waits[key]))
    expected = [(c.name, r) for c in configs for r in range(repeats)]
    got = [(g.benchmark, g.repeat) for g in generations]
    if got != expected:
        raise TrialError(f"{side} trial reported generations {got}, expected {expected}\n{tail(stderr)}")
    check_clocks(generations, side)
    layers = int(info["layers"])
    for g in generations:
        check_calls(g, BENCHMARKS[g.benchmark], layers, side, rules)
    return Trial(side, generations, info, wall_s)


def timed_generation(payload, token_times, waits=()) -> Generation:
    """waits: indices of the tokens that came after a lockstep wait; the interval into each spans the
    wait, and RESUME_DROP more follow it before the timing resumes."""
    tokens = int(payload["generation_tokens"])
    if len(token_times) != tokens:
        raise TrialError(f"{payload['benchmark']}: {len(token_times)} token lines for {tokens} tokens")
    intervals = np.diff(token_times)  # intervals[k]: into token k + 1
    spanning = [w - 1 for w in waits]
    untimed = {k + d for k in spanning for d in range(RESUME_DROP + 1)}
    decode_s = float(intervals.sum() - intervals[spanning].sum())
    if decode_s <= 0:
        raise TrialError(f"{payload['benchmark']}: no decode time measured")
    return Generation(
        benchmark=payload["benchmark"],
        repeat=int(payload["repeat"]),
        child_decode_s=float(payload["decode_s"]),
        decode_s=decode_s,
        intervals_s=[x for k, x in enumerate(intervals.tolist()) if k not in untimed],
        prompt_tps=float(payload["prompt_tps"]),
        peak_memory_gb=float(payload["peak_memory_gb"]),
        calls=payload["calls"],
        spot_checks=int(payload["spot_checks"]),
    )


def check_clocks(generations, side):
    """The child's decode time (its clock between the same two lines ours is read at) against
    ours, summed over the trial: a program that patched the child's clocks shows here."""
    child_s = sum(g.child_decode_s for g in generations)
    parent_s = sum(g.decode_s for g in generations)
    gap = abs(child_s - parent_s) / parent_s
    if abs(child_s - parent_s) > MAX_CLOCK_GAP * parent_s + CLOCK_SLACK_S * len(generations):
        raise TrialError(
            f"{side} trial: the child reports {child_s:.3f} s of decode but this process measured "
            f"{parent_s:.3f} s ({gap:.0%} apart, limit {MAX_CLOCK_GAP:.0%} plus {1000 * CLOCK_SLACK_S:.0f} ms a generation): clocks tampered with"
        )


def check_calls(g: Generation, config: BenchmarkConfig, layers, side, rules=TrialRules()):
    """The hook must have seen exactly the calls mlx-lm makes, and decode must be the program's own."""
    want = expected_attention_calls(config, layers)
    calls = g.calls
    decode = calls["decode_own"] + calls["decode_handed_over"]
    prefill = calls["prefill_own"] + calls["prefill_handed_over"]
    where = f"{side} trial, {g.benchmark}"
    if decode != want["decode"] or prefill != want["prefill"]:
        raise TrialError(
            f"{where}: the hook saw {decode} decode and {prefill} prefill attention calls, but mlx-lm makes "
            f"{want['decode']} and {want['prefill']} ({layers} layers, {config.prompt_tokens} prompt tokens, "
            f"{config.max_tokens} new): the program did not run where it was timed"
        )
    if side == "candidate" and calls["decode_handed_over"] and not rules.allow_sdpa_decode:
        raise TrialError(f"{where}: {calls['decode_handed_over']} decode calls reached SDPA")
    if g.spot_checks != min(rules.spot_checks, want["decode"]):
        raise TrialError(f"{where}: {g.spot_checks} spot checks ran, expected {min(rules.spot_checks, want['decode'])}")


# ----------------------------------------------------------------------------- paired measurement


@dataclass
class BenchmarkSpeedup:
    benchmark: str
    baseline_decode_tps: float  # median over groups of pairs (a group: `pool` pairs, pooled)
    candidate_decode_tps: float
    speedup: float  # the geometric mean of group_ratios: the centre of its interval
    ci_low: float  # 95 % interval of the geometric mean of the groups' ratios
    ci_high: float
    group_ratios: list  # one per group of pairs


@dataclass
class SpeedupReport:
    benchmarks: list  # [BenchmarkSpeedup]
    geomean_speedup: float
    ci_low: float
    ci_high: float
    pairs: int
    repeats: int
    baseline_trials: list = field(default_factory=list)  # [[decode_tps per benchmark]]
    candidate_trials: list = field(default_factory=list)
    info: dict = field(default_factory=dict)
    wall_s: float = 0.0
    pool: int = 1  # pairs per group: each side's trials in a group are pooled into one estimate
    median_token_share: float = 1.0  # pair by pair, the speedup by the median token / by decode_speed (geomean)

    @property
    def groups(self) -> int:
        return self.pairs // self.pool

    def to_dict(self):
        return asdict(self)

    def table(self, ceilings=None) -> str:
        """Markdown; with ceilings ({benchmark: {"speedup", "ci", "pairs"}}: the no-op kernel's speedup
        and its 95 % interval), each speedup's share of the gain that was possible, (speedup - 1) /
        (ceiling - 1), where the ceiling's interval lies wholly above 1.0: a share of a gain the
        ceiling did not measurably have is a ratio of two noise terms."""
        ceilings = ceilings or {}
        rows = ["| benchmark | baseline tok/s | candidate tok/s | speedup | 95 % CI | ceiling (95 % CI) | share of possible gain |",
                "|---|---|---|---|---|---|---|"]
        for b in self.benchmarks:
            ceiling = ceilings.get(b.benchmark)
            rows.append(
                f"| {b.benchmark} | {b.baseline_decode_tps:.1f} | {b.candidate_decode_tps:.1f} | {b.speedup:.3f} | "
                f"{interval_text(b.ci_low, b.ci_high, self.groups)} | {ceiling_text(ceiling)} | {share_text(b.speedup, ceiling)} |"
            )
        pooled = f", pooled in {self.groups} groups of {self.pool}" if self.pool > 1 else ""
        rows.append(
            f"| geometric mean ({self.pairs} pairs{pooled}) | | | {self.geomean_speedup:.3f} | "
            f"{interval_text(self.ci_low, self.ci_high, self.groups)} | | |"
        )
        return "\n".join(rows)


def interval_text(low, high, groups) -> str:
    return f"{low:.3f}-{high:.3f}" if groups >= 2 else "none (1 pair or group)"


def ceiling_text(ceiling) -> str:
    return f"{ceiling['speedup']:.3f} ({interval_text(*ceiling['ci'], ceiling['pairs'])})" if ceiling else "-"


def share_text(speedup, ceiling) -> str:
    if not ceiling:
        return "-"
    if ceiling["ci"][0] <= 1.0:
        return "no gain to share"
    return f"{(speedup - 1) / (ceiling['speedup'] - 1):.0%}"


def log_mean_interval(log_values, confidence=0.95):
    """Student-t interval of the mean of log ratios, returned as (low, high) ratios."""
    x = np.asarray(log_values, dtype=float)
    if len(x) < 2 or np.allclose(x, x[0]):
        m = float(np.exp(x.mean()))
        return m, m
    low, high = stats.t.interval(confidence, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    return float(np.exp(low)), float(np.exp(high))


def summarize_pairs(configs, baseline_trials, candidate_trials, repeats, info, wall_s, pool=1) -> SpeedupReport:
    """Per benchmark, the speedup of each group of `pool` consecutive pairs (each side's trials in the
    group pooled by decode_speed), their geometric mean and its 95 % interval. Paired, not a ratio
    of the two sides' medians: the two processes of a pair share the host's drift (run_lockstep_pair),
    and a ratio of medians could lie outside the interval of the pairs' ratios."""
    check_pool(len(baseline_trials), pool)
    names = [c.name for c in configs]
    groups = [range(i, i + pool) for i in range(0, len(baseline_trials), pool)]

    def speeds(trials):  # [groups, benchmarks]
        return np.array([[decode_speed([g for i in group for g in trials[i].intervals(n)]) for n in names]
                         for group in groups])

    def pair_speedups(speed):  # [pairs, benchmarks]
        return np.array([[speed(c.intervals(n)) / speed(b.intervals(n)) for n in names]
                         for b, c in zip(baseline_trials, candidate_trials)])

    base, cand = speeds(baseline_trials), speeds(candidate_trials)
    log_ratios = np.log(cand / base)  # [groups, benchmarks]
    rows = []
    for j, name in enumerate(names):
        low, high = log_mean_interval(log_ratios[:, j])
        b, c = float(np.median(base[:, j])), float(np.median(cand[:, j]))
        rows.append(BenchmarkSpeedup(name, b, c, float(np.exp(log_ratios[:, j].mean())), low, high,
                                     [float(r) for r in np.exp(log_ratios[:, j])]))
    geomean = float(np.exp(np.mean([np.log(r.speedup) for r in rows])))
    low, high = log_mean_interval(log_ratios.mean(axis=1))
    median_token_share = np.exp(np.log(pair_speedups(median_token_speed) / pair_speedups(decode_speed)).mean())
    per_trial = lambda trials: [[t.decode_tps(n) for n in names] for t in trials]
    return SpeedupReport(rows, geomean, low, high, len(baseline_trials), repeats, per_trial(baseline_trials),
                         per_trial(candidate_trials), info, wall_s, pool, float(median_token_share))


def check_pool(pairs, pool):
    if pool < 1 or pairs < pool or pairs % pool:
        raise ValueError(f"pool {pool}: the number of pairs must be a multiple of it (got {pairs} pairs)")


def measure_speedup(model_path, benchmarks, program, pairs=3, repeats=1, python=sys.executable,
                    timeout_s=None, rules=TrialRules(), warmup_pairs=1, progress=None, envs=None,
                    design="sequential", on_pair=None, pool=1, slice_tokens=SLICE_TOKENS) -> SpeedupReport:
    """Interleaved A/B trials of the baseline and `program`, after `warmup_pairs` discarded pairs.

    design "sequential": each pair is two processes, one after the other, the order alternating
    from pair to pair (A B, B A, ...). "lockstep": each pair is two live processes, their main threads
    on one core, taking turns of slice_tokens tokens (run_lockstep_pair). The first baseline trial's
    duration sets the time limit of the others (3x plus 20 s) unless timeout_s is given.
    envs: {"baseline": environment, "candidate": environment} for the children (default: this
    process's). on_pair(baseline, candidate) is called with each timed pair as it ends. pool: pairs
    per group in the summary (summarize_pairs).
    Raises TrialError at the first failed trial.
    """
    check_pool(pairs, pool)
    configs = select_benchmarks(benchmarks)
    progress = progress or (lambda message: None)
    start = time.monotonic()
    limit = timeout_s or 1800.0
    baseline_trials, candidate_trials, first_baseline = [], [], None
    for i in range(warmup_pairs + pairs):
        first = "baseline" if i % 2 == 0 else "candidate"
        if design == "lockstep":
            pair = run_lockstep_pair(python, model_path, configs, program, repeats, limit, rules,
                                     envs, first, slice_tokens, progress)
        else:
            pair = {}
            for side in (first, "candidate" if first == "baseline" else "baseline"):
                pair[side] = run_trial(python, model_path, configs, side, program, repeats, limit,
                                       rules, (envs or {}).get(side))
                if first_baseline is None and side == "baseline":  # the candidate's limit comes from it
                    first_baseline, limit = pair[side], timeout_s or (3.0 * pair[side].wall_s + 20.0)
            pair = (pair["baseline"], pair["candidate"])
        baseline, candidate = pair
        if first_baseline is None:
            first_baseline, limit = baseline, timeout_s or (3.0 * baseline.wall_s + 20.0)
        check_peak_memory(candidate, first_baseline)
        warm = " (warm-up, discarded)" if i < warmup_pairs else ""
        for t in pair:
            progress(f"{t.side} trial{warm}: " + ", ".join(f"{c.name} {t.decode_tps(c.name):.1f} tok/s" for c in configs))
        if i >= warmup_pairs:
            baseline_trials.append(baseline)
            candidate_trials.append(candidate)
            if on_pair:
                on_pair(baseline, candidate)
    return summarize_pairs(configs, baseline_trials, candidate_trials, repeats, first_baseline.info,
                           time.monotonic() - start, pool)


def measure_baseline(model_path, benchmarks, trials=1, repeats=1, python=sys.executable, progress=None):
    """Baseline decode tok/s per benchmark, each a median over fresh-process trials."""
    configs = select_benchmarks(benchmarks)
    runs = [run_trial(python, model_path, configs, "baseline", repeats=repeats, timeout_s=3600.0)
            for _ in range(trials)]
    for t in runs:
        (progress or (lambda m: None))(f"baseline trial done in {t.wall_s:.1f} s")
    return {c.name: float(np.median([t.decode_tps(c.name) for t in runs])) for c in configs}, runs[0].info


# ----------------------------------------------------------------------------- command line


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main():
    from qwen3_model import resolve_model

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subset", default="quick", help=f"{list(SUBSETS)} or comma-separated benchmark names")
    parser.add_argument("--model", default="auto", help="auto, synthetic, synthetic-tiny, a hub id or a directory")
    parser.add_argument("--download", action="store_true", help="allow downloading a hub model")
    parser.add_argument("--program", help="a program to compare with the baseline (omit: baseline only)")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=1, help="generations of each benchmark per trial")
    parser.add_argument("--pool", type=int, default=1,
                        help="pairs per group: each side's trials in a group give one pooled estimate (see decode_speed)")
    parser.add_argument("--warmup-pairs", type=int, default=1, help="discarded pairs before the timed ones")
    parser.add_argument("--design", choices=DESIGNS, default="sequential",
                        help="a pair is two processes one after the other, or two taking turns (see measure_speedup)")
    parser.add_argument("--allow-sdpa-decode", action="store_true",
                        help="A/A noise measurement only: let the program call SDPA in decode")
    parser.add_argument("--output", default="benchmark_results", help="prefix of the .json and .csv files")
    args = parser.parse_args()

    model = resolve_model(args.model, download=args.download)
    print(f"model: {model.name} ({model.note})", flush=True)
    log = lambda m: print(m, flush=True)
    if args.program:
        report = measure_speedup(model.path, args.subset, args.program, args.pairs, args.repeats,
                                 rules=AA_RULES if args.allow_sdpa_decode else TrialRules(), warmup_pairs=args.warmup_pairs,
                                 progress=log, design=args.design, pool=args.pool)
        print(report.table())
        result = {"model": model.to_dict(), "program": args.program, **report.to_dict()}
        rows = [{k: v for k, v in asdict(b).items() if k != "group_ratios"} for b in report.benchmarks]
    else:
        tps, info = measure_baseline(model.path, args.subset, trials=args.pairs, repeats=args.repeats, progress=log)
        result = {"model": model.to_dict(), "info": info, "baseline_decode_tps": tps}
        rows = [{"benchmark": k, "baseline_decode_tps": v} for k, v in tps.items()]
        for k, v in tps.items():
            print(f"{k}: {v:.1f} tok/s")
    Path(args.output + ".json").write_text(json.dumps(result, indent=2))
    write_csv(args.output + ".csv", rows)
    print(f"wrote {args.output}.json and {args.output}.csv")


if __name__ == "__main__":
    main()
