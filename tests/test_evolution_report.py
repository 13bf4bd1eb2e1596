"""evolution_report.py on run directories written here by hand, in the formats openevolve 0.4.1 and
evaluator.py write (the real run's report is checked in test_evolution.py)."""

import json
import subprocess
import sys

import pytest

import evolution_report
from conftest import ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
INITIAL_CODE = "def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):\n    return slow(queries)\n"
BEST_CODE = "def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):\n    return fast(queries)\n"
BEST_METRICS = {"combined_score": 1.2, "speedup_micro_generation": 1.3, "ceiling_micro_generation": 1.5,
                "speedup_long_context_4k": 1.1, "speedup_ci_low": 0.9, "speedup_ci_high": 1.4, "geomean_speedup": 1.2}


def program(program_id, iteration, parent, metrics, code=BEST_CODE, error=None, token_usage=None, metadata=None):
    artifacts = {"summary": "...", **({"error": error} if error else {})}
    if metadata is None:  # as openevolve's worker writes it for a child of the LLM
        metadata = {"island": 0, **({"changes": "Change 1: ...", "token_usage": token_usage} if parent else {})}
    return {"id": program_id, "code": code, "language": "python", "parent_id": parent, "generation": int(bool(parent)),
            "timestamp": 1000.0 + iteration, "iteration_found": iteration, "metrics": metrics,
            "metadata": metadata, "artifacts_json": json.dumps(artifacts)}


def evaluation(success, score, gate=None, compile_class=None):
    return {"time": "2026-01-01T00:00:00", "program": "/tmp/tmpabc.py", "success": success, "combined_score": score,
            "failed_gate": gate, "compile_failure_class": compile_class, "error": f"{gate}: ..." if gate else None,
            "eval_seconds": 30.0, "metrics": {"combined_score": score}}


def log_line(message, logger="openevolve.process_parallel", level="INFO"):
    return f"2026-01-01 00:00:00,000 - {logger} - {level} - {message}"


LOG_LINES = [
    log_line("Adding initial program to database", "openevolve.controller"),
    log_line("Evaluated program init in 30.00s: combined_score=1.0000, eval_seconds=30.0000", "openevolve.evaluator"),
    log_line("LLM Token Usage (model-a): prompt_tokens=1000, completion_tokens=200, total_tokens=1200", "openevolve.llm.openai"),
    log_line("Iteration 1: Program best (parent: init) completed in 31.00s | tokens: 1200 (prompt: 1000, completion: 200)"),
    log_line("Metrics: combined_score=1.2000, speedup_micro_generation=1.3000"),
    log_line("LLM Token Usage (model-b): prompt_tokens=1100, completion_tokens=300, total_tokens=1400", "openevolve.llm.openai"),
    log_line("Iteration 2: Program broken (parent: init) completed in 2.00s | tokens: 1400 (prompt: 1100, completion: 300)"),
    log_line("Metrics: combined_score=0.0000"),
    log_line("LLM Token Usage (model-a): prompt_tokens=900, completion_tokens=50, total_tokens=950", "openevolve.llm.openai"),
    log_line("Iteration 3 error [diff]: No valid diffs found in response | tokens: 950 (prompt: 900, completion: 50)",
             level="WARNING"),
    log_line("LLM Token Usage (model-a): prompt_tokens=950, completion_tokens=60, total_tokens=1010", "openevolve.llm.openai"),
    log_line("Iteration 4 error [diff]: None of the 1 SEARCH block(s) matched the parent program", level="WARNING"),
    "  a continuation line of a multi-line message",
    log_line("Iteration 5: Program wrong (parent: best) completed in 20.00s"),
    log_line("Metrics: combined_score=0.0000"),
]


def write_jsonl(path, records, truncated_tail=""):
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + truncated_tail)


