"""run_evolve_experiment.sh --llm-server local: a real mlx_lm.server with the tiny synthetic model, on
the CPU. Its replies are random tokens, so no iteration yields a program; what is checked is the
plumbing: the server starts, answers openevolve, is stopped with the run, and the run says what
became of the replies."""

import os
import signal
import subprocess
import sys
import time

import yaml
from conftest import ROOT

SCRIPT = ROOT / "run_evolve_experiment.sh"
# The prompt's template for this test: the program and the format, nothing else, so that a 2-core
# CPU reads it in seconds (the tiny model processes about 150 prompt tokens per second here).
SHORT_PROMPT = """Improve this program; its score is {fitness_score}. Answer only with SEARCH/REPLACE diffs.
```{language}
{current_program}
```
"""


def environment():
    return {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "GEMINI_API_KEY")}


def small_config(tmp_path):
    """config_mlx.yaml with a short prompt (custom template, no artifacts, no other programs)."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "diff_user.txt").write_text(SHORT_PROMPT)
    config = yaml.safe_load((ROOT / "config_mlx.yaml").read_text())
    config["prompt"].update(template_dir=str(templates), num_top_programs=1, num_diverse_programs=0,
                            include_artifacts=False, system_message="You improve Python programs.")
    config["llm"].update(temperature=0.0, retries=0)  # the same prompt twice: the server's cache answers
    path = tmp_path / "config_small.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def local_run_args(tmp_path, tiny_model, run_name, *extra):
    return ["bash", str(SCRIPT), "--python", sys.executable, "--backend", "mlx", "--model", "synthetic-tiny",
            "--benchmarks", "micro_generation", "--config", str(small_config(tmp_path)),
            "--output-base", str(tmp_path), "--run-name", run_name, "--llm-server", "local",
            "--llm-model", tiny_model.path, "--llm-max-tokens", "32", "--llm-timeout", "600", *extra]


def processes(*words):
    """Live processes whose command line holds every one of `words` (a zombie is not alive)."""
    listing = subprocess.run(["ps", "-ww", "-eo", "pid=,stat=,args="], capture_output=True, text=True).stdout
    found = []
    for line in listing.splitlines():
        pid, stat, args = (line.split(None, 2) + [""])[:3]
        if not stat.startswith("Z") and all(word in args for word in words):
            found.append(int(pid))
    return found


def server_port(run_dir):
    api_base = yaml.safe_load((run_dir / "config.yaml").read_text())["llm"]["api_base"]
    return api_base.rsplit(":", 1)[1].split("/")[0]


def test_a_local_server_answers_every_iteration_and_stops_with_the_run(tmp_path, tiny_model):
    done = subprocess.run(local_run_args(tmp_path, tiny_model, "local", "--foreground", "-i", "2"),
                          capture_output=True, text=True, env=environment(), timeout=600)
    run_dir = tmp_path / "local"
    output = done.stdout + done.stderr
    # openevolve 0.4.1 counts a run in which no reply gave a program as failed (exit 1), and says why.
    assert done.returncode == 1, output[-4000:]
    assert "Evolution failed: 0/2 iterations produced a candidate program. " \
           "Last error: No valid diffs found in response" in output
    assert "answers on http://127.0.0.1:" in output and "model id: default_model" in output

    # The server received openevolve's requests and wrote only short replies (--llm-max-tokens).
    server_log = (run_dir / "llm_server.log").read_text()
    assert '"POST /v1/chat/completions HTTP/1.1" 200' in server_log
    (log,) = (run_dir / "logs").glob("openevolve_*.log")
    log_text = log.read_text()
    for iteration in (1, 2):
        assert f"Iteration {iteration} error [diff]: No valid diffs found in response" in log_text
    assert "completion: 32)" in log_text
    config = yaml.safe_load((run_dir / "config.yaml").read_text())["llm"]
    assert (config["max_tokens"], config["timeout"], config["primary_model"]) == (32, 600, "default_model")
    assert "secondary_model" not in config

    # The script's own summary, in plain words.
    assert "LLM replies: 2 of 2 iterations produced no valid diff" in done.stdout
    assert "no reply of the LLM could be applied" in done.stdout

    # Nothing of the server is left.
    pid = int((run_dir / "llm_server.pid").read_text())
    assert f"stopped the LLM server (pid {pid})" in done.stdout
    assert processes("mlx_lm", "server", f"--port {server_port(run_dir)}") == []


def test_terminating_a_background_run_stops_openevolve_and_the_server(tmp_path, tiny_model):
    run_dir = tmp_path / "bg"
    done = subprocess.run(local_run_args(tmp_path, tiny_model, "bg", "-i", "2"),
                          capture_output=True, text=True, env=environment(), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    supervisor = int((run_dir / "run.pid").read_text())
    run_log = run_dir / "run.log"
    deadline = time.monotonic() + 180
    while "Adding initial program" not in (run_log.read_text() if run_log.exists() else ""):
        assert time.monotonic() < deadline, run_log.read_text()[-3000:]
        time.sleep(0.5)
    port = server_port(run_dir)
    assert processes("mlx_lm", "server", f"--port {port}") and processes("openevolve.cli", str(run_dir))

    os.kill(supervisor, signal.SIGTERM)
    while "terminated (SIGTERM)" not in run_log.read_text():
        assert time.monotonic() < deadline, run_log.read_text()[-3000:]
        time.sleep(0.5)
    assert processes("mlx_lm", "server", f"--port {port}") == []
    assert processes("openevolve.cli", str(run_dir)) == []
    assert "stopped the LLM server" in run_log.read_text()


def test_a_server_that_cannot_start_is_reported_with_its_log(tmp_path, tiny_model):
    done = subprocess.run(local_run_args(tmp_path, tiny_model, "broken", "--foreground", "-i", "1",
                                         "--llm-server-args", "--no-such-flag"),
                          capture_output=True, text=True, env=environment(), timeout=120)
    assert done.returncode == 1
    assert "error: the LLM server" in done.stdout and "exited before it answered" in done.stdout
    assert "unrecognized arguments: --no-such-flag" in done.stdout  # the log's tail
    assert not (tmp_path / "broken" / "logs").exists()  # openevolve never started
