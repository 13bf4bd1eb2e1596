"""benchmarks/combine_runs.py: the pairs of several runs read as one validation."""

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from combine_runs import combine, suite_run  # noqa: E402

from qwen3_benchmark_suite import log_mean_interval  # noqa: E402


def run(ratios_by_benchmark, program="best_program_cuda.py", pool=1):
    """A qwen3_benchmark_suite.py --output result, as far as combine_runs reads it."""
    return {"program": program, "pool": pool,
            "benchmarks": [{"benchmark": name, "group_ratios": ratios} for name, ratios in ratios_by_benchmark.items()]}


def test_pairs_of_all_runs_make_each_interval():
    first = run({"a": [1.10, 1.20], "b": [0.90, 1.00]})
    second = run({"b": [0.95], "a": [1.15]})  # another order of benchmarks: matched by name
    combined = combine([first, second])
    a, b = combined["benchmarks"]
    assert combined["pairs"] == 3
    assert a["ratios"] == pytest.approx([1.10, 1.20, 1.15]) and b["ratios"] == pytest.approx([0.90, 1.00, 0.95])
    assert a["speedup"] == pytest.approx((1.10 * 1.20 * 1.15) ** (1 / 3))
    assert (b["ci_low"], b["ci_high"]) == pytest.approx(log_mean_interval(np.log([0.90, 1.00, 0.95])))
    per_pair = [np.log([1.10, 0.90]).mean(), np.log([1.20, 1.00]).mean(), np.log([1.15, 0.95]).mean()]
    assert (combined["ci_low"], combined["ci_high"]) == pytest.approx(log_mean_interval(per_pair))


@pytest.mark.parametrize("other, message", [
    (run({"a": [1.0]}, program="initial_program_cuda.py"), "different programs"),
    (run({"a": [1.0], "c": [1.0]}), "different benchmarks"),
    (run({"a": [1.0], "b": [1.0]}, pool=2), "different --pool"),
])
def test_refuses_runs_that_do_not_add_up(other, message):
    with pytest.raises(ValueError, match=message):
        combine([run({"a": [1.0], "b": [1.0]}), other])


def test_cli_names_intervals_wholly_below_one(tmp_path):
    paths = []
    for i, ratios in enumerate(({"a": [1.10, 1.12], "b": [0.80, 0.82]}, {"a": [1.11], "b": [0.81]})):
        paths.append(tmp_path / f"run{i}.json")
        paths[-1].write_text(json.dumps(run(ratios)))
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/combine_runs.py"), *map(str, paths),
                          "--json", str(tmp_path / "combined.json")], capture_output=True, text=True, check=True).stdout
    assert "| geometric mean (3 pairs) |" in out
    assert out.strip().endswith("intervals wholly below 1.0: b")
    assert json.loads((tmp_path / "combined.json").read_text())["pairs"] == 3


def test_reads_an_evaluators_result_and_checks_the_program_it_names():
    timing = run({"a": [1.10], "b": [0.90]})
    del timing["program"]  # the evaluator's timing artifact does not carry it; its result does
    evaluated = {"program": "initial_program_cuda.py", "artifacts": {"timing": json.dumps(timing)}}
    assert suite_run(evaluated)["benchmarks"] == timing["benchmarks"]
    with pytest.raises(ValueError, match="different programs"):
        combine([run({"a": [1.0], "b": [1.0]}), suite_run(evaluated)])
    unnamed = suite_run({"artifacts": {"timing": json.dumps(timing)}})  # written before the evaluator named it
    assert combine([run({"a": [1.0], "b": [1.0]}), unnamed])["pairs"] == 2
