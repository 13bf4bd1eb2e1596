"""Writes a Markdown report with plots of one evolution run: python evolution_report.py <run dir>

It reads whatever the run left behind, and says which of these it could not find:

    evaluations.jsonl               one line per evaluation: score, failed gate, compile failure class
                                    (evaluator.py appends it when QWEN3_GQA_EVALUATION_LOG names it)
    logs/openevolve_*.log           openevolve's log: every iteration's program and metrics, the
                                    iterations whose LLM reply gave no usable diff, token usage
    evolution_trace.jsonl           openevolve's trace of the iterations that produced a program
    evolution_trace_failures.jsonl  ... and of those that did not (config: evolution_trace)
    checkpoints/checkpoint_N/       the program database: programs/*.json with metrics,
                                    iteration_found, parent_id, metadata.token_usage
    best/                           the best program and its metrics, written when a run ends
    run_info.json                   which program started the run (run_evolve_experiment.sh)

and writes <run dir>/report/report.md beside its PNG plots. A run that was killed, has no
checkpoint yet or has no evaluations.jsonl still gets a report.
"""

import argparse
import difflib
import json
import math
import re
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: runs on machines without a display
import matplotlib.pyplot as plt  # noqa: E402
import yaml  # noqa: E402

HERE = Path(__file__).resolve().parent

# Kind of failure each of evaluator.py's gates stands for.
GATE_KINDS = {
    "check_source": "source",
    "check_compiles": "compile",
    "check_correctness": "correctness",
    "check_memory_safety": "memory safety",
    "check_kernel_speed": "timing",
    "measure_decode": "timing",
    "check_no_stray_writes": "stray writes",
}
# speedup_<name> keys of measure_decode that are not benchmarks.
SPEEDUP_SUMMARY_KEYS = {"speedup_ci_low", "speedup_ci_high"}

# Why an iteration produced no program, from the error openevolve 0.4.1 logs for it
# (process_parallel.py): (text the error starts with or contains, reason, no usable diff?).
ITERATION_FAILURES = [
    ("No valid diffs found in response", "no SEARCH/REPLACE diff in the reply", True),
    ("No valid code found in response", "no code in the reply (full rewrite)", True),
    ("SEARCH/REPLACE delimiter", "malformed SEARCH/REPLACE diff", True),
    ("SEARCH block(s) matched the parent program", "diff did not match the parent", True),
    ("Diff did not change the parent program", "diff changed nothing", True),
    ("Rewrite is identical to the parent program", "diff changed nothing", True),
    ("All edits were outside the EVOLVE-BLOCK regions", "edits only outside the EVOLVE-BLOCK", True),
    ("LLM generation failed", "LLM call failed", False),
    ("LLM returned None response", "LLM call failed", False),
    ("Generated code exceeds maximum length", "program too long", False),
    ("timed out", "iteration timed out", False),
]

# openevolve 0.4.1's log lines (logs/openevolve_<time>.log), by what they carry.
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ - \S+ - [A-Z]+ - (.*)$")
TOKENS = r"(?: \| tokens: (\d+) \(prompt: (\d+), completion: (\d+)\))?"
CHILD_LINE = re.compile(r"Iteration (\d+): Program (\S+) \(parent: (\S+)\) completed in [\d.]+s" + TOKENS + "$")
ITERATION_ERROR_LINE = re.compile(r"Iteration (\d+) error(?: \[\w+\])?: (.*?)" + TOKENS + "$")
ITERATION_TIMEOUT_LINE = re.compile(r"⏰ Iteration (\d+) (timed out after \d+s)")
RESULT_ERROR_LINE = re.compile(r"Error processing result from iteration (\d+): (.*)$")
INITIAL_PROGRAM_LINE = "Adding initial program to database"
EVALUATED_LINE = re.compile(r"Evaluated program (\S+) in [\d.]+s: (.*)$")
CALL_USAGE_LINE = re.compile(
    r"LLM Token Usage \((.*)\): prompt_tokens=(\d+), completion_tokens=(\d+), total_tokens=(\d+)$")
