"""An evolution end to end, through run_evolve_experiment.sh and `python -m openevolve.cli`, on the
CPU, against a scripted OpenAI-compatible server on 127.0.0.1 that answers with SEARCH/REPLACE diffs."""

import json
import os
import signal
import subprocess
import sys
import time

from conftest import ROOT
from scripted_llm_server import ScriptedLLM

# A real improvement would be luck; these are a harmless rewrite and a wrong one.
HARMLESS = """<<<<<<< SEARCH
    weights = mx.softmax(scores, axis=-1).reshape(batch, n_kv_heads, group * q_len, k_len)
=======
    weights = mx.softmax(scores, axis=-1, precise=True).reshape(batch, n_kv_heads, group * q_len, k_len)
>>>>>>> REPLACE"""
WRONG = """<<<<<<< SEARCH
    if isinstance(mask, str):
=======
    if isinstance(mask, str) and False:
>>>>>>> REPLACE"""


def test_two_iterations_write_a_best_program_and_its_info(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "GEMINI_API_KEY")}
    with ScriptedLLM([HARMLESS, WRONG]) as llm:
        done = subprocess.run(
            ["bash", str(ROOT / "run_evolve_experiment.sh"), "--python", sys.executable, "--backend", "mlx",
             "--api-base", llm.url, "--output-base", str(tmp_path), "--run-name", "ci", "--foreground", "-i", "2"],
            capture_output=True, text=True, env=env, timeout=900,
        )
    run_dir = tmp_path / "ci"
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert len(llm.prompts) >= 2
    assert "qwen3_custom_gqa_attention" in llm.prompts[0][0]["content"]  # the config's system prompt
    best = run_dir / "best" / "best_program.py"
    info = json.loads((run_dir / "best" / "best_program_info.json").read_text())
    assert "def qwen3_custom_gqa_attention" in best.read_text()
    assert info["metrics"]["combined_score"] > 0
    assert (run_dir / "checkpoints" / "checkpoint_2").is_dir()
    assert (run_dir / "run.log").exists() and (run_dir / "run_info.json").exists()
    programs = [json.loads(p.read_text()) for p in (run_dir / "checkpoints" / "checkpoint_2" / "programs").glob("*.json")]
    scores = sorted(p["metrics"].get("combined_score", 0.0) for p in programs)
    assert len(programs) == 3 and scores[0] == 0.0 and scores[-1] > 0  # the wrong diff scored 0
    # The runner ends with evolution_report.py, which counts failures from the evaluator's own log.
    report = (run_dir / "report" / "report.md").read_text()
    assert "From evaluations.jsonl: 3 evaluations." in report
    assert "| check_compiles | compile | 1 |" in report  # the wrong diff: a str mask fails its first call
    assert f"Best combined_score: **{info['metrics']['combined_score']:.4f}**" in report
    assert "| **all** | " in report  # the scripted server reports token usage
    for png in ("scores.png", "failures.png", "speedups.png"):
        data = (run_dir / "report" / png).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000, png


# Applies to any version of the plain-MLX program, so every iteration yields a candidate.
ALWAYS_APPLIES = """<<<<<<< SEARCH
    batch, n_q_heads, q_len, head_dim = queries.shape
=======
    batch, n_q_heads, q_len, head_dim = queries.shape
    # (a scripted edit)
>>>>>>> REPLACE"""


def test_a_killed_run_resumes_from_its_last_checkpoint(tmp_path):
    """kill -9 in the middle of an evaluation, then --resume: nothing before the last checkpoint is lost."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "GEMINI_API_KEY")}
    run_dir = tmp_path / "killed"
    config = tmp_path / "config.yaml"  # a checkpoint every iteration: the same path, half the evaluations
    config.write_text((ROOT / "config_mlx.yaml").read_text().replace("checkpoint_interval: 2", "checkpoint_interval: 1", 1))
    assert "checkpoint_interval: 1" in config.read_text()
    with ScriptedLLM([ALWAYS_APPLIES]) as llm:
        base = ["bash", str(ROOT / "run_evolve_experiment.sh"), "--python", sys.executable, "--backend", "mlx",
                "--api-base", llm.url, "--output-base", str(tmp_path), "--foreground"]
        run = subprocess.Popen(base + ["--run-name", "killed", "--config", str(config), "-i", "8"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        try:
            deadline = time.monotonic() + 600
            while not (run_dir / "checkpoints" / "checkpoint_1").is_dir():
                assert run.poll() is None and time.monotonic() < deadline, "the run ended before its first checkpoint"
                time.sleep(1)
            while len(llm.prompts) < 2:  # iteration 2 has asked (perhaps before checkpoint 1); its evaluation runs
                assert time.monotonic() < deadline
                time.sleep(0.5)
            time.sleep(2)
        finally:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        assert not (run_dir / "checkpoints" / "checkpoint_2").exists()
        done = subprocess.run(base + ["--resume", "-i", "1"], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "resuming" in done.stdout and "checkpoint_1" in done.stdout
    assert "Resuming from checkpoint at iteration 2" in (run_dir / "run.log").read_text()
    before, after = (checkpoint_summary(run_dir / "checkpoints" / c) for c in ("checkpoint_1", "checkpoint_2"))
    assert (before["last_iteration"], after["last_iteration"]) == (1, 2)
    assert after["best_score"] >= before["best_score"] > 0  # the best program found before the kill survives


def checkpoint_summary(checkpoint):
    metadata = json.loads((checkpoint / "metadata.json").read_text())
    best = json.loads((checkpoint / "programs" / f"{metadata['best_program_id']}.json").read_text())
    return {"last_iteration": metadata["last_iteration"], "best_score": best["metrics"]["combined_score"]}
