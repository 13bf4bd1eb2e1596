"""The evaluator's gates, on the CPU with the tiny synthetic model and the programs in tests/programs.

Each bad program must score 0 at the gate that owns its fault, with a message that names it.
"""

import math
import time

import pytest
from conftest import PROGRAMS, ROOT

import evaluator
from evaluator import GATES

# program -> (gate that must reject it, words its error must contain)
REJECTED = {
    "syntax_error": ("check_source", "syntax error at line 1"),
    "zeros": ("check_correctness", "row error"),
    "wrong_values": ("check_correctness", "row error"),
    "nan_long_context": ("check_correctness", "decode_L4100: 2048 NaN/Inf"),
    "wrong_shape": ("check_compiles", "returned shape (1, 8, 1, 128), expected (1, 16, 1, 128)"),
    "wrong_dtype": ("check_compiles", "returned dtype mlx.core.float32"),
    "key_length_bug": ("check_correctness", "decode_L255: row error"),
    "truncated_window": ("check_correctness", "decode_L1000: row error"),
    "ignores_mask": ("check_correctness", "prefill_causal_L64: row error"),
    "sdpa_decode_direct": ("check_compiles", "SDPAOnDecodePath"),
    "sdpa_decode_mlx_lm_helper": ("check_compiles", "SDPAOnDecodePath"),
    "sdpa_decode_getattr": ("check_compiles", "SDPAOnDecodePath"),
    "cached_output": ("check_correctness", "row error"),
    "raises": ("check_compiles", "RuntimeError: this kernel is broken on purpose"),
    "exits_at_import": ("check_compiles", "importing the program: SystemExit: 0"),
    "patches_clock": ("measure_decode", "clocks tampered with"),
    "wrong_after_many_calls": ("measure_decode", "SpotCheckFailed"),
    "exits_during_call": ("check_compiles", "ended (exit code 0) without a result"),
    "kills_itself": ("check_compiles", "ended (exit code -9) without a result"),
}


def test_gates_run_in_the_documented_order():
    assert [g.__name__ for g in GATES] == ["check_source", "check_compiles", "check_correctness",
                                           "check_kernel_speed", "measure_decode"]


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_bad_program_scores_zero_with_its_reason(tiny_evaluator, name):
    gate, words = REJECTED[name]
    result = tiny_evaluator.evaluate(PROGRAMS / f"{name}.py")
    assert result["success"] is False
    assert result["combined_score"] == 0.0
    assert result["error"].startswith(gate + ":"), result["error"]
    assert words in result["error"], result["error"]
    assert result["summary"].startswith("combined_score 0: failed " + gate)


def test_program_over_the_memory_limit_is_killed(tiny_evaluator, monkeypatch):
    monkeypatch.setenv("QWEN3_GQA_MAX_CHILD_RSS_GB", "2")
    result = tiny_evaluator.evaluate(PROGRAMS / "hogs_memory.py")
    assert result["combined_score"] == 0.0
    assert result["error"].startswith("check_compiles:") and "GiB of host memory, limit 2.0 GiB" in result["error"]


def test_program_writing_beside_the_evaluator_is_caught(tiny_evaluator):
    probe = ROOT / "stray_write_probe.py"
    try:
        result = tiny_evaluator.evaluate(PROGRAMS / "writes_outside.py")
    finally:
        probe.unlink(missing_ok=True)
    assert result["combined_score"] == 0.0
    assert result["error"].startswith("check_no_stray_writes:") and "stray_write_probe.py" in result["error"]


def test_hanging_program_is_killed_within_90_seconds(tiny_evaluator):
    start = time.monotonic()
    result = tiny_evaluator.evaluate(PROGRAMS / "hangs.py")
    assert time.monotonic() - start < 90
    assert result["combined_score"] == 0.0
    assert result["error"].startswith("check_compiles:") and "timed out" in result["error"]


