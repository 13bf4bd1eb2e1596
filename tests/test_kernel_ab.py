"""benchmarks/kernel_ab.py: the rule on recorded and made-up results, and the processes on the CPU."""

import json
import subprocess
import sys

import pytest
from conftest import PROGRAMS, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import kernel_ab  # noqa: E402

SESSION_14_ROUND_1 = ROOT / "benchmarks/results/raw-2026-11-27-h100-session14/ab"
SESSION_21_AB = ROOT / "benchmarks/results/raw-2026-11-27-h100-session21/round/gpu0/ab"
SESSION_22 = ROOT / "benchmarks/results/raw-2026-11-27-h100-session22"
SESSION_26_ROUND_2 = ROOT / "benchmarks/results/raw-2026-11-27-h100-session26/round2/ab/ab"
LENGTHS = [1, 64, 256, 1024, 4096, 16384, 32768]


def write_results(folder, name, speedups_per_process):
    """kernel_benchmark.py --json files with these speedups ({k_len: speedup}, one dict a process)."""
    folder.mkdir(exist_ok=True)
    for i, speedups in enumerate(speedups_per_process, 1):
        rows = [{"k_len": L, "speedup": s} for L, s in speedups.items()]
        (folder / f"{name}_{i}.json").write_text(json.dumps({"program": f"{name}.py", "rows": rows}))


def flat(value, **at):
    return {L: at.get(f"L{L}", value) for L in LENGTHS}


def test_session_14_round_1_reads_as_its_report_says():
    candidates = ["pipelined_program_cuda_unroll4_stages3", "pipelined_program_cuda_unroll2_stages6",
                  "pipelined_program_cuda_warps8_unroll4_stages6"]
    verdict = kernel_ab.decide(SESSION_14_ROUND_1, "shipped", candidates, processes=3)
    assert round(verdict["baseline"]["geomean"], 3) == 1.700
    assert verdict["candidate"] == "pipelined_program_cuda_unroll4_stages3"
    assert round(verdict["candidates"][verdict["candidate"]]["geomean"], 3) == 1.638
    assert verdict["chosen"] is None and not any(verdict["checks"].values())


def test_session_21_reads_as_its_report_says():
    verdict = kernel_ab.decide(SESSION_21_AB, "best_program_cuda", ["relaxed_arrive"], processes=10,
                               short=False, min_gain=1.00)
    assert round(verdict["baseline"]["geomean"], 3) == 1.799
    assert round(verdict["candidates"]["relaxed_arrive"]["geomean"], 3) == 1.783
    assert verdict["chosen"] is None
    assert [check for check, ok in verdict["checks"].items() if not ok] == ["geomean >= 1.0 x the baseline's"]


def test_session_22s_layouts_on_128_sms_lose_at_32k_as_its_report_says():
    """Each round's pick needed the candidate at least even with the shipped file from some length up to
    32K; at 32K each was slower, so no round went on."""
    rounds = {"round/round1/ab": ("head_split_all", 0.90), "round3/round3/ab": ("head_split_8warps_all", 1.09),
              "round5b/round5/ab": ("cluster_pairs_all", 1.19)}
    for folder, (candidate, median_at_32k) in rounds.items():
        verdict = kernel_ab.decide(SESSION_22 / folder, "best_program_cuda", [candidate], processes=3,
                                   short=False, min_gain=1.00)
        mine, shipped = verdict["candidates"][candidate]["per_length"][32768], verdict["baseline"]["per_length"][32768]
        assert round(mine, 2) == median_at_32k and mine < shipped
        assert verdict["chosen"] is None