@pytest.fixture
def run_dir(tmp_path):
    """A 5-iteration run: a better program (1), a compile failure (2), no diff in the reply (3), a diff
    that did not apply (4), a correctness failure (5, only in the log and the trace)."""
    run = tmp_path / "run"
    checkpoint = run / "checkpoints" / "checkpoint_4"
    (checkpoint / "programs").mkdir(parents=True)
    programs = [
        program("init", 0, None, {"combined_score": 1.0}, code=INITIAL_CODE),
        program("best", 1, "init", BEST_METRICS, token_usage={"prompt_tokens": 1000, "completion_tokens": 200,
                                                             "total_tokens": 1200, "model": "model-a"}),
        program("broken", 2, "init", {"combined_score": 0.0}, error="check_compiles: first call: NVRTC error"),
        # openevolve's copies of "best", never evaluated: a migrant and the seed of an empty island
        program("aaa-migrant", 0, "best", BEST_METRICS, metadata={"island": 1, "changes": "...", "migrant": True}),
        program("aaa-seed", 4, "best", BEST_METRICS, metadata={"island": 2}),
    ]
    for p in programs:
        (checkpoint / "programs" / f"{p['id']}.json").write_text(json.dumps(p))
    (checkpoint / "metadata.json").write_text(json.dumps({"best_program_id": "best", "last_iteration": 4}))
    (checkpoint / "best_program.py").write_text(BEST_CODE)
    (checkpoint / "best_program_info.json").write_text(json.dumps({"id": "best", "metrics": BEST_METRICS, "saved_at": 10}))
    (run / "best").mkdir()
    (run / "best" / "best_program.py").write_text(BEST_CODE)
    (run / "best" / "best_program_info.json").write_text(json.dumps({"id": "best", "metrics": BEST_METRICS, "saved_at": 20}))
    (run / "logs").mkdir()
    (run / "logs" / "openevolve_20260101_000000.log").write_text("\n".join(LOG_LINES) + "\n")
    (run / "config.yaml").write_text("evolution_trace:\n  enabled: true\n  format: jsonl\n")
    write_jsonl(run / "evolution_trace.jsonl", [
        {"iteration": 5, "parent_id": "best", "child_id": "wrong", "parent_metrics": BEST_METRICS,
         "child_metrics": {"combined_score": 0.0}, "artifacts": {"error": "check_correctness: decode_L1: wrong"}},
    ])
    write_jsonl(run / "evolution_trace_failures.jsonl", [
        {"iteration": 3, "error": "No valid diffs found in response", "token_usage": None},
    ])
    write_jsonl(run / "evaluations.jsonl", [
        evaluation(True, 1.0), evaluation(True, 1.2),
        evaluation(False, 0.0, "check_compiles", "bf16_conversion"),
        evaluation(False, 0.0, "check_correctness"),
        evaluation(False, 0.0, "check_compiles", "bf16_conversion"),
        evaluation(False, 0.0, "check_source", "syntax"),
        evaluation(False, 0.0, "check_compiles"),
    ], truncated_tail='{"time": "2026-01-01T00:09:00", "succ')  # the evaluator was killed mid-write
    (run / "run_info.json").write_text(json.dumps({"runs": [{"started": "2026-01-01 00:00:00", "backend": "mlx",
                                                             "program": "initial_program_mlx.py", "command": []}]}))
    return run


def assert_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 1000, path


def test_failures_are_counted_by_gate_and_compile_class(run_dir):
    run = evolution_report.load_run(run_dir)
    counts, source = evolution_report.gate_counts(run)
    assert source == "evaluations.jsonl"
    assert counts == {None: 2, "check_compiles": 3, "check_correctness": 1, "check_source": 1}
    assert evolution_report.compile_failure_classes(run.evaluations) == {"bf16_conversion": 2, "syntax": 1,
                                                                         "unclassified": 1}


def test_iterations_without_a_usable_diff_are_counted_apart(run_dir):
    records = evolution_report.iteration_records(evolution_report.load_run(run_dir))
    failures = evolution_report.iteration_failure_counts(records)
    assert failures.reasons == {"no SEARCH/REPLACE diff in the reply": 1, "diff did not match the parent": 1}
    assert (failures.no_usable_diff, failures.no_diff_found) == (2, 1)


def test_scores_by_iteration_come_from_checkpoints_logs_and_trace(run_dir):
    records = evolution_report.iteration_records(evolution_report.load_run(run_dir))
    assert {i: r["score"] for i, r in records.items()} == {0: 1.0, 1: 1.2, 2: 0.0, 3: None, 4: None, 5: 0.0}
    assert records[5]["program"] == "wrong"  # in the log and the trace only
    assert evolution_report.best_so_far(records) == [(0, 1.0), (1, 1.2), (2, 1.2), (5, 1.2)]


def test_token_usage_counts_every_logged_call(run_dir):
    run = evolution_report.load_run(run_dir)
    usages, _ = evolution_report.token_usage(run, evolution_report.iteration_records(run))
    assert len(usages) == 4
    assert sum(u["total_tokens"] for u in usages) == 1200 + 1400 + 950 + 1010


