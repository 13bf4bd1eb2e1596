"""qwen3_benchmark_suite.py: the configurations, call-count formula, trial parsing and statistics."""

import dataclasses
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import PROGRAMS, ROOT

import qwen3_benchmark_suite as suite

UPSTREAM = {
    "short_context_quick": 50, "medium_context_analysis": 200, "long_context_detailed": 500,
    "very_long_context_comprehensive": 1000, "micro_generation": 10, "short_generation": 100,
    "long_generation": 1000, "very_long_generation": 2000, "ultra_long_generation": 5000,
    "code_generation": 300, "step_by_step_reasoning": 400, "creative_writing": 800,
    "technical_documentation": 1200, "conversational_assistant": 1500, "progressive_context_building": 600,
    "repetitive_pattern_generation": 2000, "extreme_long_generation": 8000,
    "sustained_dialogue_generation": 6000, "comprehensive_analysis_generation": 7000,
    "maximum_context_stress_test": 10000,
}


def test_upstream_configurations_keep_their_names_and_lengths():
    for name, max_tokens in UPSTREAM.items():
        assert suite.BENCHMARKS[name].max_tokens == max_tokens
    for name, prompt in [("long_context_4k", 4096), ("long_context_16k", 16384), ("long_context_32k", 32768)]:
        assert suite.BENCHMARKS[name].prompt_tokens == prompt and 100 <= suite.BENCHMARKS[name].max_tokens <= 1000
    assert len(suite.BENCHMARKS) == 23


def test_subsets():
    assert suite.SUBSETS["quick"] == ["short_context_quick", "code_generation", "long_context_detailed",
                                      "long_generation", "long_context_4k", "long_context_16k"]
    assert suite.SUBSETS["full"] == list(suite.BENCHMARKS)
    assert [c.name for c in suite.select_benchmarks("micro_generation, code_generation")] == ["micro_generation", "code_generation"]
    with pytest.raises(ValueError, match="unknown benchmark"):
        suite.select_benchmarks(["no_such_benchmark"])


class CountingTokenizer:
    def encode(self, text):
        return list(range(len(text.split())))


@pytest.mark.parametrize("name", ["micro_generation", "long_context_4k"])
def test_prompts_have_exactly_their_token_count(name):
    config = suite.BENCHMARKS[name]
    ids = suite.prompt_token_ids(CountingTokenizer(), config)
    assert len(ids) == config.prompt_tokens


def test_expected_attention_calls():
    config = suite.BenchmarkConfig("x", prompt_tokens=4097, max_tokens=10, prompt="p")
    # 4096 prompt tokens go through prefill in chunks of 2048, the last token is a decode step.
    assert suite.expected_attention_calls(config, layers=28) == {"decode": 28 * 11, "prefill": 28 * 2}


def stamped(lines, t0=100.0):
    return [(t0 + t, line) for t, line in lines]


def generation_lines(payload, token_times):
    lines = [(token_times[0], "@@first_token " + json.dumps(payload))]
    lines += [(t, "@@t") for t in token_times[1:-1]]
    return lines + [(token_times[-1], "@@last_token " + json.dumps(payload))]


def test_markers_are_parsed_and_clocks_cross_checked():
    payload = {"benchmark": "micro_generation", "repeat": 0}
    result = dict(payload, generation_tokens=10, decode_s=0.14, prompt_tps=1.0, peak_memory_gb=0.1,
                  spot_checks=3, calls={"decode_own": 22, "decode_handed_over": 0, "prefill_own": 2,
                                        "prefill_handed_over": 0})
    times = 0.5 + 0.01 * np.arange(10)
    times[5:] += 0.05  # one stall: the median interval ignores it, the mean does not
    records = suite.parse_markers(stamped([(0.0, "Prompt: 32 tokens")] + generation_lines(payload, times)
                                          + [(0.7, "@@result " + json.dumps(result))]))
    assert [k for _, k, _ in records] == ["first_token"] + ["t"] * 8 + ["last_token", "result"]
    g = suite.timed_generation(result, times)
    assert 1 / np.median(g.intervals_s) == pytest.approx(100.0)  # the stall does not count
    suite.check_calls(g, suite.BENCHMARKS["micro_generation"], layers=2, side="candidate")
    suite.check_clocks([g], "candidate")
    with pytest.raises(suite.TrialError, match="clocks tampered"):
        suite.check_clocks([suite.timed_generation(dict(result, decode_s=0.07), times)], "candidate")
    with pytest.raises(suite.TrialError, match="token lines for 10 tokens"):
        suite.timed_generation(result, times[:5])
    with pytest.raises(suite.TrialError, match="did not run where it was timed"):
        suite.check_calls(g, suite.BENCHMARKS["micro_generation"], layers=3, side="candidate")
    g.spot_checks = 0
    with pytest.raises(suite.TrialError, match="spot checks ran"):
        suite.check_calls(g, suite.BENCHMARKS["micro_generation"], layers=2, side="candidate")
    with pytest.raises(suite.TrialError, match="unreadable marker"):
        suite.parse_markers(stamped([(0.0, "@@result {not json")]))


