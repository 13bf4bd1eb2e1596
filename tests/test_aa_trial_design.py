"""benchmarks/aa_trial_design.py: every token interval of an A/A run, kept pair by pair."""

import gzip
import json
import sys

import numpy as np

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from aa_trial_design import analyse, merged_trials, run_pairs, stretch_medians_ms  # noqa: E402
from qwen3_benchmark_suite import BENCHMARKS  # noqa: E402


def test_an_aa_run_keeps_every_timed_pair_as_it_ends_and_analyses_them(tiny_model):
    saved = []
    trials = run_pairs(tiny_model.path, ["micro_generation"], 2, 1, "sequential", print,
                       on_trials=lambda so_far: saved.append(len(so_far)), warmup_pairs=1)
    assert saved == [2, 4]  # the warm-up pair is not kept; a run cut short after a timed pair keeps it
    assert [(t["pair"], t["side"]) for t in trials] == [(0, "baseline"), (0, "candidate"), (1, "baseline"),
                                                        (1, "candidate")]
    tokens = BENCHMARKS["micro_generation"].max_tokens
    assert all([len(g) for g in t["intervals"]["micro_generation"]] == [tokens - 1] for t in trials)
    table = analyse(trials)
    assert "| median | 1 | 2 |" in table and "micro_generation" in table
    assert "| decode_speed (the evaluator's) | 2 |" not in table  # one group of 2 pairs has no interval


def test_files_from_several_runs_are_analysed_as_one(tmp_path):
    def run(ms):  # a file of len(ms) pairs; flat lists, as before session 8
        return {"trials": [{"pair": p, "side": side, "wall_s": 1.0, "intervals": {"b": [m] * 8}}
                           for p, m in enumerate(ms) for side in ("baseline", "candidate")]}
    paths = [tmp_path / "a.json", tmp_path / "b.json.gz"]
    paths[0].write_text(json.dumps(run([0.004, 0.005])))
    paths[1].write_bytes(gzip.compress(json.dumps(run([0.006, 0.007])).encode()))
    trials = merged_trials(paths)
    assert sorted({t["pair"] for t in trials}) == [0, 1, 2, 3]
    assert "| decode_speed (the evaluator's) | 2 | 2 | 1.000 |" in analyse(trials)


def test_one_pairs_spread_is_the_standard_deviation_of_its_log_ratios():
    ratios = (1.0, 1.1, 1.2)  # the candidate's decode speed over the baseline's, pair by pair
    trials = [{"pair": p, "side": side, "wall_s": 1.0, "intervals": {"b": [[0.005 / (r if side == "candidate" else 1)] * 8]}}
              for p, r in enumerate(ratios) for side in ("baseline", "candidate")]
    sd = np.log(ratios).std(ddof=1)
    assert f"standard deviations of its log ratio: geomean {sd:.3f}; b {sd:.3f}" in analyse(trials)


def test_the_host_speed_state_is_read_from_stretches_of_the_long_generations():
    fast, slow = [0.004] * 100, [0.0065] * 50  # one generation: 2 fast stretches, then 1 slow
    trials = [{"pair": 0, "side": "baseline", "wall_s": 1.0,
               "intervals": {"long_generation": [fast + slow], "short_context_quick": [[0.1] * 50]}}]
    assert stretch_medians_ms(trials).tolist() == [4.0, 4.0, 6.5]  # short generations do not count