CALL_NO_USAGE_LINE = re.compile(r"LLM Token Usage \((.*)\): usage info not returned by API$")


@dataclass
class LogEvents:
    """What openevolve's log files say, keyed by iteration (a resumed iteration: its last run)."""

    children: dict = field(default_factory=dict)  # iteration -> {program, parent, metrics, tokens}
    failures: dict = field(default_factory=dict)  # iteration -> {error, tokens}
    initial: dict = field(default_factory=dict)  # program id -> metrics of the starting program
    call_usage: list = field(default_factory=list)  # one {model, prompt, completion, total} per LLM call
    calls_without_usage: int = 0


@dataclass
class Run:
    """Everything read from one run directory; None where a source is missing."""

    run_dir: Path
    run_info: dict | None
    evaluations: list | None
    log_files: list
    log: LogEvents
    trace_path: Path
    trace: list | None
    trace_failures: list | None
    checkpoints: list  # checkpoint directories, oldest first
    programs: dict  # program id -> program, from every checkpoint (later ones win)


# ----------------------------------------------------------------------------- reading the run


def read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def read_jsonl(path: Path) -> list | None:
    """The records of a JSON-lines file, None if it is missing. A killed writer can leave a
    truncated last line: lines that do not parse are skipped."""
    if not path.is_file():
        return None
    records = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return [r for r in records if isinstance(r, dict)]


def checkpoint_dirs(run_dir: Path) -> list:
    found = [(int(m.group(1)), p) for p in (run_dir / "checkpoints").glob("checkpoint_*")
             if p.is_dir() and (m := re.fullmatch(r"checkpoint_(\d+)", p.name))]
    return [p for _, p in sorted(found)]


def checkpoint_programs(checkpoints: list) -> dict:
    """The programs of every checkpoint (a program can leave the database between two), but
    openevolve's copies: they were never evaluated, and their iteration_found is not theirs."""
    programs = {}
    for checkpoint in checkpoints:
        for path in sorted((checkpoint / "programs").glob("*.json")):
            program = read_json(path)
            if isinstance(program, dict) and "id" in program and not is_copy(program):
                programs[program["id"]] = program
    return programs


def is_copy(program: dict) -> bool:
    """openevolve 0.4.1 copies programs under new ids: migrants to other islands (metadata 'migrant')
    and seeds of empty islands (a parent, but no metadata 'changes', which every child the LLM
    wrote carries)."""
    metadata = program.get("metadata") or {}
    return bool(metadata.get("migrant")) or (program.get("parent_id") is not None and "changes" not in metadata)


def trace_config(run_dir: Path) -> dict:
    """The evolution_trace section of the run's copy of the config ({} if there is none)."""
    config = read_yaml(run_dir / "config.yaml")
    return (config.get("evolution_trace") or {}) if isinstance(config, dict) else {}


def trace_location(run_dir: Path) -> Path:
    """Where openevolve wrote its trace: the config may name a path (relative to openevolve's working
    directory, which run_evolve_experiment.sh makes this one), else <output dir>/evolution_trace.<format>
    (openevolve 0.4.1 controller.py)."""
    trace = trace_config(run_dir)
    if trace.get("output_path"):
        return HERE / trace["output_path"]
    return run_dir / f"evolution_trace.{trace.get('format', 'jsonl')}"


def read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError):
        return None


def failures_location(trace_path: Path) -> Path:
    # openevolve 0.4.1 evolution_trace.py: <trace stem>_failures.jsonl beside the trace.
    return trace_path.with_name(f"{trace_path.stem}_failures.jsonl")


def parse_metrics(text: str) -> dict:
    """'k=v, k=v' as openevolve logs metrics; values that are not numbers are dropped."""
    metrics = {}
    for item in text.split(", "):
        key, _, value = item.partition("=")
        try:
            metrics[key.strip()] = float(value)
        except ValueError:
            continue
    return metrics