def test_intervals_that_span_a_lockstep_wait_are_not_timed():
    result = {"benchmark": "micro_generation", "repeat": 0, "generation_tokens": 10, "decode_s": 0.08,
              "prompt_tps": 1.0, "peak_memory_gb": 0.1, "spot_checks": 3, "calls": {}}
    times = 0.5 + 0.01 * np.arange(10)
    times[4:] += 1.0  # the other process's turn came between the 4th and the 5th token
    times[5:] -= 0.005  # and the 5th came early: it was computed during the wait
    g = suite.timed_generation(result, times, waits=[4])
    assert len(g.intervals_s) == 9 - 1 - suite.RESUME_DROP
    assert max(g.intervals_s) == pytest.approx(0.01)
    assert g.decode_s == pytest.approx(0.08 - 0.005)
    suite.check_clocks([g], "candidate")


def test_lockstep_turns_of_a_few_tokens_main_threads_on_one_core(tiny_model):
    configs = suite.select_benchmarks("micro_generation")  # 10 tokens: waits after the 4th and the 7th
    pair = suite.run_lockstep_pair(sys.executable, tiny_model.path, configs, None, rules=suite.AA_RULES,
                                   slice_tokens=3)
    for trial in pair:
        (g,) = trial.generations
        assert len(g.intervals_s) == 9 - 2 * (1 + suite.RESUME_DROP)
    if hasattr(os, "sched_getaffinity"):
        baseline_cores, candidate_cores = (trial.info["main_thread_cores"] for trial in pair)
        assert len(baseline_cores) == 1 and baseline_cores == candidate_cores


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="choosing cores needs Linux")
def test_the_lockstep_core_is_the_last_the_children_may_use(monkeypatch):
    monkeypatch.setenv("QWEN3_GQA_CHILD_CPUS", "0")
    with suite.claimed_lockstep_core() as core:
        assert core == 0
    monkeypatch.delenv("QWEN3_GQA_CHILD_CPUS")
    with suite.claimed_lockstep_core() as core:
        assert core == max(os.sched_getaffinity(0))


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="choosing cores needs Linux and two of them")
def test_a_second_lockstep_pair_on_the_host_takes_another_core_and_says_so(monkeypatch):
    last, next_down = sorted(os.sched_getaffinity(0))[-1:-3:-1]
    said = []
    with suite.claimed_lockstep_core() as first:
        with suite.claimed_lockstep_core(said.append) as second:
            assert (first, second) == (last, next_down)
        assert f"keeps to core {next_down}" in said[0]
        monkeypatch.setenv("QWEN3_GQA_CHILD_CPUS", str(last))
        with pytest.raises(suite.TrialError, match="held by another lockstep pair"):
            with suite.claimed_lockstep_core():
                pass
    with suite.claimed_lockstep_core() as again:  # the claim ended with its pair
        assert again == last


def generation(benchmark, tps, repeat=0, tokens=6):
    return suite.Generation(benchmark=benchmark, repeat=repeat, child_decode_s=(tokens - 1) / tps,
                            decode_s=(tokens - 1) / tps, intervals_s=[1.0 / tps] * (tokens - 1), prompt_tps=1.0,
                            peak_memory_gb=0.1, calls={}, spot_checks=3)


def trial(side, tps_by_benchmark, tokens=6):
    return suite.Trial(side, [generation(b, tps, tokens=tokens) for b, tps in tps_by_benchmark.items()], {}, 1.0)


def test_speedups_are_geometric_means_of_the_pairs():
    configs = suite.select_benchmarks(["micro_generation", "short_generation"])
    base = [trial("baseline", {"micro_generation": 100, "short_generation": 200}) for _ in range(3)]
    cand = [trial("candidate", {"micro_generation": m, "short_generation": s}) for m, s in [(110, 180), (120, 180), (130, 180)]]
    report = suite.summarize_pairs(configs, base, cand, repeats=1, info={}, wall_s=0)
    micro = np.cbrt(1.1 * 1.2 * 1.3)
    assert report.benchmarks[0].speedup == pytest.approx(micro)
    assert report.benchmarks[1].speedup == pytest.approx(0.9)
    assert report.geomean_speedup == pytest.approx(np.sqrt(micro * 0.9))
    assert report.ci_low < report.geomean_speedup < report.ci_high
    assert report.benchmarks[1].ci_low == report.benchmarks[1].ci_high == pytest.approx(0.9)
    assert "| micro_generation | 100.0 | 120.0 | 1.197 |" in report.table()
    ceiling = {"speedup": 1.4, "ci": [1.3, 1.5], "pairs": 3}
    assert ("| micro_generation | 100.0 | 120.0 | 1.197 | 0.973-1.473 | 1.400 (1.300-1.500) | 49% |"
            in report.table({"micro_generation": ceiling}))