def test_correct_program_scores_its_measured_speedup(tiny_evaluator):
    start = time.monotonic()
    result = tiny_evaluator.evaluate(ROOT / "initial_program_mlx.py")
    assert time.monotonic() - start < 90
    assert result["success"], result["error"]
    metrics = result["metrics"]
    assert result["combined_score"] == pytest.approx(metrics["geomean_speedup"])
    assert 0.3 < result["combined_score"] < 3.0
    assert metrics["speedup_ci_low"] <= metrics["geomean_speedup"] <= metrics["speedup_ci_high"]
    assert metrics["correctness_worst_error_ratio"] < 1.0
    assert result["model"]["name"] == "synthetic-tiny" and result["model"]["synthetic"]
    assert "timing_table" in result["artifacts"] and "correctness_table" in result["artifacts"]
    for key in evaluator.FEATURE_KEYS:
        assert math.isfinite(metrics[key]) and metrics[key] > 0


def test_two_evaluations_of_one_program_agree_within_ten_percent(tiny_evaluator):
    scores = [tiny_evaluator.evaluate(ROOT / "initial_program_mlx.py")["combined_score"] for _ in range(2)]
    assert min(scores) > 0
    assert max(scores) / min(scores) < 1.10, scores


def test_slow_but_correct_program_is_accepted_with_a_lower_score(tiny_evaluator):
    result = tiny_evaluator.evaluate(PROGRAMS / "slow_but_correct.py")
    assert result["success"], result["error"]
    assert 0 < result["combined_score"] < 0.9


def test_program_for_a_missing_backend_gets_a_clear_summary_not_a_traceback(tiny_evaluator):
    result = tiny_evaluator.evaluate(ROOT / "initial_program.py")  # Metal; MLX here has no Metal
    assert result["combined_score"] == 0.0
    assert "is a metal program (mx.fast.metal_kernel) but MLX here has no metal back-end" in result["summary"]
    assert "initial_program_mlx.py" in result["summary"]
    assert "Traceback" not in result["summary"]


def test_missing_program_file(tiny_evaluator, tmp_path):
    result = tiny_evaluator.evaluate(tmp_path / "nope.py")
    assert result["error"].startswith("check_source: no such program")


def test_entry_point_signature_is_checked(tiny_evaluator, tmp_path):
    program = tmp_path / "p.py"
    program.write_text("def qwen3_custom_gqa_attention(q, k, v):\n    return q\n")
    assert "must take ('queries', 'keys', 'values', 'scale', 'mask')" in tiny_evaluator.evaluate(program)["error"]


def test_backend_is_read_from_what_the_program_calls():
    import ast

    assert evaluator.program_backend(ast.parse("import mlx.core as mx\nk = mx.fast.cuda_kernel(name='k')")) == "cuda"
    assert evaluator.program_backend(ast.parse("from mlx.core.fast import metal_kernel\nk = metal_kernel(name='k')")) == "metal"
    assert evaluator.program_backend(ast.parse("k = mx.fast.metal_kernel(name='k')")) == "metal"
    assert evaluator.program_backend(ast.parse("y = mx.softmax(x)")) == "mlx"
    with pytest.raises(ValueError):
        evaluator.program_backend(ast.parse("a = mx.fast.metal_kernel\nb = mx.fast.cuda_kernel"))


def test_openevolve_entry_point_returns_evaluation_result_with_feature_keys(monkeypatch):
    from openevolve.evaluation_result import EvaluationResult

    result = evaluator.evaluate(str(PROGRAMS / "raises.py"), model="synthetic-tiny", benchmarks="micro_generation")
    assert isinstance(result, EvaluationResult)
    assert result.metrics["combined_score"] == 0.0
    for key in evaluator.FEATURE_KEYS:  # openevolve drops programs whose feature keys are missing
        assert key in result.metrics
    assert "broken on purpose" in result.artifacts["error"]
    assert all(isinstance(v, (int, float)) for v in result.metrics.values())
