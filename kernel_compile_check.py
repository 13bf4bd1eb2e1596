"""Compile a program's kernels on a machine without the GPU they are written for.

MLX assembles a custom kernel's full source when the kernel is called (signature from the inputs,
template constants, body) and compiles it there: NVRTC for CUDA, the Metal compiler for Metal. This
file runs the program in a child with MLX's kernel constructors wrapped, so that the exact source
of every kernel launch is captured, then compiles it here:

- CUDA: the source is rebuilt the way MLX 0.32's cuda_kernel builds it, and compiled by NVRTC
  for sm_90a with MLX's options, against a stand-in for MLX's device header; ptxas reports
  registers, spills and shared memory. NVRTC needs no GPU (the nvidia-cuda-nvrtc wheel).
- Metal: MLX writes the source itself (under export tracing, which needs no Metal device) and
  g++ checks its syntax against a stand-in header declaring the Metal types and builtins. Syntax
  only: there is no Metal compiler off Apple platforms, so a Metal kernel is never measured here.

    python kernel_compile_check.py initial_program_cuda.py
"""

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from compile_errors import kernel_function

HERE = Path(__file__).resolve().parent

# MLX 0.32 cuda_kernel: dtype_to_cuda_type() and the prologue of build_kernel() (default_header, a raw
# string that starts with a newline: NVRTC's line numbers count it).
CUDA_TYPES = {
    "bool": "bool", "int8": "int8_t", "int16": "int16_t", "int32": "int32_t", "int64": "int64_t",
    "uint8": "uint8_t", "uint16": "uint16_t", "uint32": "uint32_t", "uint64": "uint64_t",
    "float16": "__half", "bfloat16": "__nv_bfloat16", "float32": "float", "float64": "double",
}
# get_type_string() (backend/common/compiled.cpp): dtypes in kernel names, e.g. custom_kernel_k_bfloat16_t_128.
TYPE_STRINGS = {
    "bool": "bool", "int8": "int8_t", "int16": "int16_t", "int32": "int32_t", "int64": "int64_t",
    "uint8": "uint8_t", "uint16": "uint16_t", "uint32": "uint32_t", "uint64": "uint64_t",
    "float16": "float16_t", "bfloat16": "bfloat16_t", "float32": "float", "float64": "double",
}
CUDA_PROLOGUE = '\n#include "mlx/backend/cuda/device/utils.cuh"\n\n#include <cooperative_groups.h>\n\n'
CUDA_STUB_HEADER = """// Stand-in for mlx/backend/cuda/device/utils.cuh: what generated kernel signatures use.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda/std/array>
#define MAX_NDIM 10
namespace mlx::core::cu {
using Shape = cuda::std::array<int32_t, MAX_NDIM>;
using Strides = cuda::std::array<int64_t, MAX_NDIM>;
}
"""
METAL_STUB_HEADER = """// Stand-in for the Metal standard library, enough to check kernel syntax with a host compiler.
#pragma once
#include <cstdint>
#define kernel
#define device
#define constant
#define threadgroup
#define thread
typedef unsigned int uint;
typedef unsigned short ushort;
struct uint2 { uint x, y; };
struct uint3 { uint x, y, z; };
struct uint4 { uint x, y, z, w; uint4() = default; uint4(uint, uint, uint, uint); };
template <typename T, typename U> T as_type(U);
struct bfloat16_t {
  bfloat16_t() = default;
  bfloat16_t(float);
  operator float() const;
};
typedef bfloat16_t bfloat;
struct half { half() = default; half(float); operator float() const; };
template <typename T, int N> struct vec { T v[N]; T& operator[](int); T operator[](int) const; };
typedef vec<float, 2> float2; typedef vec<float, 4> float4;
typedef vec<bfloat16_t, 4> bfloat4; typedef vec<half, 4> half4;
enum class mem_flags { mem_none, mem_device, mem_threadgroup, mem_texture };
void threadgroup_barrier(mem_flags);
void simdgroup_barrier(mem_flags);
template <typename T> T simd_sum(T);
template <typename T> T simd_max(T);
template <typename T> T simd_min(T);
template <typename T> T simd_prefix_exclusive_sum(T);
template <typename T> T simd_shuffle(T, ushort);
template <typename T> T simd_shuffle_xor(T, ushort);
template <typename T> T simd_shuffle_down(T, ushort);
template <typename T> T simd_broadcast(T, ushort);
namespace metal {
template <typename T> T max(T, T);
template <typename T> T min(T, T);
float exp(float); float exp2(float); float log(float); float sqrt(float); float rsqrt(float);
float fma(float, float, float); float abs(float); float precise_divide(float, float);
namespace fast { float exp(float); float exp2(float); float divide(float, float); }
namespace precise { float exp(float); float divide(float, float); }
}
using namespace metal;
"""
METAL_ATTRIBUTE = re.compile(r"\[\[\s*(kernel|host_name\([^)]*\)|buffer\(\d+\)|[a-z_]+)\s*\]\]")


