"""run_evolve_experiment.sh: its flags, the API-key rule and resuming (no evolution runs here)."""

import json
import os
import re
import subprocess
import sys

from conftest import ROOT

SCRIPT = ROOT / "run_evolve_experiment.sh"


def run(*args, env=None):
    environment = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "GEMINI_API_KEY")}
    environment.update(env or {})
    return subprocess.run(["bash", str(SCRIPT), "--python", sys.executable, *args],
                          capture_output=True, text=True, env=environment, timeout=120)


def test_help_needs_nothing():
    done = subprocess.run(["bash", str(SCRIPT), "-h"], capture_output=True, text=True, env={"PATH": os.environ["PATH"]})
    assert done.returncode == 0
    for flag in ("--run-name", "--output-base", "--config", "--python", "--iterations", "--target-score", "--log-level",
                 "--checkpoint", "--resume", "--api-base", "--primary-model", "--secondary-model", "--foreground",
                 "--dry-run", "--backend", "--llm-server", "--llm-model", "--llm-server-args", "--llm-max-tokens",
                 "--llm-timeout"):
        assert flag in done.stdout


def test_missing_key_and_gpu_stop_the_run_before_anything_starts(tmp_path):
    done = run("--output-base", str(tmp_path))
    assert done.returncode == 1
    assert "Nothing was started" in done.stderr
    assert "export OPENAI_API_KEY" in done.stderr and "--api-base" in done.stderr
    assert "MLX sees only the CPU" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_dry_run_prints_the_openevolve_command(tmp_path):
    done = run("--backend", "mlx", "--output-base", str(tmp_path), "--run-name", "r1", "--dry-run", "-i", "3",
               "--model", "synthetic-tiny", "--benchmarks", "micro_generation")
    assert done.returncode == 0, done.stderr
    assert "-m openevolve.cli" in done.stdout and "initial_program_mlx.py" in done.stdout and "evaluator.py" in done.stdout
    assert "-i 3" in done.stdout and f"{tmp_path}/r1" in done.stdout
    assert "would stop: missing an API key" in done.stdout
    assert not (tmp_path / "r1").exists()


def test_loopback_endpoint_needs_no_key(tmp_path):
    done = run("--backend", "mlx", "--output-base", str(tmp_path), "--dry-run", "--api-base", "http://127.0.0.1:9/v1")
    assert done.returncode == 0 and "would stop" not in done.stdout
    assert "LLM endpoint: http://127.0.0.1:9/v1" in done.stdout


def test_gemini_key_is_mapped(tmp_path):
    done = run("--backend", "mlx", "--output-base", str(tmp_path), "--dry-run", env={"GEMINI_API_KEY": "g"})
    assert done.returncode == 0 and "would stop" not in done.stdout


def test_resume_picks_the_newest_run_and_its_latest_checkpoint(tmp_path):
    for name, checkpoints in (("old", [2]), ("new", [2, 10, 4])):
        run_dir = tmp_path / name
        for n in checkpoints:
            (run_dir / "checkpoints" / f"checkpoint_{n}").mkdir(parents=True)
        (run_dir / "config.yaml").write_text((ROOT / "config_mlx.yaml").read_text())
        (run_dir / "run_info.json").write_text(json.dumps({"runs": [{"backend": "mlx"}]}))
        os.utime(run_dir / "run_info.json", (1e9, 1e9) if name == "old" else None)
    done = run("--resume", "--output-base", str(tmp_path), "--dry-run", "--api-base", "http://127.0.0.1:9/v1")
    assert done.returncode == 0, done.stderr
    assert f"--checkpoint {tmp_path}/new/checkpoints/checkpoint_10" in done.stdout
    assert f"-o {tmp_path}/new " in done.stdout and "back-end: mlx" in done.stdout


def test_resume_without_a_run_says_so(tmp_path):
    done = run("--resume", "--output-base", str(tmp_path), "--dry-run")
    assert done.returncode == 1 and "found no run" in done.stderr


def test_unknown_flag_is_an_error():
    done = run("--no-such-flag")
    assert done.returncode == 2 and "unknown argument" in done.stderr


def test_a_bad_llm_server_value_says_what_to_pass(tmp_path):
    done = run("--backend", "mlx", "--output-base", str(tmp_path), "--dry-run", "--llm-server", "http://127.0.0.1:8080/v1")
    assert done.returncode == 2
    assert "--llm-server must be local" in done.stderr and "config" in done.stderr and "--api-base" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_local_llm_server_needs_a_model(tmp_path):
    done = run("--backend", "mlx", "--output-base", str(tmp_path), "--dry-run", "--llm-server", "local")
    assert done.returncode == 2 and "--llm-server local needs --llm-model" in done.stderr
    done = run("--backend", "mlx", "--output-base", str(tmp_path), "--dry-run", "--llm-server", "local",
               "--llm-model", "no such model")
    assert done.returncode == 2 and "neither a directory nor a Hugging Face id" in done.stderr


def test_llm_flags_that_contradict_each_other_or_are_not_numbers_are_errors(tmp_path):
    base = ("--backend", "mlx", "--output-base", str(tmp_path), "--dry-run")
    done = run(*base, "--llm-server", "local", "--llm-model", "a/b", "--api-base", "http://127.0.0.1:9/v1")
    assert done.returncode == 2 and "drop --api-base" in done.stderr
    done = run(*base, "--llm-model", "a/b")
    assert done.returncode == 2 and "for --llm-server local" in done.stderr
    done = run(*base, "--llm-max-tokens", "lots")
    assert done.returncode == 2 and "--llm-max-tokens must be a positive whole number" in done.stderr


def test_dry_run_prints_the_local_server_command_without_starting_it(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    done = run("--backend", "mlx", "--output-base", str(tmp_path), "--run-name", "r1", "--dry-run",
               "--llm-server", "local", "--llm-model", str(model), "--llm-server-args", "--temp 0.6")
    assert done.returncode == 0, done.stderr
    assert "would stop" not in done.stdout  # a local endpoint needs no key
    server = next(line for line in done.stdout.splitlines() if "would start the LLM server" in line)
    port = re.search(r"--port (\d+)", server).group(1)
    assert f"-m mlx_lm server --model {model} --host 127.0.0.1 --port {port} --temp 0.6" in server
    assert f"{tmp_path}/r1/llm_server.log" in server
    assert f"LLM endpoint: http://127.0.0.1:{port}/v1" in done.stdout
    assert not (tmp_path / "r1").exists()
    listing = subprocess.run(["ps", "-ww", "-eo", "args="], capture_output=True, text=True).stdout
    assert f"--port {port}" not in listing
