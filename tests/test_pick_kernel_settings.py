"""benchmarks/pick_kernel_settings.py: the fastest path at each length, thresholds where they change."""

import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from kernel_variants import VARIANT_LINE  # noqa: E402
from pick_kernel_settings import PATHS, pick  # noqa: E402

SESSION4_SWEEP = ROOT / "benchmarks/results/raw-2026-11-26-h100-session4/r1/gpu0/kernel_sweep.json"


def sweep(base, one_block, cluster, split, lengths=(1, 256, 4096, 32768)):
    """kernel_benchmark.py results of one base setting's three path variants (SDPA at 30 us)."""
    return [{"program": f"/tmp/{path}.py", "settings": {**base, "SPLIT_FROM": 32768, **PATHS[path]},
             "rows": [{"k_len": L, "program": {"eval_us": t}, "sdpa": {"eval_us": 30.0}} for L, t in zip(lengths, us)]}
            for path, us in (("one_block", one_block), ("cluster", cluster), ("split", split))]


def test_each_length_takes_its_fastest_path():
    results = sweep({"WARPS": 8}, one_block=[5, 10, 40, 200], cluster=[8, 6, 20, 90], split=[12, 12, 25, 60])
    score, settings = pick(results)
    assert settings == {"WARPS": 8, "ONE_BLOCK_UNTIL": 256, "SPLIT_FROM": 32768}
    assert score == pytest.approx((30 / 5 * 30 / 6 * 30 / 20 * 30 / 60) ** 0.25)


def test_a_path_that_wins_only_now_and_then_is_not_taken():
    # the split wins at 256 but not at 4096: SPLIT_FROM is where it wins from then on
    results = sweep({"WARPS": 8}, one_block=[9, 13, 40, 200], cluster=[8, 12, 20, 90], split=[12, 11, 25, 60])
    _, settings = pick(results)
    assert settings["SPLIT_FROM"] == 32768 and settings["ONE_BLOCK_UNTIL"] == 0


def test_the_base_with_the_best_geometric_mean_wins():
    slow = sweep({"WARPS": 16}, one_block=[9, 20, 40, 200], cluster=[8, 12, 25, 90], split=[12, 15, 30, 70])
    fast = sweep({"WARPS": 8}, one_block=[9, 20, 40, 200], cluster=[8, 12, 20, 90], split=[12, 15, 30, 60])
    assert pick(slow + fast)[1]["WARPS"] == 8


def session4_sweep(tmp_path):
    """Session 4's sweep, each result given the settings its variant file (not kept) had: they are in
    its name, e.g. best_program_cuda_warps16_unroll2_split_from1.py."""
    results = json.loads(SESSION4_SWEEP.read_text())
    for r in results:
        warps, unroll, split_from = re.search(r"warps(\d+)_unroll(\d+)_split_from(\d+)", r["program"]).groups()
        r["settings"] = {"WARPS": int(warps), "UNROLL": int(unroll), "SPLIT_FROM": int(split_from)}
    path = tmp_path / "sweep.json"
    path.write_text(json.dumps(results))
    return path


def test_session4_sweep_gives_the_settings_it_picked(tmp_path):
    # That sweep had no one-block variants: ONE_BLOCK_UNTIL stays 0.
    score, settings = pick(json.loads(session4_sweep(tmp_path).read_text()))
    assert settings == {"UNROLL": 4, "WARPS": 8, "ONE_BLOCK_UNTIL": 0, "SPLIT_FROM": 32768}
    assert score == pytest.approx(1.393, abs=5e-4)


def test_the_picked_constants_are_written_into_the_program(tmp_path):
    target = tmp_path / "picked.py"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks/pick_kernel_settings.py"), str(session4_sweep(tmp_path)),
                           str(ROOT / "best_program_cuda.py"), str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    source = target.read_text()
    assert source.startswith(VARIANT_LINE)
    for line in ("WARPS = 8", "UNROLL = 4", "ONE_BLOCK_UNTIL = 0", "SPLIT_FROM = 32768"):
        assert f"\n{line}  #" in source


def test_one_block_warps_is_picked_from_the_one_block_variants_alone():
    unused = [0, 0, 0, 0]
    one_block_8 = sweep({"WARPS": 16, "ONE_BLOCK_WARPS": 8}, [9, 13, 40, 200], unused, unused)[0]
    one_block_4 = sweep({"WARPS": 16, "ONE_BLOCK_WARPS": 4}, [5, 500, 500, 500], unused, unused)[0]
    cluster, split = sweep({"WARPS": 16}, unused, [8, 12, 20, 90], [12, 15, 30, 60])[1:]
    score, settings = pick([one_block_8, one_block_4, cluster, split])
    assert settings == {"WARPS": 16, "ONE_BLOCK_WARPS": 4, "ONE_BLOCK_UNTIL": 256, "SPLIT_FROM": 32768}
    assert score == pytest.approx((30 / 5 * 30 / 12 * 30 / 20 * 30 / 60) ** 0.25)