@dataclass
class KernelLaunch:
    backend: str  # "cuda" or "metal"
    name: str
    source: str  # the full source MLX compiles for this launch
    body: str = ""  # the program's `source=`, which MLX wraps
    header: str = ""  # the program's `header=`

    def label(self):
        return f"{self.backend} kernel {self.name}"


# ----------------------------------------------------------------------------- recording (child)


def build_cuda_source(kernel: dict, call: dict) -> str:
    """MLX 0.32 cuda_kernel's build_kernel(), from the constructor and call arguments."""
    name = "custom_kernel_" + kernel["name"] + template_hash(call["template"])
    params = []
    for input_name, (dtype, ndim) in zip(kernel["input_names"], call["inputs"]):
        params.append(f"    const {CUDA_TYPES[dtype]}* {input_name}")
        if ndim > 0:
            for suffix, decl in (("_shape", "Shape"), ("_strides", "Strides"), ("_ndim", "int")):
                if input_name + suffix in kernel["source"]:
                    params.append(f"    const __grid_constant__ {decl} {input_name}{suffix}")
    for output_name, dtype in zip(kernel["output_names"], call["output_dtypes"]):
        params.append(f"    {CUDA_TYPES[dtype]}* {output_name}")
    constants = []
    for const_name, kind, value in call["template"]:
        if kind == "int":
            constants.append(f"  constexpr int {const_name} = {value};")
        elif kind == "bool":
            constants.append(f"  constexpr bool {const_name} = {'true' if value else 'false'};")
        else:
            constants.append(f"  using {const_name} = {CUDA_TYPES[value]};")
    return (
        CUDA_PROLOGUE + kernel["header"] + "namespace mlx::core::cu {\n\nnamespace cg = cooperative_groups;\n\n"
        + f"__global__ void {name}(\n" + ",\n".join(params) + ") {\n"
        + ("\n".join(constants) + "\n\n" if constants else "")
        + kernel["source"] + "\n}\n\n} // namespace mlx::core::cu\n"
    )


def template_hash(template) -> str:
    parts = []
    for _, kind, value in template:
        if kind == "bool":
            parts.append("t" if value else "f")
        else:
            parts.append(TYPE_STRINGS[value] if kind == "dtype" else str(value))
    return "".join("_" + p for p in parts)


def describe_template(template):
    import mlx.core as mx

    described = []
    for const_name, value in template or []:
        if isinstance(value, bool):
            described.append((const_name, "bool", value))
        elif isinstance(value, int):
            described.append((const_name, "int", value))
        elif isinstance(value, mx.Dtype):
            described.append((const_name, "dtype", dtype_name(value)))
        else:
            raise TypeError(f"template constant {const_name} has unsupported type {type(value).__name__}")
    return described


def dtype_name(dtype) -> str:
    return str(dtype).split(".")[-1]


