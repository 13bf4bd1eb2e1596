"""Session 28: the machine code of two programs' kernels, compiled here (NVRTC for sm_90a with MLX's
options, as kernel_compile_check.py does) and disassembled by nvdisasm (the nvidia-cuda-nvdisasm wheel).
Prints each kernel's instruction count in both, and the opcodes whose counts differ.

    python sass_counts.py best_program_cuda.py programs/one_warp.py --nvdisasm PATH
"""

import argparse
import collections
import ctypes
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))
import kernel_compile_check as kcc  # noqa: E402


def opcodes(launch, nvdisasm) -> list:
    """The kernel's instructions, each as its opcode (predicate guards left out)."""
    with kcc.nvrtc_program(launch.source, "sm_90a", []) as (nvrtc, program, ok):
        if not ok:
            raise SystemExit(kcc.program_log(nvrtc, program))
        size = ctypes.c_size_t()
        nvrtc.nvrtcGetCUBINSize(program, ctypes.byref(size))
        cubin = ctypes.create_string_buffer(size.value)
        nvrtc.nvrtcGetCUBIN(program, cubin)
    with tempfile.NamedTemporaryFile(suffix=".cubin") as f:
        f.write(cubin.raw)
        f.flush()
        text = subprocess.run([nvdisasm, "-c", f.name], capture_output=True, text=True, check=True).stdout
    lines = re.findall(r"/\*[0-9a-f]{4}\*/\s+(.*?);", text)
    return [re.sub(r"^@!?U?P[0-9T]+\s+", "", line).split()[0] for line in lines]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("programs", nargs=2)
    parser.add_argument("--nvdisasm", default="nvdisasm")
    args = parser.parse_args()
    kernels = [{launch.name: opcodes(launch, args.nvdisasm) for launch in kcc.capture_launches(p)} for p in args.programs]
    for name in sorted(set(kernels[0]) & set(kernels[1])):
        a, b = (collections.Counter(k[name]) for k in kernels)
        differ = {op: (a[op], b[op]) for op in sorted(set(a) | set(b)) if a[op] != b[op]}
        print(f"{name}: {sum(a.values())} and {sum(b.values())} instructions; counts that differ: {differ}")


if __name__ == "__main__":
    main()