def test_session_26_round_2_reads_as_its_report_says():
    """loads_first was even or better in the medians from L = 64 up, 0.01 below at L = 1-8, and no
    process of it fell below 1.0 at a short length, where two of the shipped file's did."""
    verdict = kernel_ab.decide(SESSION_26_ROUND_2, "best_program_cuda", ["loads_first"], processes=8,
                               min_gain=0.99, short_slack=-0.01)
    mine, shipped = verdict["candidates"]["loads_first"], verdict["baseline"]
    assert (round(shipped["geomean"], 3), round(mine["geomean"], 3)) == (1.877, 1.895)
    assert (round(shipped["lowest_short"], 3), round(mine["lowest_short"], 3)) == (0.976, 1.044)
    assert verdict["chosen"] is None
    assert [check for check, ok in verdict["checks"].items() if not ok] == [
        "every length below the key lengths >= the baseline's - -0.01"]


def test_a_process_below_the_short_floor_stops_a_candidate(tmp_path):
    write_results(tmp_path, "base", [flat(1.0)] * 3)
    write_results(tmp_path, "once_slow_at_1", [flat(1.2), flat(1.2, L1=0.98), flat(1.2)])
    assert kernel_ab.decide(tmp_path, "base", ["once_slow_at_1"], processes=3)["chosen"] == "once_slow_at_1"
    verdict = kernel_ab.decide(tmp_path, "base", ["once_slow_at_1"], processes=3, short_floor=1.0)
    assert verdict["chosen"] is None and verdict["candidates"]["once_slow_at_1"]["lowest_short"] == 0.98
    assert "lowest below the key lengths 0.980" in kernel_ab.report(verdict)


def test_a_candidate_faster_at_every_length_is_chosen(tmp_path):
    write_results(tmp_path, "base", [flat(1.0), flat(1.1), flat(0.9)])
    write_results(tmp_path, "slow", [flat(0.9)] * 3)
    write_results(tmp_path, "fast", [flat(1.1), flat(1.2), flat(1.0)])
    verdict = kernel_ab.decide(tmp_path, "base", ["slow", "fast"], processes=3)
    assert verdict["candidate"] == "fast" and verdict["chosen"] == "fast"
    assert "chosen: fast" in kernel_ab.report(verdict)


def test_a_candidate_slower_at_one_key_length_is_not_chosen(tmp_path):
    write_results(tmp_path, "base", [flat(1.0)] * 3)
    write_results(tmp_path, "fast_but", [flat(1.2, L32768=0.9)] * 3)
    verdict = kernel_ab.decide(tmp_path, "base", ["fast_but"], processes=3)
    assert verdict["chosen"] is None
    assert [check for check, ok in verdict["checks"].items() if not ok] == ["every key length >= 0.97 x the baseline's"]


def test_short_lengths_decide_unless_left_out(tmp_path):
    write_results(tmp_path, "base", [flat(1.0)] * 3)
    write_results(tmp_path, "slow_at_1", [flat(1.2, L1=0.9)] * 3)
    assert kernel_ab.decide(tmp_path, "base", ["slow_at_1"], processes=3)["chosen"] is None
    assert kernel_ab.decide(tmp_path, "base", ["slow_at_1"], processes=3, short=False)["chosen"] == "slow_at_1"


def test_a_candidate_with_a_process_missing_is_left_out(tmp_path):
    write_results(tmp_path, "base", [flat(1.0)] * 3)
    write_results(tmp_path, "crashed_once", [flat(2.0)] * 2)
    verdict = kernel_ab.decide(tmp_path, "base", ["crashed_once"], processes=3)
    assert verdict["chosen"] is None and verdict["left_out"] == {"crashed_once": "2 of 3 processes measured"}