def record_launches(program: str) -> list:
    """Run the program's attention on decode and prefill inputs; return every kernel launch's source."""
    import mlx.core as mx
    import numpy as np

    launches = []
    real_metal_kernel = mx.fast.metal_kernel

    def cuda_kernel(name, input_names, output_names, source, header="", ensure_row_contiguous=True,
                    shared_memory=0):
        kernel = {"name": name, "input_names": list(input_names), "output_names": list(output_names),
                  "source": source, "header": header}

        def launch(inputs, output_shapes, output_dtypes, grid, threadgroup, template=None, init_value=None,
                   verbose=False, stream=None):
            call = {"inputs": [(dtype_name(a.dtype), a.ndim) for a in inputs],
                    "output_dtypes": [dtype_name(d) for d in output_dtypes],
                    "template": describe_template(template)}
            launches.append(KernelLaunch("cuda", name, build_cuda_source(kernel, call), source, header))
            return [mx.zeros(shape, dtype) for shape, dtype in zip(output_shapes, output_dtypes)]

        return launch

    def metal_kernel(*args, **kwargs):
        real = real_metal_kernel(*args, **kwargs)
        name = kwargs.get("name", args[0] if args else "?")
        body = kwargs.get("source", args[3] if len(args) > 3 else "")
        header = kwargs.get("header", args[4] if len(args) > 4 else "")

        def launch(**call):
            def traced(*inputs):
                return real(**{**call, "inputs": list(inputs), "verbose": True})

            with tempfile.TemporaryDirectory() as scratch:
                with native_stdout_to(Path(scratch, "out.txt")) as printed:
                    mx.export_function(os.path.join(scratch, "k.mlxfn"), traced, *call["inputs"])
                source = metal_source_from_verbose(printed.read_text())
                launches.append(KernelLaunch("metal", name, source, body, header))
            return [mx.zeros(shape, dtype) for shape, dtype in zip(call["output_shapes"], call["output_dtypes"])]

        return launch

    mx.fast.cuda_kernel = cuda_kernel
    mx.fast.metal_kernel = metal_kernel
    sys.path.insert(0, str(HERE))
    import correctness_check as cc
    from attention_hook import load_program

    attention = load_program(program)
    rng = np.random.default_rng(0)
    # Short and long decode (programs may switch kernels on the length) and a causal prefill.
    for case in (cc.decode(1), cc.decode(300), cc.decode(16384), cc.Case("prefill_causal_L64", 64, 64, "causal")):
        q, k, v, mask = cc.mlx_inputs(case, cc.draw_inputs(case, rng))
        attention(q, k, v, scale=cc.SCALE, mask=mask)
    unique = {launch.source: launch for launch in launches}
    return list(unique.values())


@contextlib.contextmanager
def native_stdout_to(path: Path):
    """Send this process's file descriptor 1 to a file: MLX prints kernel sources from C++."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(path, "w") as f:
        os.dup2(f.fileno(), 1)
        try:
            yield path
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def metal_source_from_verbose(text: str) -> str:
    match = re.search(r"```\n(.*?)```", text, re.S)
    if not match:
        raise RuntimeError("MLX printed no Metal source (verbose output not captured)")
    return match.group(1)


# ----------------------------------------------------------------------------- compiling (parent)


@dataclass
class CompileResult:
    launch: KernelLaunch
    ok: bool
    log: str  # compiler output: errors, or the ptxas resource report


def capture_launches(program, python=sys.executable, timeout_s=120) -> list:
    """Record in a child: MLX's CUDA back-end is absent here and must not be needed."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "launches.json"
        done = subprocess.run([python, str(Path(__file__).resolve()), "--record", str(program), "--out", str(out)],
                              capture_output=True, text=True, timeout=timeout_s)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"running {program} to capture its kernels failed:\n{done.stderr[-3000:]}")
        return [KernelLaunch(**d) for d in json.loads(out.read_text())]


def find_nvrtc():
    """libnvrtc and the CUDA headers MLX compiles against, from the nvidia-* wheels
    (requirements-test.txt); None where they are not installed."""
    import importlib.util

    spec = importlib.util.find_spec("nvidia")
    for root in (Path(p) / "cu13" for p in (spec.submodule_search_locations if spec else [])):
        if (root / "lib" / "libnvrtc.so.13").exists() and (root / "include" / "cuda_bf16.h").exists():
            return root
    return None


def compile_cuda(launch: KernelLaunch, arch="sm_90a") -> CompileResult:
    """NVRTC with MLX 0.32's options, so what passes here is what MLX would build on the GPU. The log
    of a failure is the one MLX would raise (no ptxas -v: its report would hide a ptxas error)."""
    ok, log = run_nvrtc(launch.source, arch, ptxas_verbose=True)
    if not ok:
        ok, log = run_nvrtc(launch.source, arch, ptxas_verbose=False)
    return CompileResult(launch, ok, log)


def run_nvrtc(source: str, arch: str, ptxas_verbose: bool):
    """(compiled, log) of NVRTC with MLX's options on this source."""
    with nvrtc_program(source, arch, ["--ptxas-options=-v"] if ptxas_verbose else []) as (nvrtc, program, ok):
        return ok, program_log(nvrtc, program)


def compile_ptx(source: str, arch="sm_90a") -> str:
    """The PTX NVRTC makes of this source with MLX's options (raises with the log if it fails)."""
    import ctypes

    with nvrtc_program(source, arch, []) as (nvrtc, program, ok):
        if not ok:
            raise RuntimeError(program_log(nvrtc, program))
        size = ctypes.c_size_t()
        nvrtc.nvrtcGetPTXSize(program, ctypes.byref(size))
        ptx = ctypes.create_string_buffer(size.value)
        nvrtc.nvrtcGetPTX(program, ptx)
        return ptx.value.decode()


