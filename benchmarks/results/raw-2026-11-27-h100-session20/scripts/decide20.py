"""Session 20's rule, fixed before the run: does relaxed_arrive.py go on to a kernel A/B?

    python decide20.py OUT

OUT holds images/images.txt and g/gputime.tgz. The candidate goes on only if both hold:
1. none of its kernels has local loads or stores (register spills) inside MLX;
2. its decode kernel's GPU time (Nsight Compute, median of its launches) is below the shipped file's at
   every length timed (L = 1024, 4096, 32768: the cluster kernel's lengths; the one-block kernel is
   unchanged).
Nothing ships from this rule. Writes OUT/decision20.json and prints it; exit code 0 if it goes on.
"""

import importlib.util
import json
import sys
from pathlib import Path

SHIPPED, CANDIDATE, LENGTHS = "best_program_cuda", "relaxed_arrive", [1024, 4096, 32768]

# Session 19's readers of the same stage outputs.
_spec = importlib.util.spec_from_file_location(
    "decide19", Path(__file__).resolve().parents[2] / "raw-2026-11-27-h100-session19/scripts/decide19.py")
decide19 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(decide19)


def main():
    out = Path(sys.argv[1])
    images = (out / "images" / "images.txt").read_text()
    times = decide19.gpu_times(out / "g" / "gputime.tgz")
    checks = {
        "no spills in the candidate's kernels": not decide19.spills(images, CANDIDATE),
        "GPU time below the shipped file's at L = 1024, 4096, 32768": all(
            L in times.get(SHIPPED, {}) and L in times.get(CANDIDATE, {}) and times[CANDIDATE][L] < times[SHIPPED][L]
            for L in LENGTHS),
    }
    verdict = {"checks": checks, "goes_on": all(checks.values()), "gpu_times_us": times}
    (out / "decision20.json").write_text(json.dumps(verdict, indent=2))
    print(json.dumps(verdict, indent=2))
    sys.exit(0 if verdict["goes_on"] else 1)


if __name__ == "__main__":
    main()