def test_each_program_runs_alone_in_its_process_in_rotating_order(tmp_path):
    programs = [ROOT / "initial_program_mlx.py", PROGRAMS / "slow_but_correct.py"]
    order = []
    failed = kernel_ab.run_processes(programs, tmp_path, 2, [64, 300],
                                     ["--layers", "2", "--repeats", "2", "--copy-mib", "16"], progress=order.append)
    assert failed == []
    assert order == ["process 1 of 2: initial_program_mlx", "process 1 of 2: slow_but_correct",
                     "process 2 of 2: slow_but_correct", "process 2 of 2: initial_program_mlx"]
    for name in ("initial_program_mlx", "slow_but_correct"):
        for i in (1, 2):
            result = json.loads((tmp_path / f"{name}_{i}.json").read_text())
            assert result["program"].endswith(f"{name}.py") and [r["k_len"] for r in result["rows"]] == [64, 300]
    verdict = kernel_ab.decide(tmp_path, "initial_program_mlx", ["slow_but_correct"], processes=2,
                               key_lengths=[64, 300])
    assert verdict["candidate"] == "slow_but_correct"


def test_an_aa_counts_the_splits_that_the_rule_rejects(tmp_path):
    """The same code under two names: without noise no split is rejected; with one process below the
    floor, every split that puts it in the candidate's half is, and no other."""
    write_results(tmp_path, "shipped", [flat(1.2)] * 2)
    write_results(tmp_path, "copy", [flat(1.2)] * 2)
    aa = kernel_ab.false_rejections(tmp_path, ["shipped", "copy"], processes=2, key_lengths=[256, 1024],
                                    min_gain=0.99, short_floor=1.0)
    assert (aa["splits"], aa["rejected"]) == (6, 0.0)
    assert aa["percentile_5"]["geomean ratio"] == 1.0 and aa["percentile_5"]["lowest short speedup"] == 1.2
    write_results(tmp_path, "copy", [flat(1.2), flat(1.2, L1=0.98)])
    aa = kernel_ab.false_rejections(tmp_path, ["shipped", "copy"], processes=2, key_lengths=[256, 1024],
                                    min_gain=0.99, short_slack=0.2, short_floor=1.0)
    assert aa["rejected"] == 0.5
    assert [share for check, share in aa["failed_per_check"].items() if share] == [0.5]
    # half the splits put the slow process in the baseline's half: the copy then seems to gain 0.11 at
    # L = 1, one of the 2 lengths below the key lengths
    assert aa["percentile_95"]["mean short-median difference"] == pytest.approx(0.11 / 2)
    assert aa["percentile_95"]["geomean ratio"] == 1.0


def test_a_programs_results_are_its_own_not_its_variants(tmp_path):
    """kernel_variants.py names a variant of `shipped` `shipped_<settings>`: its processes are not the
    baseline's."""
    write_results(tmp_path, "shipped", [flat(1.2)] * 2)
    write_results(tmp_path, "shipped_warps8", [flat(2.0)] * 3)
    assert kernel_ab.speedups(tmp_path, "shipped") == [flat(1.2)] * 2
    assert len(kernel_ab.speedups(tmp_path, "shipped_warps8")) == 3


SESSION_30 = ROOT / "benchmarks/results/raw-2026-11-28-h100-session30"
HANDOVER = [320, 384, 448, 511]


def test_session_30_round_2_reads_as_its_report_says():
    verdict = kernel_ab.decide_against_copy(SESSION_30 / "round2/ab", "best_program_cuda", "aa_copy",
                                            "best_program_cuda_one_block_until320", 8, HANDOVER)
    bars = verdict["bars"]
    assert (round(bars["gain_measured"], 3), round(bars["gain"], 3)) == (1.061, 1.036)
    assert (round(bars["lowest_ratio_measured"], 3), round(bars["loss"], 3)) == (0.977, 0.945)
    assert verdict["chosen"] == "best_program_cuda_one_block_until320"


def handover_results(folder, candidate_at_511):
    """An A/A with some noise between processes, and a candidate 10 % ahead at 320-448."""
    noise = [1.0, 1.03, 0.97, 1.01]
    write_results(folder, "shipped", [{L: 2.0 * n for L in HANDOVER} for n in noise])
    write_results(folder, "aa_copy", [{L: 2.0 * n for L in HANDOVER} for n in reversed(noise)])
    write_results(folder, "candidate", [{**{L: 2.2 * n for L in HANDOVER}, 511: candidate_at_511 * n} for n in noise])