def token_counts(match: re.Match, first_group: int) -> dict | None:
    total, prompt, completion = match.group(first_group, first_group + 1, first_group + 2)
    if total is None:
        return None
    return {"total_tokens": int(total), "prompt_tokens": int(prompt), "completion_tokens": int(completion)}


def parse_logs(log_files: list) -> LogEvents:
    events = LogEvents()
    last_child = None  # the "Metrics:" line that follows an iteration's line belongs to it
    awaiting_initial = False  # the evaluation after "Adding initial program" is the starting program's
    for path in log_files:
        for line in path.read_text(errors="replace").splitlines():
            line_match = LOG_LINE.match(line)
            if not line_match:
                continue  # continuation of a multi-line message
            message = line_match.group(1)
            if m := CHILD_LINE.match(message):
                last_child = {"program": m.group(2), "parent": m.group(3), "metrics": {}, "tokens": token_counts(m, 4)}
                events.children[int(m.group(1))] = last_child
                events.failures.pop(int(m.group(1)), None)
            elif message.startswith("Metrics: ") and last_child is not None:
                last_child["metrics"] = parse_metrics(message.removeprefix("Metrics: "))
                last_child = None
            elif m := ITERATION_ERROR_LINE.match(message):
                record_failure(events, int(m.group(1)), m.group(2), token_counts(m, 3))
            elif m := (ITERATION_TIMEOUT_LINE.match(message) or RESULT_ERROR_LINE.match(message)):
                record_failure(events, int(m.group(1)), m.group(2), None)
            elif message == INITIAL_PROGRAM_LINE:
                awaiting_initial = True
            elif awaiting_initial and (m := EVALUATED_LINE.match(message)):
                events.initial[m.group(1)] = parse_metrics(m.group(2))
                awaiting_initial = False
            elif m := CALL_USAGE_LINE.match(message):
                events.call_usage.append({"model": m.group(1), "prompt_tokens": int(m.group(2)),
                                          "completion_tokens": int(m.group(3)), "total_tokens": int(m.group(4))})
            elif CALL_NO_USAGE_LINE.match(message):
                events.calls_without_usage += 1
    return events


def record_failure(events: LogEvents, iteration: int, error: str, tokens):
    events.failures[iteration] = {"error": error, "tokens": tokens}
    events.children.pop(iteration, None)


def load_run(run_dir: Path) -> Run:
    checkpoints = checkpoint_dirs(run_dir)
    log_files = sorted((run_dir / "logs").glob("*.log"))  # named by start time: oldest first
    trace_path = trace_location(run_dir)
    return Run(
        run_dir=run_dir,
        run_info=read_json(run_dir / "run_info.json"),
        evaluations=read_jsonl(run_dir / "evaluations.jsonl"),
        log_files=log_files,
        log=parse_logs(log_files),
        trace_path=trace_path,
        trace=read_jsonl(trace_path),
        trace_failures=read_jsonl(failures_location(trace_path)),
        checkpoints=checkpoints,
        programs=checkpoint_programs(checkpoints),
    )


# ----------------------------------------------------------------------------- combining sources


def iteration_records(run: Run) -> dict:
    """iteration -> {program, score, error, tokens}: one record per iteration, from checkpoints,
    the trace and the logs together (each can miss some: a checkpoint only holds the programs
    still in the database, a killed run loses the trace's buffer, a log can be deleted)."""
    records = {}

    def merge(iteration, **values):
        record = records.setdefault(int(iteration), {"program": None, "score": None, "error": None, "tokens": None})
        for key, value in values.items():
            if record[key] is None:
                record[key] = value

    for program in run.programs.values():
        merge(program.get("iteration_found", 0), program=program["id"],
              score=program.get("metrics", {}).get("combined_score"),
              tokens=(program.get("metadata") or {}).get("token_usage"))
    for program_id, metrics in run.log.initial.items():
        merge(0, program=program_id, score=metrics.get("combined_score"))
    for entry in run.trace or []:
        merge(entry["iteration"], program=entry.get("child_id"),
              score=entry.get("child_metrics", {}).get("combined_score"),
              tokens=(entry.get("metadata") or {}).get("token_usage"))
    for iteration, child in run.log.children.items():
        merge(iteration, program=child["program"], score=child["metrics"].get("combined_score"), tokens=child["tokens"])
    for entry in run.trace_failures or []:
        merge(entry["iteration"], error=entry.get("error"), tokens=entry.get("token_usage"))
    for iteration, failure in run.log.failures.items():
        merge(iteration, error=failure["error"], tokens=failure["tokens"])
    return dict(sorted(records.items()))