def test_no_share_of_a_ceiling_that_did_not_measurably_gain():
    # session 31: a ceiling of 1.0004 (0.921-1.086) made a share of -4309 %
    configs = suite.select_benchmarks(["micro_generation"])
    report = suite.summarize_pairs(configs, [trial("baseline", {"micro_generation": 100})] * 2,
                                   [trial("candidate", {"micro_generation": 98})] * 2, repeats=1, info={}, wall_s=0)
    no_gain = {"micro_generation": {"speedup": 1.0004, "ci": [0.921, 1.086], "pairs": 8}}
    (row,) = [line for line in report.table(no_gain).splitlines() if line.startswith("| micro_generation")]
    assert row.endswith("| 0.980 | 0.980-0.980 | 1.000 (0.921-1.086) | no gain to share |")


def test_a_speedup_lies_within_its_interval_where_the_sides_medians_would_not():
    configs = suite.select_benchmarks(["micro_generation"])
    # The host drifts from pair to pair; within each pair the candidate equals the baseline but once.
    base = [trial("baseline", {"micro_generation": tps}) for tps in (100, 100, 100, 200, 200)]
    cand = [trial("candidate", {"micro_generation": tps}) for tps in (100, 100, 110, 200, 200)]
    (row,) = suite.summarize_pairs(configs, base, cand, repeats=1, info={}, wall_s=0).benchmarks
    assert row.candidate_decode_tps / row.baseline_decode_tps == pytest.approx(1.1)  # the medians' ratio
    assert row.ci_low < row.speedup < row.ci_high < 1.1


def test_one_pair_reports_no_interval():
    configs = suite.select_benchmarks(["micro_generation"])
    report = suite.summarize_pairs(configs, [trial("baseline", {"micro_generation": 100})],
                                   [trial("candidate", {"micro_generation": 110})], repeats=1, info={}, wall_s=0)
    assert report.geomean_speedup == pytest.approx(1.1)
    assert "| micro_generation | 100.0 | 110.0 | 1.100 | none (1 pair or group) |" in report.table()
    assert "1.100-1.100" not in report.table()


def test_decode_speed_keeps_the_fast_state_of_every_quarter():
    fast, slow = 0.004, 0.007
    mostly_slow = [fast if i % 3 == 0 else slow for i in range(120)]  # a third fast, in every quarter
    assert 1 / np.median(mostly_slow) == pytest.approx(1 / slow)
    assert suite.decode_speed([mostly_slow]) == pytest.approx(1 / fast)
    # Pooled over generations: one generation all slow, the other all fast.
    assert suite.decode_speed([[slow] * 60, [fast] * 60]) == pytest.approx(1 / fast)
    few_fast = [fast if i % 15 == 0 else slow for i in range(60)]  # 1 in 30 of each pooled quarter
    assert suite.decode_speed([[slow] * 60, few_fast]) == pytest.approx(1 / slow)
    # Every quarter counts alike: fast first tokens (the shortest caches) speak for their quarter only.
    early_fast = [0.001] * 13 + [0.005] * 107
    assert 1 / np.quantile(early_fast, 0.1) == pytest.approx(1000)
    assert suite.decode_speed([early_fast]) == pytest.approx(1 / (0.001 * 0.005 ** 3) ** 0.25)


def test_a_trial_pools_its_repeats():
    t = suite.Trial("baseline", [generation("micro_generation", tps, r) for r, tps in enumerate([90, 120, 100])], {}, 1)
    assert len(t.intervals("micro_generation")) == 3
    assert t.decode_tps("micro_generation") > 115  # the fastest repeat's intervals lead every quarter


