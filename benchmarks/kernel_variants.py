"""Write variants of a CUDA program with other values of its tuning constants, for one sweep.

    python benchmarks/kernel_variants.py best_program_cuda.py /tmp/variants \
        CLUSTER=8,WARPS=16,UNROLL=4 CLUSTER=8,WARPS=8,UNROLL=8 ...
    python kernel_benchmark.py $(for f in /tmp/variants/*.py; do echo --program $f; done) --no-prefill

Each constant must be a top-level `NAME = <int>` line of the program.

TEXT=n is not a constant: it writes a comment as the first line of the program's DEVICE_CODE, so the
variant is the same code in another CUDA text, and compiles here to the same PTX. It need not run the
same machine code: inside MLX's process on an H100, NVRTC spilled registers in the shipped cluster
kernel for 2 of 12 texts of its code, and those texts ran 10 % slower at 32K (session 16 report).
So a kernel change is judged over several texts of each program, or on the images that MLX loads.
"""

import json
import re
import sys
from pathlib import Path


VARIANT_LINE = "# variant settings: "


def write_variant(source: str, settings: dict, target: Path):
    for name, value in settings.items():
        source = with_text_comment(source, value) if name == "TEXT" else with_constant(source, name, value)
    target.write_text(VARIANT_LINE + json.dumps(settings) + "\n" + source)


def with_constant(source: str, name, value) -> str:
    source, n = re.subn(rf"^{name} = \d+", f"{name} = {value}", source, count=1, flags=re.M)
    if n != 1:
        raise SystemExit(f"no top-level `{name} = <int>` line to change")
    return source


def with_text_comment(source: str, n) -> str:
    comment = f"// text variant {n}: the same code in another CUDA text\n"
    source, found = re.subn(r'^DEVICE_CODE = """\n', lambda m: m.group(0) + comment, source, count=1, flags=re.M)
    if found != 1:
        raise SystemExit('no top-level `DEVICE_CODE = """` string to write a comment into')
    return source


def variant_settings(path) -> dict:
    first = Path(path).read_text().splitlines()[0]
    return json.loads(first[len(VARIANT_LINE):]) if first.startswith(VARIANT_LINE) else {}


def main():
    program, out_dir, *specs = sys.argv[1:]
    source = Path(program).read_text()
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for spec in specs:
        settings = dict(item.split("=") for item in spec.split(","))
        name = "_".join(f"{k.lower()}{v}" for k, v in settings.items())
        write_variant(source, settings, Path(out_dir) / f"{Path(program).stem}_{name}.py")
        print(Path(out_dir) / f"{Path(program).stem}_{name}.py")


if __name__ == "__main__":
    main()