def best_so_far(records: dict) -> list:
    """(iteration, best combined_score up to it) for every iteration that has a score."""
    best, points = -math.inf, []
    for iteration, record in records.items():
        if record["score"] is not None:
            best = max(best, record["score"])
            points.append((iteration, best))
    return points


def iteration_failure_reason(error: str) -> tuple:
    """(reason, whether the LLM's reply gave no usable diff) for an iteration without a program."""
    for text, reason, no_usable_diff in ITERATION_FAILURES:
        if text in error:
            return reason, no_usable_diff
    return "other", False


@dataclass
class IterationFailures:
    reasons: dict  # reason -> iterations
    no_usable_diff: int  # iterations whose LLM reply gave no usable diff, any reason
    no_diff_found: int  # ... of which openevolve logged "No valid diffs found in response"


def iteration_failure_counts(records: dict) -> IterationFailures:
    failures = IterationFailures({}, 0, 0)
    for record in records.values():
        if record["score"] is None and record["error"]:
            reason, unusable = iteration_failure_reason(record["error"])
            failures.reasons[reason] = failures.reasons.get(reason, 0) + 1
            failures.no_usable_diff += unusable
            failures.no_diff_found += record["error"].startswith("No valid diffs found")
    return failures


def evaluation_outcome(failed_gate) -> str:
    if failed_gate is None:
        return "passed"
    return GATE_KINDS.get(failed_gate, "other")


def evaluated_programs(run: Run) -> dict:
    """program id -> (metrics, error artifact) of every evaluated program checkpoints and trace know."""
    programs = {}
    for entry in run.trace or []:
        programs[entry["child_id"]] = (entry.get("child_metrics", {}), (entry.get("artifacts") or {}).get("error"))
    for program in run.programs.values():
        artifacts = json.loads(program["artifacts_json"]) if program.get("artifacts_json") else {}
        programs[program["id"]] = (program.get("metrics", {}), artifacts.get("error"))
    return programs


def gate_of_error(error) -> str | None:
    """evaluator.py's errors start with the gate's name: 'check_compiles: ...'."""
    if not error:
        return None
    gate = str(error).split(":", 1)[0]
    return gate if gate in GATE_KINDS else "unknown"


def gate_counts(run: Run) -> tuple:
    """(failed gate or None -> count, where the counts come from)."""
    counts = {}
    if run.evaluations is not None:
        for evaluation in run.evaluations:
            gate = None if evaluation.get("success") else (evaluation.get("failed_gate") or "unknown")
            counts[gate] = counts.get(gate, 0) + 1
        return counts, "evaluations.jsonl"
    # Without the evaluator's own log: the error artifact of each program the run kept.
    for metrics, error in evaluated_programs(run).values():
        if "error" in metrics or "timeout" in metrics:
            continue  # openevolve's own failures, counted apart
        gate = gate_of_error(error)
        counts[gate] = counts.get(gate, 0) + 1
    return counts, "error artifacts of the programs in the checkpoints and the trace (evaluations.jsonl missing)"


def openevolve_evaluation_failures(run: Run) -> dict:
    """Evaluations openevolve itself gave up on: its metrics carry 'timeout' or 'error'
    (openevolve 0.4.1 evaluator.py); the evaluator may have written nothing for them."""
    counts = {"timed out": 0, "raised": 0}
    for metrics, _ in evaluated_programs(run).values():
        if metrics.get("timeout"):
            counts["timed out"] += 1
        elif "error" in metrics:
            counts["raised"] += 1
    return counts