def test_pooled_groups_of_pairs_outlast_a_slow_process():
    configs = suite.select_benchmarks(["micro_generation"])
    base = [trial("baseline", {"micro_generation": tps}, 41) for tps in (60, 100, 60, 100)]  # 0 and 2 slow
    cand = [trial("candidate", {"micro_generation": 100}, 41) for _ in range(4)]
    by_pair = suite.summarize_pairs(configs, base, cand, repeats=1, info={}, wall_s=0)
    pooled = suite.summarize_pairs(configs, base, cand, repeats=1, info={}, wall_s=0, pool=2)
    assert by_pair.benchmarks[0].group_ratios == pytest.approx([100 / 60, 1, 100 / 60, 1])
    assert pooled.benchmarks[0].group_ratios == pytest.approx([1, 1])
    assert pooled.geomean_speedup == pytest.approx(1) and pooled.groups == 2
    assert "| geometric mean (4 pairs, pooled in 2 groups of 2) | | | 1.000 | 1.000-1.000 |" in pooled.table()
    assert pooled.median_token_share == pytest.approx(1)  # pair by pair: every trial's tokens are alike
    with pytest.raises(ValueError, match="must be a multiple of it"):
        suite.summarize_pairs(configs, base[:3], cand[:3], repeats=1, info={}, wall_s=0, pool=2)


def test_child_timeout_kills_the_process_group():
    with pytest.raises(suite.TrialError, match="timed out after 1 s"):
        suite.run_child([sys.executable, "-c", "import time; print('x', flush=True); time.sleep(60)"], 1)


def test_a_paused_child_runs_nothing():
    child = suite.Child([sys.executable, "-u", "-c", "import time\nwhile True: print(time.monotonic()); time.sleep(0.01)"], 30)
    try:
        child.read_until(lambda line: len(child.stamped) >= 5)
        child.pause()
        paused_at = time.monotonic()
        time.sleep(0.5)
        child.pause(False)
        child.read_until(lambda line: float(line) > paused_at + 0.5)
    finally:
        child.kill()
    printed = [float(line) for _, line in child.stamped]
    assert not any(paused_at + 0.05 < t < paused_at + 0.45 for t in printed), printed


def test_a_lockstep_candidate_that_hangs_is_killed_at_its_time_limit(tiny_model):
    configs = suite.select_benchmarks("micro_generation")
    start = time.monotonic()
    with pytest.raises(suite.TrialError, match="timed out after 20 s"):
        suite.run_lockstep_pair(sys.executable, tiny_model.path, configs, PROGRAMS / "hangs.py", timeout_s=20)
    assert time.monotonic() - start < 40


@pytest.mark.parametrize("design", suite.DESIGNS)
def test_command_line_writes_json_and_csv(tmp_path, tiny_model, design):
    prefix = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(ROOT / "qwen3_benchmark_suite.py"), "--subset", "micro_generation", "--model", "synthetic-tiny",
         "--program", str(ROOT / "initial_program_mlx.py"), "--pairs", "2", "--repeats", "2", "--design", design,
         "--output", str(prefix)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "out.json").read_text())
    assert result["model"]["name"] == "synthetic-tiny" and result["pairs"] == 2
    assert (tmp_path / "out.csv").read_text().startswith("benchmark,baseline_decode_tps,candidate_decode_tps,speedup")


def test_children_keep_to_the_cores_they_are_given(monkeypatch):
    cmd = [sys.executable, "-c", "import os; print(sorted(os.sched_getaffinity(0)))"]
    monkeypatch.setenv("QWEN3_GQA_CHILD_CPUS", "0")
    stamped, _, rc = suite.run_child(cmd, 30)
    assert rc == 0 and stamped[-1][1].strip() == "[0]"
    monkeypatch.setenv("QWEN3_GQA_CHILD_CPUS", "0-")
    with pytest.raises(ValueError, match="core numbers and ranges"):
        suite.run_child(cmd, 30)
    monkeypatch.delenv("QWEN3_GQA_CHILD_CPUS")
    stamped, _, rc = suite.run_child(cmd, 30)
    assert json.loads(stamped[-1][1]) == sorted(os.sched_getaffinity(0))


def test_the_median_token_speedup_shows_a_program_fast_on_few_tokens():
    configs = suite.select_benchmarks(["micro_generation"])
    few_fast = [0.005 if i % 3 == 0 else 0.02 for i in range(40)]  # a third of its tokens at 200 tok/s, the rest 50
    cand = suite.Trial("candidate", [dataclasses.replace(generation("micro_generation", 50, tokens=41),
                                                         intervals_s=few_fast)], {}, 1.0)
    report = suite.summarize_pairs(configs, [trial("baseline", {"micro_generation": 100}, 41)], [cand],
                                   repeats=1, info={}, wall_s=0)
    assert report.geomean_speedup == pytest.approx(2.0)
    assert report.median_token_share == pytest.approx(0.25)  # 0.5 by the median token against 2.0
