"""kernel_benchmark.py on the CPU with the plain-MLX programs (the numbers mean nothing here; the
mechanics do): tables, JSON, several programs in one run, and the SDPA guard."""

import json
import subprocess
import sys

from conftest import PROGRAMS, ROOT

SMALL = ["--lengths", "64,300", "--layers", "2", "--repeats", "3", "--no-prefill", "--copy-mib", "16"]


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / "kernel_benchmark.py"), *args], capture_output=True, text=True,
                          timeout=300)


def test_two_programs_against_sdpa_in_one_run(tmp_path):
    out = tmp_path / "k.json"
    done = run("--program", str(ROOT / "initial_program_mlx.py"), "--program", str(PROGRAMS / "slow_but_correct.py"),
               *SMALL, "--json", str(out))
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text())
    assert [r["program"].split("/")[-1] for r in results] == ["initial_program_mlx.py", "slow_but_correct.py"]
    for r in results:
        assert [row["k_len"] for row in r["rows"]] == [64, 300]
        assert r["table"].startswith("| shape | SDPA build / eval us")
        assert all(row["program"]["eval_us"] > 0 and row["sdpa"]["eval_us"] > 0 for row in r["rows"])
    # the same SDPA rounds serve both programs
    assert results[0]["rows"][0]["sdpa"] == results[1]["rows"][0]["sdpa"]


def test_sdpa_on_the_decode_path_is_refused():
    done = run("--program", str(PROGRAMS / "sdpa_decode_direct.py"), *SMALL)
    assert done.returncode != 0 and "SDPAOnDecodePath" in done.stderr