def compile_failure_classes(evaluations: list) -> dict:
    """class -> count; a failure of check_compiles without a class (a Python error in the first
    call, not a compiler's) counts as 'unclassified', so that the classes add up to the gate's count."""
    counts = {}
    for evaluation in evaluations:
        unclassified = "unclassified" if evaluation.get("failed_gate") == "check_compiles" else None
        label = evaluation.get("compile_failure_class") or unclassified
        if label:
            counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def best_program(run: Run) -> tuple:
    """(info with metrics, code, where from) of the best program: best/ or the latest checkpoint,
    whichever was saved last (a resumed run killed later has a stale best/), else the
    highest-scoring program in the checkpoints."""
    candidates = []
    for folder in [run.run_dir / "best"] + run.checkpoints[-1:]:
        info, code_path = read_json(folder / "best_program_info.json"), folder / "best_program.py"
        if isinstance(info, dict) and code_path.is_file():
            candidates.append((info.get("saved_at", 0), info, code_path.read_text(), str(code_path.relative_to(run.run_dir))))
    if candidates:
        _, info, code, where = max(candidates, key=lambda c: c[0])
        return info, code, where
    if run.programs:
        program = max(run.programs.values(), key=lambda p: p.get("metrics", {}).get("combined_score", -math.inf))
        return program, program["code"], "the highest-scoring program in the checkpoints"
    return None, None, None


def initial_program(run: Run) -> tuple:
    """(code, where from) of the program the run started from."""
    starters = [p for p in run.programs.values() if p.get("parent_id") is None and p.get("iteration_found", 0) == 0]
    if starters:
        program = min(starters, key=lambda p: p.get("timestamp", 0))
        return program["code"], f"checkpoint program {program['id']} (no parent, iteration 0)"
    runs = (run.run_info or {}).get("runs") or []
    name = runs[0].get("program") if runs else None
    if name:
        # run_evolve_experiment.sh passes the program by its absolute path in the command.
        paths = [Path(arg) for arg in runs[0].get("command", []) if Path(arg).name == name] + [HERE / name]
        for path in paths:
            if path.is_file():
                return path.read_text(), f"{path} (run_info.json; as it is now, which may differ from the run's)"
    return None, None


def benchmark_speedups(metrics: dict) -> dict:
    """benchmark -> (speedup, ceiling or None: not measured)."""
    names = [k.removeprefix("speedup_") for k in metrics if k.startswith("speedup_") and k not in SPEEDUP_SUMMARY_KEYS]
    return {name: (metrics[f"speedup_{name}"], metrics.get(f"ceiling_{name}")) for name in names}


def token_usage(run: Run, records: dict) -> tuple:
    """(list of usage dicts with 'model' where known, what they count). Per-call log lines count
    every call made, retried and lost iterations included; without them, one usage per iteration."""
    if run.log.call_usage:
        return run.log.call_usage, "LLM calls logged by openevolve (every call, lost iterations included)"
    usages = [r["tokens"] for r in records.values() if r["tokens"]]
    return usages, "iterations recorded in logs, trace or checkpoints"


# ----------------------------------------------------------------------------- plots


def plot_scores(records: dict, path: Path):
    scored = [(i, r["score"]) for i, r in records.items() if r["score"] is not None]
    without_program = [i for i, r in records.items() if r["score"] is None]
    best = best_so_far(records)
    figure, axes = plt.subplots(figsize=(8, 4.5))
    axes.plot(*zip(*scored), "o", color="tab:blue", alpha=0.6, label="combined_score of the iteration's program")
    axes.step(*zip(*best), where="post", color="tab:red", label="best so far")
    if without_program:
        axes.plot(without_program, [0] * len(without_program), "x", color="grey", label="no score (no program)")
    axes.axhline(1.0, color="black", linewidth=0.8, linestyle=":", label="SDPA (1.0)")
    axes.set_xlabel("iteration")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_ylabel("combined_score (decode speedup vs SDPA)")
    axes.set_title("combined_score by iteration")
    axes.legend(loc="best", fontsize=8)
    save(figure, path)


