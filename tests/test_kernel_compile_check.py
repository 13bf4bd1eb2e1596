"""kernel_compile_check.py: the shipped kernels compile (CUDA with nvcc, Metal syntax with g++),
and a broken kernel does not."""

import pytest
from conftest import ROOT

import kernel_compile_check as kcc

CUDA_PROGRAMS = sorted(p.name for p in ROOT.glob("*_cuda.py"))
METAL_PROGRAMS = ["initial_program.py", "best_program.py"]
needs_nvrtc = pytest.mark.skipif(kcc.find_nvrtc() is None, reason="NVRTC is not installed (requirements-test.txt)")


@needs_nvrtc
@pytest.mark.parametrize("program", CUDA_PROGRAMS)
def test_cuda_kernels_compile_with_nvrtc_for_sm90a_without_spills(program):
    results = kcc.check_program(ROOT / program)
    assert results, f"{program} launched no CUDA kernel"
    for r in results:
        assert r.ok, r.log
        usage = kcc.resource_usage(r.log)
        assert usage.get("spill_store_bytes", 0) == 0, usage


@pytest.mark.parametrize("program", METAL_PROGRAMS)
def test_metal_kernels_pass_the_syntax_check(program):
    if not (ROOT / program).exists():
        pytest.skip(f"{program} does not exist")
    results = kcc.check_program(ROOT / program)
    assert results and all(r.launch.backend == "metal" for r in results)
    for r in results:
        assert r.ok, r.log
        assert "[[kernel]] void custom_kernel_qwen3_gqa_" in r.launch.source  # MLX's own wrapper


def test_metal_check_catches_an_address_space_keyword_used_as_a_name(tmp_path):
    broken = (ROOT / "initial_program.py").read_text().replace("const int tid =", "const int thread =")
    broken = broken.replace("int d = tid;", "int d = thread;")
    program = tmp_path / "broken_metal.py"
    program.write_text(broken)
    results = kcc.check_program(program)
    assert not all(r.ok for r in results)
    assert "thread" in results[0].log


@needs_nvrtc
def test_cuda_check_reports_the_compiler_error(tmp_path):
    broken = (ROOT / "initial_program_cuda.py").read_text().replace("row_sum = row_sum * correction", "row_sum = undeclared * correction")
    program = tmp_path / "broken_cuda.py"
    program.write_text(broken)
    results = kcc.check_program(program)
    assert not results[0].ok and 'identifier "undeclared" is undefined' in results[0].log


def test_cuda_source_is_built_like_mlx_builds_it():
    kernel = {"name": "k", "input_names": ["x", "s"], "output_names": ["y"], "header": "// h\n",
              "source": "y[0] = x[0] * s[0] + x_strides[0];"}
    call = {"inputs": [("bfloat16", 2), ("float32", 1)], "output_dtypes": ["float32"],
            "template": [("N", "int", 3), ("C", "bool", True), ("T", "dtype", "bfloat16")]}
    source = kcc.build_cuda_source(kernel, call)
    assert "__global__ void custom_kernel_k_3_t_bfloat16(" in source
    assert "    const __nv_bfloat16* x,\n    const __grid_constant__ Strides x_strides,\n    const float* s,\n    float* y) {" in source
    assert "  constexpr int N = 3;\n  constexpr bool C = true;\n  using T = __nv_bfloat16;" in source