def test_report_has_every_section_and_valid_plots(run_dir):
    path = evolution_report.write_report(run_dir)
    assert path == run_dir / "report" / "report.md"
    report = path.read_text()
    for png in ("scores.png", "failures.png", "speedups.png"):
        assert_png(run_dir / "report" / png)
        assert f"]({png})" in report
    assert "Best combined_score: **1.2000**" in report
    assert "| 1 | 1.2000 | `best` |" in report  # iterations that raised the best so far
    assert "From evaluations.jsonl: 7 evaluations." in report
    assert "| check_compiles | compile | 3 |" in report and "| check_correctness | correctness | 1 |" in report
    assert "| bf16_conversion | 2 |" in report and "| syntax | 1 |" in report and "| unclassified | 1 |" in report
    assert "**2** of them because the LLM's reply gave no usable diff (1 logged as" in report
    assert "| micro_generation | 1.300 | 1.500 |" in report
    assert "| long_context_4k | 1.100 | not measured |" in report
    assert "ci_low" not in report.split("## Best program per benchmark")[1].split("## Best program against")[0]
    assert "-    return slow(queries)\n+    return fast(queries)" in report
    assert "| **all** | 4 | 3950 | 610 | 4560 |" in report


def test_plots_of_a_former_report_do_not_linger(run_dir):
    evolution_report.write_report(run_dir)
    (run_dir / "best" / "best_program_info.json").write_text(json.dumps({"id": "x", "metrics": {}, "saved_at": 30}))
    report = evolution_report.write_report(run_dir).read_text()
    assert not (run_dir / "report" / "speedups.png").exists()
    assert "It has no per-benchmark speedups" in report


def test_without_evaluations_jsonl_gates_come_from_error_artifacts(run_dir):
    (run_dir / "evaluations.jsonl").unlink()
    run = evolution_report.load_run(run_dir)
    counts, source = evolution_report.gate_counts(run)
    assert counts == {None: 2, "check_compiles": 1, "check_correctness": 1} and "evaluations.jsonl missing" in source
    report = evolution_report.write_report(run_dir).read_text()
    assert "`evaluations.jsonl`: **missing**" in report
    assert "Unknown: evaluations.jsonl is missing." in report


def test_a_killed_run_without_checkpoint_or_best_still_gets_a_report(run_dir):
    for folder in ("checkpoints", "best"):
        subprocess.run(["rm", "-r", str(run_dir / folder)], check=True)
    (run_dir / "evolution_trace.jsonl").unlink()  # openevolve buffers it: a killed run may have none
    report = evolution_report.write_report(run_dir).read_text()
    assert "`checkpoints/`: **missing** (no checkpoint yet)" in report
    assert "`evolution_trace.jsonl`: **missing** (openevolve writes it every" in report
    assert "No best program yet" in report and "the best program could not be found" in report
    assert "Best combined_score: **1.2000**" in report  # from the log alone
    assert_png(run_dir / "report" / "scores.png")


def test_an_empty_run_directory_gets_a_report_that_says_what_is_missing(tmp_path):
    report = evolution_report.write_report(tmp_path).read_text()
    assert "No iteration has a score yet" in report
    assert "No token usage recorded" in report
    assert "No evaluation known yet" in report
    assert list((tmp_path / "report").glob("*.png")) == []


def test_an_endpoint_without_usage_is_reported_in_one_line(run_dir):
    log = run_dir / "logs" / "openevolve_20260101_000000.log"
    lines = [l for l in log.read_text().splitlines() if "LLM Token Usage" not in l]
    lines = [l.split(" | tokens:")[0] for l in lines]
    log.write_text("\n".join(lines + [log_line("LLM Token Usage (m): usage info not returned by API", "openevolve.llm.openai")]))
    (run_dir / "checkpoints" / "checkpoint_4" / "programs" / "best.json").write_text(
        json.dumps(program("best", 1, "init", BEST_METRICS)))
    report = evolution_report.write_report(run_dir).read_text()
    assert ("No token usage recorded: the endpoint reported none, or the run kept no record of it. openevolve "
            "logged 'usage info not returned by API' for 1 calls.") in report


def test_the_command_prints_where_it_wrote(run_dir):
    done = subprocess.run([sys.executable, str(ROOT / "evolution_report.py"), str(run_dir)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {run_dir / 'report' / 'report.md'}"
    missing = subprocess.run([sys.executable, str(ROOT / "evolution_report.py"), str(run_dir / "nothing")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "no run directory" in missing.stderr