@contextlib.contextmanager
def nvrtc_program(source: str, arch: str, extra_options: list):
    """(libnvrtc, the compiled program, whether it compiled), the program destroyed on exit."""
    import ctypes

    root = find_nvrtc()
    if root is None:
        raise FileNotFoundError("NVRTC is not installed: pip install -r requirements-test.txt")
    builtins = sorted((root / "lib").glob("libnvrtc-builtins.so.*"))[0]
    ctypes.CDLL(str(builtins), mode=ctypes.RTLD_GLOBAL)  # libnvrtc dlopens it by name
    nvrtc = ctypes.CDLL(str(root / "lib" / "libnvrtc.so.13"))
    # MLX names the program "<kernel function>_<hash of the source>.cu"; its errors carry that name.
    file_name = f"{kernel_function(source)}_{hashlib.sha1(source.encode()).hexdigest()[:16]}.cu"
    with tempfile.TemporaryDirectory() as scratch:
        stub = Path(scratch, "mlx/backend/cuda/device/utils.cuh")
        stub.parent.mkdir(parents=True)
        stub.write_text(CUDA_STUB_HEADER)
        options = ["--device-as-default-execution-space", f"--gpu-architecture={arch}",
                   f"--include-path={scratch}", f"--include-path={root / 'include'}",
                   f"--include-path={root / 'include' / 'cccl'}"] + extra_options
        program = ctypes.c_void_p()
        nvrtc.nvrtcCreateProgram(ctypes.byref(program), source.encode(), file_name.encode(), 0, None, None)
        argv = (ctypes.c_char_p * len(options))(*[o.encode() for o in options])
        try:
            yield nvrtc, program, nvrtc.nvrtcCompileProgram(program, len(options), argv) == 0
        finally:
            nvrtc.nvrtcDestroyProgram(ctypes.byref(program))


def program_log(nvrtc, program) -> str:
    import ctypes

    size = ctypes.c_size_t()
    nvrtc.nvrtcGetProgramLogSize(program, ctypes.byref(size))
    log = ctypes.create_string_buffer(size.value)
    nvrtc.nvrtcGetProgramLog(program, log)
    return log.value.decode(errors="replace").strip()


def compile_metal_syntax(launch: KernelLaunch) -> CompileResult:
    compiler = shutil.which("g++") or shutil.which("clang++")
    if compiler is None:
        raise FileNotFoundError("no host C++ compiler (g++ or clang++)")
    # Metal attributes mean nothing to a host compiler; drop them, keep every line in place.
    body = METAL_ATTRIBUTE.sub("", launch.source)
    body = re.sub(r"^template\s+decltype\(.*$", "", body, flags=re.M)  # explicit instantiation line
    with tempfile.TemporaryDirectory() as scratch:
        Path(scratch, "metal_stdlib").write_text(METAL_STUB_HEADER)
        source = Path(scratch, "kernel.cpp")
        source.write_text('#include "metal_stdlib"\n' + body)
        cmd = [compiler, "-std=c++17", "-fsyntax-only", "-Wall", "-Wno-unused-variable", "-Wno-unknown-pragmas",
               "-I", scratch, str(source)]
        done = subprocess.run(cmd, capture_output=True, text=True)
    return CompileResult(launch, done.returncode == 0, (done.stdout + done.stderr).strip())


def check_program(program, python=sys.executable) -> list:
    return [compile_cuda(l) if l.backend == "cuda" else compile_metal_syntax(l) for l in capture_launches(program, python)]


def resource_usage(log: str) -> dict:
    """Registers, spill bytes and shared memory from ptxas -v."""
    usage = {}
    if m := re.search(r"Used (\d+) registers", log):
        usage["registers"] = int(m.group(1))
    if m := re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", log):
        usage["spill_store_bytes"], usage["spill_load_bytes"] = int(m.group(1)), int(m.group(2))
    if m := re.search(r"(\d+) bytes smem", log):
        usage["shared_bytes"] = int(m.group(1))
    return usage


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("program")
    parser.add_argument("--record", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.record:
        launches = record_launches(args.program)
        Path(args.out).write_text(json.dumps([l.__dict__ for l in launches]))
        return 0
    results = check_program(args.program)
    if not results:
        print(f"{args.program} launches no custom kernel (a plain-MLX program)")
    for r in results:
        print(f"{r.launch.label()}: {'ok' if r.ok else 'FAILED'} {resource_usage(r.log) or ''}")
        if not r.ok:
            print(r.log)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
