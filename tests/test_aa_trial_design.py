"""benchmarks/aa_trial_design.py: every token interval of an A/A run, kept pair by pair."""

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from aa_trial_design import analyse, run_pairs  # noqa: E402
from qwen3_benchmark_suite import BENCHMARKS  # noqa: E402


def test_an_aa_run_keeps_every_pair_as_it_ends_and_analyses_them(tiny_model):
    saved = []
    trials = run_pairs(tiny_model.path, ["micro_generation"], 2, 1, "sequential", print,
                       on_trials=lambda so_far: saved.append(len(so_far)))
    assert saved == [2, 4]  # a run cut short after its first pair would still have it
    assert [(t["pair"], t["side"]) for t in trials] == [(0, "baseline"), (0, "candidate"), (1, "baseline"),
                                                        (1, "candidate")]
    tokens = BENCHMARKS["micro_generation"].max_tokens
    assert all(len(t["intervals"]["micro_generation"]) == tokens - 1 for t in trials)
    table = analyse(trials)
    assert "| median | 2 |" in table and "micro_generation" in table