def plot_failures(gates: dict, iteration_failures: dict, path: Path):
    panels = [("evaluations by outcome", {outcome_label(g): n for g, n in gates.items()})]
    if iteration_failures:
        panels.append(("iterations without a program, by reason", iteration_failures))
    figure, axes_list = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4), squeeze=False)
    for axes, (title, counts) in zip(axes_list[0], panels):
        labels, values = list(counts), list(counts.values())
        axes.barh(labels, values, color=["tab:green" if l == "passed" else "tab:red" for l in labels])
        axes.invert_yaxis()
        axes.set_xlabel("count")
        axes.set_title(title)
        axes.xaxis.get_major_locator().set_params(integer=True)
    save(figure, path)


def plot_speedups(speedups: dict, path: Path):
    names = list(speedups)
    positions = range(len(names))
    figure, axes = plt.subplots(figsize=(max(6, 1.2 * len(names)), 4.5))
    axes.bar([p - 0.2 for p in positions], [s for s, _ in speedups.values()], width=0.4, label="best program")
    measured = [(p + 0.2, c) for p, (_, c) in zip(positions, speedups.values()) if c is not None]
    if measured:
        axes.bar(*zip(*measured), width=0.4, color="tab:grey", label="ceiling (no-op kernel)")
    axes.axhline(1.0, color="black", linewidth=0.8, linestyle=":", label="SDPA (1.0)")
    axes.set_xticks(list(positions), names, rotation=30, ha="right")
    axes.set_ylabel("decode speedup vs SDPA")
    axes.set_title("best program per benchmark, beside the ceiling")
    axes.legend(fontsize=8)
    save(figure, path)


def save(figure, path: Path):
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


# ----------------------------------------------------------------------------- report sections


def markdown_table(header: list, rows: list) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def outcome_label(gate) -> str:
    return "passed" if gate is None else f"{gate} ({evaluation_outcome(gate)})"


def sources_section(run: Run) -> str:
    def found(path: Path, what: str, missing_because: str) -> str:
        return f"- `{path.relative_to(run.run_dir) if path.is_relative_to(run.run_dir) else path}`: " + (
            what if path.exists() else f"**missing** ({missing_because})")

    n_evaluations = len(run.evaluations) if run.evaluations is not None else 0
    lines = [
        found(run.run_dir / "evaluations.jsonl", f"{n_evaluations} evaluations",
              "the evaluator writes it when QWEN3_GQA_EVALUATION_LOG names it; gate counts come from the programs "
              "kept in checkpoints and trace, compile failure classes are unknown"),
        f"- `logs/`: {len(run.log_files)} openevolve log file(s)" if run.log_files else
        "- `logs/`: **missing** (no openevolve log: iterations without a program may be missed)",
        found(run.trace_path, f"{len(run.trace or [])} iterations with a program",
              "openevolve writes it every evolution_trace.buffer_size (10) iterations and at the end: a killed "
              "run loses the rest" if trace_config(run.run_dir).get("enabled") else
              "evolution_trace is not enabled in the run's config"),
        f"- `{failures_location(run.trace_path).name}`: {len(run.trace_failures)} iterations without a program"
        if run.trace_failures is not None else
        f"- `{failures_location(run.trace_path).name}`: none (openevolve writes it at the first iteration without "
        "a program, with evolution_trace.include_failures)",
        f"- `checkpoints/`: {len(run.checkpoints)} (latest: {run.checkpoints[-1].name}), {len(run.programs)} programs"
        if run.checkpoints else "- `checkpoints/`: **missing** (no checkpoint yet)",
        found(run.run_dir / "best", "best program saved", "written when a run ends; a killed run has none"),
        found(run.run_dir / "run_info.json", "present", "not started by run_evolve_experiment.sh"),
    ]
    return "## Sources\n\n" + "\n".join(lines)