@pytest.mark.parametrize("at_511, chosen", [(2.2, "candidate"), (2.0, "candidate"), (1.8, None)])
def test_against_a_copy_a_gain_beyond_the_aa_goes_on_unless_a_key_length_loses(tmp_path, at_511, chosen):
    handover_results(tmp_path, at_511)
    verdict = kernel_ab.decide_against_copy(tmp_path, "shipped", "aa_copy", "candidate", 4, HANDOVER)
    assert verdict["chosen"] == chosen
    assert ("chosen: candidate" if chosen else "chosen: none") in kernel_ab.report(verdict)


def test_against_a_copy_the_same_code_is_not_chosen(tmp_path):
    handover_results(tmp_path, 2.2)
    write_results(tmp_path, "candidate", [{L: 2.0 * n for L in HANDOVER} for n in [1.0, 1.03, 0.97, 1.01]])
    assert kernel_ab.decide_against_copy(tmp_path, "shipped", "aa_copy", "candidate", 4, HANDOVER)["chosen"] is None


def test_against_a_copy_a_missing_process_leaves_the_candidate_out(tmp_path):
    handover_results(tmp_path, 2.2)
    (tmp_path / "aa_copy_4.json").unlink()
    verdict = kernel_ab.decide_against_copy(tmp_path, "shipped", "aa_copy", "candidate", 4, HANDOVER)
    assert verdict["chosen"] is None and verdict["left_out"] == {"aa_copy": "3 of 4 processes measured"}
    assert "aa_copy: left out, 3 of 4 processes measured" in kernel_ab.report(verdict)


def run_with_copy(tmp_path, *extra):
    return subprocess.run([sys.executable, str(ROOT / "benchmarks/kernel_ab.py"), "--out", str(tmp_path / "ab"),
                           "--processes", "4", "--with-copy", "--decide-only", "--key-lengths", "320,384,448,511",
                           str(tmp_path / "shipped.py"), str(tmp_path / "candidate.py"), *extra],
                          capture_output=True, text=True)


def test_with_copy_decides_from_the_copy_in_the_folder(tmp_path):
    (tmp_path / "shipped.py").write_text("WARPS = 16\n")
    (tmp_path / "candidate.py").write_text("WARPS = 8\n")
    handover_results(tmp_path / "ab", 2.2)
    (tmp_path / "ab/aa_copy.py").write_text("WARPS = 16\n")
    done = run_with_copy(tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "ab/decision.json").read_text())["chosen"] == "candidate"
    (tmp_path / "ab/aa_copy.py").write_text("WARPS = 12\n")
    done = run_with_copy(tmp_path)
    assert done.returncode != 0 and "is not the baseline's bytes" in done.stderr
    (tmp_path / "ab/aa_copy.py").unlink()
    done = run_with_copy(tmp_path)
    assert done.returncode != 0 and "is missing" in done.stderr


def test_with_copy_runs_the_baselines_bytes_in_the_rotation(tmp_path):
    out = tmp_path / "ab"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks/kernel_ab.py"), "--out", str(out), "--processes", "1",
                           "--with-copy", "--lengths", "64,300", "--key-lengths", "300",
                           "--benchmark-args", "--layers 2 --repeats 2 --copy-mib 16",
                           str(ROOT / "initial_program_mlx.py"), str(PROGRAMS / "slow_but_correct.py")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert (out / "aa_copy.py").read_bytes() == (ROOT / "initial_program_mlx.py").read_bytes()
    assert done.stdout.splitlines()[:3] == ["process 1 of 1: initial_program_mlx", "process 1 of 1: aa_copy",
                                            "process 1 of 1: slow_but_correct"]
    assert json.loads((out / "aa_copy_1.json").read_text())["program"].endswith("aa_copy.py")
    assert json.loads((out / "decision.json").read_text())["candidate"] == "slow_but_correct"
