"""Session 19's rule, fixed before the run: does loads_first.py replace best_program_cuda.py?

    python decide19.py OUT

OUT holds the round's stages: images/images.txt, g/gputime.tgz, ab/decision.json (kernel_ab.py's rule
with --min-gain 1.00). The candidate is chosen only if all three hold:
1. none of its kernels has local loads or stores (register spills) inside MLX;
2. its decode kernel's GPU time (Nsight Compute, median of its launches) is below the shipped file's at
   every length timed (L = 1, 128, 1024);
3. kernel_ab.py chose it: median geometric mean over the key lengths >= 1.00 x the shipped file's,
   every key length >= 0.97 x, every length below 256 >= the shipped file's less 0.03.
Writes OUT/decision19.json and prints it; exit code 0 if chosen, 1 if not.
"""

import json
import re
import sys
import tarfile
from pathlib import Path

SHIPPED, CANDIDATE = "best_program_cuda", "loads_first"


def spills(images_txt: str, name) -> list:
    """Lines of `name`'s kernels whose local loads/stores count is not 0 (or that never appeared)."""
    lines = [line for line in images_txt.splitlines() if line.startswith(f"{name} ")]
    bad = [line for line in lines if not line.rstrip().endswith("local loads/stores: 0")]
    return bad if lines else [f"{name}: no image recorded"]


def gpu_times(tgz: Path) -> dict:
    """{program: {L: median us of its decode kernel}} from gputime.tgz's <name>.gputime.md files."""
    times = {}
    with tarfile.open(tgz) as tar:
        for member in tar.getmembers():
            if not member.name.endswith(".gputime.md"):
                continue
            name = Path(member.name).name.removesuffix(".gputime.md")
            length = None
            for line in tar.extractfile(member).read().decode().splitlines():
                m = re.search(r"\.L(\d+)\.ncu\.csv", line)
                if m:
                    length = int(m.group(1))
                elif "custom_kernel_qwen3_gqa_decode" in line and length is not None:
                    times.setdefault(name, {})[length] = float(line.split("|")[3])
    return times


def main():
    out = Path(sys.argv[1])
    images = (out / "images" / "images.txt").read_text()
    times = gpu_times(out / "g" / "gputime.tgz")
    ab = json.loads((out / "ab" / "decision.json").read_text())
    lengths = sorted(times.get(SHIPPED, {}))
    checks = {
        "no spills in the candidate's kernels": not spills(images, CANDIDATE),
        "GPU time below the shipped file's at L = 1, 128, 1024": lengths == [1, 128, 1024] and all(
            times[CANDIDATE][L] < times[SHIPPED][L] for L in lengths),
        "kernel_ab.py chose it": ab["chosen"] == CANDIDATE,
    }
    verdict = {"checks": checks, "chosen": all(checks.values()), "gpu_times_us": times,
               "spills": {n: spills(images, n) for n in (SHIPPED, CANDIDATE)}}
    (out / "decision19.json").write_text(json.dumps(verdict, indent=2))
    print(json.dumps(verdict, indent=2))
    sys.exit(0 if verdict["chosen"] else 1)


if __name__ == "__main__":
    main()