def scores_section(records: dict, report_dir: Path) -> str:
    scored = {i: r for i, r in records.items() if r["score"] is not None}
    if not scored:
        return "## combined_score by iteration\n\nNo iteration has a score yet (no checkpoint, trace or log line with metrics)."
    plot_scores(records, report_dir / "scores.png")
    improvements, best = [], -math.inf
    for iteration, record in scored.items():
        if record["score"] > best:
            best = record["score"]
            improvements.append([iteration, f"{record['score']:.4f}", f"`{(record['program'] or '?')[:8]}`"])
    text = (f"{len(records)} iterations seen (0 is the starting program): {len(scored)} with a scored program, "
            f"{len(records) - len(scored)} without one. Best combined_score: **{best:.4f}**.\n\n"
            "![combined_score by iteration](scores.png)\n\nIterations that raised the best so far:\n\n")
    return "## combined_score by iteration\n\n" + text + markdown_table(["iteration", "combined_score", "program"], improvements)


def failures_section(run: Run, records: dict, report_dir: Path) -> str:
    gates, gates_source = gate_counts(run)
    failures = iteration_failure_counts(records)
    parts = ["## Failures"]
    if gates or failures.reasons:
        plot_failures(dict(sorted(gates.items(), key=lambda g: -g[1])), failures.reasons, report_dir / "failures.png")
        parts.append("![failures](failures.png)")
    parts += [evaluations_text(run, gates, gates_source), compile_classes_text(run), iteration_failures_text(failures)]
    return "\n\n".join(parts)


