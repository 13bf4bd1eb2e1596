"""mlx_lm_generate_with_hook.py: a trial prints mlx-lm's lines, markers, and exact call counts."""

import json
import subprocess
import sys

import pytest
from conftest import PROGRAMS, ROOT

import qwen3_benchmark_suite as suite


def run_wrapper(model, *extra):
    cmd = [sys.executable, str(ROOT / "mlx_lm_generate_with_hook.py"), "--model", model.path,
           "--benchmarks", "micro_generation,short_context_quick", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def results(stdout):
    return [json.loads(line.split(" ", 1)[1]) for line in stdout.splitlines() if line.startswith("@@result ")]


@pytest.mark.parametrize("program", [None, ROOT / "initial_program_mlx.py"])
def test_call_counts_match_mlx_lms_loop(tiny_model, program):
    extra = ["--hook-program", str(program)] if program else []
    done = run_wrapper(tiny_model, *extra)
    assert done.returncode == 0, done.stderr
    for line in ("Prompt: 32 tokens", "Generation: 10 tokens", "Peak memory:", "Attention calls: decode_own="):
        assert line in done.stdout
    layers = 2
    for r in results(done.stdout):
        config = suite.BENCHMARKS[r["benchmark"]]
        want = suite.expected_attention_calls(config, layers)
        calls = r["calls"]
        assert r["generation_tokens"] == config.max_tokens
        assert calls["decode_own"] + calls["decode_handed_over"] == want["decode"] == layers * (config.max_tokens + 1)
        assert calls["prefill_own"] + calls["prefill_handed_over"] == want["prefill"]
        own = program is not None
        assert calls["decode_own" if own else "decode_handed_over"] == want["decode"]


def test_sdpa_in_decode_fails_the_trial(tiny_model):
    done = run_wrapper(tiny_model, "--hook-program", str(PROGRAMS / "sdpa_decode_direct.py"))
    assert done.returncode != 0 and "SDPAOnDecodePath" in done.stderr


def test_aa_mode_lets_sdpa_through_and_counts_it_as_handed_over(tiny_model):
    done = run_wrapper(tiny_model, "--hook-program", str(PROGRAMS / "sdpa_decode_direct.py"), "--allow-sdpa-decode")
    assert done.returncode == 0, done.stderr
    assert all(r["calls"]["decode_own"] == 0 and r["calls"]["decode_handed_over"] > 0 for r in results(done.stdout))


def test_the_baseline_takes_the_programs_path(monkeypatch):
    # Both sides must pay the same per-call costs: the guard, the hook's program branch, the checks.
    import mlx.core as mx

    import mlx_lm_generate_with_hook as trial
    from attention_hook import AttentionHook

    monkeypatch.setattr(mx.fast, "scaled_dot_product_attention", mx.fast.scaled_dot_product_attention)
    attention, guard = trial.timed_attention(None)
    assert attention.__code__.co_filename == str(trial.SDPA_PROGRAM) and guard.allow_decode
    queries = mx.zeros((1, 16, 1, 128))
    keys = values = mx.zeros((1, 8, 5, 128))
    hook = AttentionHook(attention, guard)
    hook(queries, keys, values, None, 1.0, None)
    assert guard.calls == 1 and hook.calls.decode_handed_over == 1
