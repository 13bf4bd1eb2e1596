"""Session 22, round 9 (fixed before it runs: the report's "Round 9"): the ceiling (the no-op kernel)
and the shipped file against the baseline on short_generation and micro_generation, 8 lockstep pairs
each, one machine; the ceiling first, as the evaluator measures it (no spot checks, no warm-up pair).

    python round9.py OUT
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from qwen3_benchmark_suite import CEILING_RULES, TrialRules, measure_speedup  # noqa: E402
from qwen3_model import resolve_model  # noqa: E402

BENCHMARKS = "short_generation,micro_generation"
PROGRAMS = {"ceiling": (ROOT / "benchmarks" / "ceiling_program_cuda.py", CEILING_RULES),
            "shipped": (ROOT / "best_program_cuda.py", TrialRules())}


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    model = resolve_model("synthetic")
    for name, (program, rules) in PROGRAMS.items():
        report = measure_speedup(model.path, BENCHMARKS, str(program), pairs=8, rules=rules, warmup_pairs=0,
                                 progress=print, design="lockstep")
        (out / f"{name}.json").write_text(json.dumps({"program": program.name, **report.to_dict()}, indent=1))
        print(f"== {name}\n{report.table()}", flush=True)


if __name__ == "__main__":
    main()