def evaluations_text(run: Run, gates: dict, gates_source: str) -> str:
    if not gates:
        return f"### Evaluations by outcome\n\nNo evaluation known yet (from {gates_source})."
    kinds = {}
    for gate, n in gates.items():
        kinds[evaluation_outcome(gate)] = kinds.get(evaluation_outcome(gate), 0) + n
    rows = [[gate or "passed", evaluation_outcome(gate), n] for gate, n in sorted(gates.items(), key=lambda g: -g[1])]
    text = (f"### Evaluations by outcome\n\nFrom {gates_source}: {sum(gates.values())} evaluations.\n\n"
            + markdown_table(["outcome", "kind", "count"], rows)
            + "\n\nBy kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda k: -k[1])) + ".")
    timings = [e["eval_seconds"] for e in run.evaluations or [] if isinstance(e.get("eval_seconds"), (int, float))]
    if timings:
        text += f" Evaluation time: {sum(timings) / 60:.1f} min in all, median {statistics.median(timings):.1f} s."
    given_up = openevolve_evaluation_failures(run)
    if any(given_up.values()):
        text += (f"\n\nopenevolve itself gave up on evaluations: {given_up['timed out']} timed out, "
                 f"{given_up['raised']} raised (metrics 'timeout' / 'error').")
    return text


def compile_classes_text(run: Run) -> str:
    if run.evaluations is None:
        return "### Compile failures by class\n\nUnknown: evaluations.jsonl is missing."
    classes = compile_failure_classes(run.evaluations)
    if not classes:
        return "### Compile failures by class\n\nNone."
    return "### Compile failures by class\n\n" + markdown_table(["class", "count"], [list(c) for c in classes.items()])


def iteration_failures_text(failures: IterationFailures) -> str:
    if not failures.reasons:
        return "### Iterations without a program\n\nNone: every iteration seen produced a program."
    return (f"### Iterations without a program\n\n{sum(failures.reasons.values())} iterations produced no program; "
            f"**{failures.no_usable_diff}** of them because the LLM's reply gave no usable diff "
            f"({failures.no_diff_found} logged as `Iteration N error: No valid diffs found in response`).\n\n"
            + markdown_table(["reason", "count"], [list(r) for r in failures.reasons.items()]))


def speedups_section(run: Run, report_dir: Path) -> str:
    info, _, where = best_program(run)
    if info is None:
        return "## Best program per benchmark\n\nNo best program yet (no best/ and no checkpoint)."
    metrics = info.get("metrics", {})
    speedups = benchmark_speedups(metrics)
    head = (f"## Best program per benchmark\n\nProgram `{info.get('id', '?')}` from `{where}`, "
            f"combined_score {metrics.get('combined_score', float('nan')):.4f}.\n\n")
    if not speedups:
        return head + "It has no per-benchmark speedups: it did not pass the timing gate."
    plot_speedups(speedups, report_dir / "speedups.png")
    rows = [[name, f"{s:.3f}", "not measured" if c is None else f"{c:.3f}"] for name, (s, c) in speedups.items()]
    return (head + "![speedups](speedups.png)\n\nThe ceiling is a no-op kernel's speedup: the most any kernel "
            "could gain there.\n\n" + markdown_table(["benchmark", "speedup", "ceiling"], rows))


def diff_section(run: Run) -> str:
    _, best_code, best_where = best_program(run)
    initial_code, initial_where = initial_program(run)
    title = "## Best program against the initial one\n\n"
    if best_code is None or initial_code is None:
        missing = " and ".join(n for n, c in (("best", best_code), ("initial", initial_code)) if c is None)
        return title + f"No diff: the {missing} program could not be found."
    diff = list(difflib.unified_diff(initial_code.splitlines(keepends=True), best_code.splitlines(keepends=True),
                                     fromfile="initial", tofile="best"))
    where = f"Initial: {initial_where}. Best: `{best_where}`.\n\n"
    if not diff:
        return title + where + "The best program is the initial program."
    return title + where + "```diff\n" + "".join(line if line.endswith("\n") else line + "\n" for line in diff) + "```"


def tokens_section(run: Run, records: dict) -> str:
    usages, counted = token_usage(run, records)
    title = "## Token usage\n\n"
    if not usages:
        not_returned = (f" openevolve logged 'usage info not returned by API' for {run.log.calls_without_usage} calls."
                        if run.log.calls_without_usage else "")
        return title + f"No token usage recorded: the endpoint reported none, or the run kept no record of it.{not_returned}"
    by_model = {}
    for usage in usages:
        row = by_model.setdefault(usage.get("model") or "not recorded", [0, 0, 0, 0])
        row[0] += 1
        row[1] += usage.get("prompt_tokens", 0)
        row[2] += usage.get("completion_tokens", 0)
        row[3] += usage.get("total_tokens", 0)
    total = [sum(column) for column in zip(*by_model.values())]
    rows = [[model, *row] for model, row in by_model.items()] + [["**all**", *total]]
    return (title + f"As the endpoint reported it (OpenAI `usage`), from {counted}.\n\n"
            + markdown_table(["model", "calls", "prompt tokens", "completion tokens", "total tokens"], rows))


def header_section(run: Run) -> str:
    runs = (run.run_info or {}).get("runs") or []
    lines = [f"# Evolution report: {run.run_dir.name}", "", f"Run directory: `{run.run_dir}`"]
    for session in runs:
        lines.append(f"- started {session.get('started', '?')}: back-end {session.get('backend', '?')}, "
                     f"program `{session.get('program', '?')}`, evaluator {json.dumps(session.get('evaluator_args', {}))}")
    return "\n".join(lines)


def write_report(run_dir: Path) -> Path:
    run = load_run(run_dir)
    report_dir = run_dir / "report"
    report_dir.mkdir(exist_ok=True)
    for old_plot in report_dir.glob("*.png"):  # a plot whose data is gone must not linger
        old_plot.unlink()
    records = iteration_records(run)
    sections = [header_section(run), sources_section(run), scores_section(records, report_dir),
                failures_section(run, records, report_dir), speedups_section(run, report_dir),
                diff_section(run), tokens_section(run, records)]
    path = report_dir / "report.md"
    path.write_text("\n\n".join(sections) + "\n")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, help="an evolution run's output directory")
    run_dir = parser.parse_args(argv).run_dir.resolve()
    if not run_dir.is_dir():
        print(f"error: no run directory {run_dir}", file=sys.stderr)
        return 2
    print(f"wrote {write_report(run_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
