"""benchmarks/hook_cost.py: host cost per call of each timed path through the hook."""

import re
import subprocess
import sys

from conftest import ROOT


def test_reports_every_path_at_every_length():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/hook_cost.py"), "--program", "initial_program_mlx.py",
                          "--lengths", "1,40", "--calls", "20", "--rounds", "2"],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=300).stdout
    rows = re.findall(r"^\s*(\d+\.\d+) L=(\d+)\s+(.+)$", out, flags=re.M)
    paths = {(length, name) for _, length, name in rows}
    for length in ("1", "40"):
        assert (length, "initial_program_mlx.py") in paths
        assert (length, "the baseline now: benchmarks/sdpa_program.py as a program, guarded") in paths
    assert all(float(us) > 0 for us, _, _ in rows)


def test_dispatch_adds_a_row_per_path_at_every_length():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/hook_cost.py"), "--program", "initial_program_mlx.py",
                          "--lengths", "1,40", "--calls", "20", "--rounds", "2", "--dispatch", "--chains", "2"],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=300).stdout
    rows = re.findall(r"^\s*(\d+\.\d+) L=(\d+)\s+dispatch: (.+)$", out, flags=re.M)
    assert {(length, name) for _, length, name in rows} == {
        (length, name) for length in ("1", "40")
        for name in ("initial_program_mlx.py", "the baseline now: benchmarks/sdpa_program.py as a program, guarded")}
    assert all(float(us) > 0 for us, _, _ in rows)
