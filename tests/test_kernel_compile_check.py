"""kernel_compile_check.py: the shipped kernels compile (CUDA with NVRTC, Metal syntax with g++), a
broken kernel does not, and the source rebuilt for NVRTC is MLX 0.32.4's line for line. Then
compile_errors.py: compiler logs classified and located in the program, on real messages."""

import pytest
from conftest import ROOT

import compile_errors as ce
import kernel_compile_check as kcc

CUDA_PROGRAMS = sorted(str(p.relative_to(ROOT))
                       for p in [*ROOT.glob("*_cuda.py"), *ROOT.glob("benchmarks/*_program_cuda.py")])
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
    # MLX 0.32.4's build_kernel(): default_header (a raw string that starts with a newline), the
    # header, then the signature; NVRTC's line numbers count every one of these lines.
    assert kcc.build_cuda_source(kernel, call).splitlines() == [
        "", '#include "mlx/backend/cuda/device/utils.cuh"', "", "#include <cooperative_groups.h>", "",
        "// h", "namespace mlx::core::cu {", "", "namespace cg = cooperative_groups;", "",
        "__global__ void custom_kernel_k_3_t_bfloat16_t(",  # dtypes named by get_type_string()
        "    const __nv_bfloat16* x,", "    const __grid_constant__ Strides x_strides,", "    const float* s,",
        "    float* y) {", "  constexpr int N = 3;", "  constexpr bool C = true;", "  using T = __nv_bfloat16;", "",
        "y[0] = x[0] * s[0] + x_strides[0];", "}", "", "} // namespace mlx::core::cu"]


# ----------------------------------------------------------------------------- compile_errors.py

# Real messages. GPU_*: MLX 0.32.4 (CUDA) on an NVIDIA H200, the compile child's exception for
# initial_program_cuda.py with one line broken. NVRTC_*: NVRTC 13.0 here through compile_cuda() on
# small kernel bodies. METAL_*: the Metal compiler through MLX, quoted in ml-explore/mlx-lm#814, and
# through newLibraryWithSource in EricLBuehler/mistral.rs#1998.
GPU_BF16_TIMES_FLOAT = """RuntimeError: Failed to compile kernel: custom_kernel_qwen3_gqa_attention_bfloat16_t_128_4_128_f_73a8897e35b828d4.cu(66): error: more than one operator "*" matches these operands:
            built-in operator "arithmetic * arithmetic"
            function "operator*(const __nv_bfloat16 &, const __nv_bfloat16 &)" (declared at line 4758 of /usr/local/cuda/include/cuda_bf16.h)
            operand types are: const __nv_bfloat16 * const float
      q_shared[d] = q[d * queries_strides[3]] * scale[0];
                                              ^
/usr/local/cuda/include/cuda_bf16.h(4955): note #3326-D: function "operator*(const __nv_bfloat162 &, const __nv_bfloat162 &)" does not match because argument #1 does not match parameter
  __CUDA_HOSTDEVICE__ __CUDA_BF16_FORCEINLINE__ __nv_bfloat162 operator*(const __nv_bfloat162 &lh, const __nv_bfloat162 &rh);
                                                               ^
/usr/local/cuda/include/cuda_fp16.h(4954): note #3326-D: function "operator*(const __half &, const __half &)" does not match because argument #1 does not match parameter
  __CUDA_HOSTDEVICE__ __CUDA_FP16_FORCEINLINE__ __half operator*(const __half &lh, const __half &rh);
                                                       ^

1 error detected in the compilation of "custom_kernel_qwen3_gqa_attention_bfloat16_t_128_4_128_f_73a8897e35b828d4.cu".
."""
GPU_HEADER_USES_TEMPLATE_CONSTANT = """RuntimeError: Failed to compile kernel: custom_kernel_qwen3_gqa_attention_bfloat16_t_128_4_128_f_72d640071d0351c0.cu(9): error: identifier "WARPS" is undefined
    for (int offset = WARPS * 4; offset > 0; offset /= 2) x = fmaxf(x, __shfl_xor_sync(0xffffffff, x, offset));
                      ^

1 error detected in the compilation of "custom_kernel_qwen3_gqa_attention_bfloat16_t_128_4_128_f_72d640071d0351c0.cu".
."""
GPU_WRITES_AN_INPUT = """RuntimeError: Failed to compile kernel: custom_kernel_qwen3_gqa_attention_bfloat16_t_128_4_128_f_8af0e86fa0c252f6.cu(69): error: no operator "=" matches these operands
            operand types are: const __nv_bfloat16 = const __nv_bfloat16
    queries[0] = queries[1];
               ^
/usr/local/cuda/include/cuda_bf16.h(4432): note #3326-D: function "__nv_bfloat16::operator=(__nv_bfloat16 &&)" does not match because argument #1 does not match parameter
  struct __CUDA_ALIGN__(2) __nv_bfloat16 {
                           ^

1 error detected in the compilation of "custom_kernel_qwen3_gqa_attention_bfloat16_t_128_4_128_f_8af0e86fa0c252f6.cu".
."""
GPU_TOO_MUCH_SHARED = ("RuntimeError: Failed to compile kernel: ptxas error   : Entry function '_ZN3mlx4core2cu56custom_kernel_"
                       "qwen3_gqa_attention_bfloat16_t_128_4_128_fEPK13__nv_bfloat16N4cuda3std3__45arrayIiLm10EEENS8_IxLm10EEE"
                       "S4_S9_SA_S4_SA_PKfPS2_' uses too much shared data (0x40a20 bytes, 0x38c00 max)\n.")
NVRTC_AMBIGUOUS_TERNARY = """kernel.cu(15): error: ambiguous "?" operation: second operand of type "const __nv_bfloat16" can be converted to third operand type "float", and vice versa
    y[0] = threadIdx.x ? x[0] : 0.0f;
                              ^

1 error detected in the compilation of "kernel.cu"."""
NVRTC_HALF_TO_BF16 = """kernel.cu(15): error: no suitable user-defined conversion from "__half" to "__nv_bfloat16" exists
    __half h = __float2half(1.0f); __nv_bfloat16 b = h; y[0] = b;
                                                     ^"""
NVRTC_FLOAT_PLUS_EQUALS_BF16 = """kernel.cu(15): error: more than one conversion function from "const __nv_bfloat16" to a built-in type applies:
            function "__nv_bfloat16::operator float() const" (declared at line 4515 of /work/main/.venv-test/lib/python3.11/site-packages/nvidia/cu13/include/cuda_bf16.h)
            function "__nv_bfloat16::operator short() const" (declared at line 4645 of /work/main/.venv-test/lib/python3.11/site-packages/nvidia/cu13/include/cuda_bf16.h)
    float acc = 0.0f; acc += x[0]; y[0] = __float2bfloat16(acc);
                             ^"""
NVRTC_MAX_BF16_INT = """kernel.cu(15): error: more than one instance of overloaded function "max" matches the argument list:
            function "max(unsigned int, int)" (declared implicitly)
            function "max(int, int)" (declared implicitly)
            argument types are: (const __nv_bfloat16, int)
    float m = max(x[0], 0); y[0] = __float2bfloat16(m);
              ^"""
NVRTC_INFINITY = """kernel.cu(15): error: identifier "INFINITY" is undefined
    float m = -INFINITY; y[0] = __float2bfloat16(m);
               ^"""
NVRTC_MISSING_SEMICOLON = """kernel.cu(16): error: expected a ";"
    y[0] = __float2bfloat16(a);
    ^

kernel.cu(15): warning #177-D: variable "a" was declared but never referenced
    float a = 1.0f
          ^"""
NVRTC_MISSING_BRACE = """At end of source: error: expected a "}"
kernel.cu(5): note #3196-D: to match this "{"
  namespace mlx::core::cu {
                          ^"""
NVRTC_RUNTIME_ARRAY_SIZE = """kernel.cu(17): error: expression must have a constant value
    __shared__ float buf[n];
                         ^
kernel.cu(17): note #2689-D: the value of variable "n" (declared at line 16) cannot be used as a constant"""
NVRTC_WRITE_FLOAT_INPUT = """kernel.cu(15): error: expression must be a modifiable lvalue
    s[0] = 1.0f; y[0] = x[0];
    ^"""
METAL_ASSIGN_FLOAT_TO_BFLOAT = """RuntimeError: [metal::Device] Unable to build metal library from source
mlx/backend/metal/kernels/utils.h:459:36: error: assigning to 'bfloat16_t' (aka 'bfloat') from incompatible type 'float'
out[batch * inp_shape[1] + elem] = bit ? inp[batch * inp_shape[1] + elem] : -INFINITY;
                                   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
mlx/backend/metal/kernels/utils.h:456:25: warning: comparison of integers of different signs: 'uint' (aka 'unsigned int') and 'const constant int' [-Wsign-compare]
uint bit = ((elem >> 5) < mask_shape[1]) &&
             ~~~~~~~~~  ^ ~~~~~~~~~~~~~"""
METAL_UNKNOWN_TYPE = """program_source:518:25: error: unknown type name 'bfloat16_t'; did you mean 'bfloat16'?
instantiate_conv1d_full(bfloat16_t);
                        ^~~~~~~~~~
                        bfloat16"""

CLASSES = {
    "gpu bf16 * float": (GPU_BF16_TIMES_FLOAT, "bf16_conversion"),
    "gpu write to an input": (GPU_WRITES_AN_INPUT, "signature"),
    "gpu ptxas shared memory": (GPU_TOO_MUCH_SHARED, "launch"),
    "gpu threadgroup of 2048": ("RuntimeError: cuGraphAddKernelNode(&node, graph_, NULL, 0, &params) failed: invalid argument",
                                "launch"),
    "gpu read far out of bounds": ("RuntimeError: cudaGetLastError() failed: an illegal memory access was encountered", "launch"),
    "gpu inputs missing": ("ValueError: [custom_kernel] Expected `inputs` to have size 4 but got size 3.", "signature"),
    "gpu float template argument": ("ValueError: [cuda_kernel] Invalid template argument. Must be `mlx.core.Dtype`, `int` "
                                    "or `bool`.", "signature"),
    "ambiguous ?:": (NVRTC_AMBIGUOUS_TERNARY, "bf16_conversion"),
    "half to bf16": (NVRTC_HALF_TO_BF16, "bf16_conversion"),
    "float += bf16": (NVRTC_FLOAT_PLUS_EQUALS_BF16, "bf16_conversion"),
    "max(bf16, int)": (NVRTC_MAX_BF16_INT, "bf16_conversion"),
    "INFINITY": (NVRTC_INFINITY, "undefined_identifier"),
    "missing ;": (NVRTC_MISSING_SEMICOLON, "syntax"),
    "missing }": (NVRTC_MISSING_BRACE, "syntax"),
    "runtime array size": (NVRTC_RUNTIME_ARRAY_SIZE, "template"),
    "write to a float input": (NVRTC_WRITE_FLOAT_INPUT, "signature"),
    "metal float to bfloat": (METAL_ASSIGN_FLOAT_TO_BFLOAT, "bf16_conversion"),
    "metal unknown type": (METAL_UNKNOWN_TYPE, "undefined_identifier"),
    # What MLX and the compile child raise on the CPU (plain-MLX programs).
    "mlx shapes": ("ValueError: [broadcast_shapes] Shapes (1,16) and (1,8) cannot be broadcast.", "signature"),
    "returned shape": ("ValueError: the program returned shape (1, 8, 1, 128), expected (1, 16, 1, 128)", "signature"),
    "program raised": ("RuntimeError: this kernel is broken on purpose\n  at line 5 in qwen3_custom_gqa_attention: raise",
                       "python"),
    "import error": ("ModuleNotFoundError: No module named 'triton'", "python"),
    "sdpa": ("SDPAOnDecodePath: mx.fast.scaled_dot_product_attention was called during a decode call", "sdpa_guard"),
    "unrecognised build failure": ("RuntimeError: Failed to compile kernel: .", "other"),
}


@pytest.mark.parametrize("case", sorted(CLASSES))
def test_failures_are_classified_from_the_real_messages(case):
    text, expected = CLASSES[case]
    assert ce.classify(text) == expected
    assert expected in ce.FAILURE_CLASSES


def test_an_nvrtc_log_is_parsed_into_errors_with_the_line_they_echo():
    errors = ce.compiler_errors(GPU_BF16_TIMES_FLOAT)
    assert len(errors) == 1  # the notes about cuda_bf16.h are not errors
    error = errors[0]
    assert error.file == "custom_kernel_qwen3_gqa_attention_bfloat16_t_128_4_128_f_73a8897e35b828d4.cu"
    assert error.line == 66 and error.message == 'more than one operator "*" matches these operands:'
    assert error.echo.strip() == "q_shared[d] = q[d * queries_strides[3]] * scale[0];"
    assert "            operand types are: const __nv_bfloat16 * const float" in error.details
    assert [e.kind for e in ce.parse_diagnostics(NVRTC_MISSING_SEMICOLON)] == ["error", "warning"]


def cuda_kernel_with_template_constant():
    kernel = {"name": "k", "input_names": ["x"], "output_names": ["y"],
              "header": "__device__ float helper(float v) {\n  return v * WARPS;\n}\n",
              "source": "\n  y[0] = x[0];\n  y[1] = undeclared;\n"}
    call = {"inputs": [("bfloat16", 1)], "output_dtypes": ["bfloat16"], "template": [("WARPS", "int", 4)]}
    source = kcc.build_cuda_source(kernel, call)
    return kcc.KernelLaunch("cuda", "k", source, kernel["source"], kernel["header"])


def test_a_template_constant_the_header_cannot_see_is_a_template_failure():
    kernel = cuda_kernel_with_template_constant()
    assert ce.template_names([kernel]) == {"WARPS"}
    assert ce.classify(GPU_HEADER_USES_TEMPLATE_CONSTANT, [kernel]) == "template"
    assert ce.classify(GPU_HEADER_USES_TEMPLATE_CONSTANT) == "undefined_identifier"  # without the kernel's source


def test_nvrtc_line_numbers_map_to_the_header_and_the_body_as_the_program_wrote_them():
    kernel = cuda_kernel_with_template_constant()
    lines = kernel.source.splitlines()
    header_line, body_line = lines.index("  return v * WARPS;") + 1, lines.index("  y[1] = undeclared;") + 1
    # 5 prologue lines, 3 of header, 4 of namespace, 3 of signature, a template constant and an empty
    # line: the body (which starts with an empty line) starts at line 18.
    assert (header_line, body_line) == (7, 20)
    program = f'HEADER = """{kernel.header}"""\n\nSOURCE = """{kernel.body}"""\n'
    log = (f"{ce.kernel_function(kernel.source)}_0123456789abcdef.cu({body_line}): error: identifier \"undeclared\" is undefined\n"
           "    y[1] = undeclared;\n           ^\n\n"
           f"{ce.kernel_function(kernel.source)}_0123456789abcdef.cu({header_line}): error: identifier \"WARPS\" is undefined\n"
           "    return v * WARPS;\n               ^\n")
    report = ce.compiler_report(log, [kernel], program)
    assert "error at program line 8 (line 3 of kernel k's source): identifier \"undeclared\" is undefined" in report
    assert "error at program line 2 (line 2 of kernel k's header): identifier \"WARPS\" is undefined" in report
    assert "  > y[1] = undeclared;" in report


def test_a_metal_error_is_located_by_the_line_it_echoes_not_its_line_number():
    body = "\n  uint elem = thread_position_in_grid.x;\n  out[batch * inp_shape[1] + elem] = bit ? inp[batch * inp_shape[1] + elem] : -INFINITY;\n"
    kernel = kcc.KernelLaunch("metal", "mask", "template <typename T>\n[[kernel]] void custom_kernel_mask(\n"
                              "  device bfloat16_t* out [[buffer(0)]]) {\n" + body + "\n}\n", body)
    report = ce.compiler_report(METAL_ASSIGN_FLOAT_TO_BFLOAT, [kernel], "")
    assert report.splitlines()[1] == ("error at line 3 of kernel mask's source: assigning to 'bfloat16_t' (aka 'bfloat') "
                                      "from incompatible type 'float'")


def test_the_report_shows_the_first_errors_only_and_stays_small():
    many = "\n".join(f"kernel.cu({i}): error: identifier \"v{i}\" is undefined\n    y = v{i};\n        ^\n" for i in range(1, 40))
    report = ce.compiler_report("RuntimeError: Failed to compile kernel: " + many)
    assert report.startswith("39 compiler errors, the first 4:") and report.count("error: ") == 4
    assert ce.compiler_report(GPU_BF16_TIMES_FLOAT).splitlines() == [  # no candidates, no notes
        "1 compiler error:", 'error: more than one operator "*" matches these operands:',
        "    operand types are: const __nv_bfloat16 * const float", "  > q_shared[d] = q[d * queries_strides[3]] * scale[0];"]
    assert ce.shorten("(declared at line 4758 of /usr/local/cuda/include/cuda_bf16.h)") == "(declared at line 4758 of cuda_bf16.h)"
    assert len(ce.cut_to_size("x" * 100 + "\n" * 5000 + "y" * 10**5)) <= ce.MAX_REPORT_CHARS


def broken_cuda_program(tmp_path, old, new):
    source = (ROOT / "initial_program_cuda.py").read_text()
    assert old in source
    program = tmp_path / "broken_cuda.py"
    program.write_text(source.replace(old, new))
    return program


@needs_nvrtc
def test_a_real_nvrtc_error_points_at_the_program_line_by_its_line_number(tmp_path):
    # The classic bf16 error (test_gpu.py's scripted diff): bf16 * float is ambiguous in CUDA.
    program = broken_cuda_program(tmp_path, "q_shared[d] = static_cast<float>(q[d * queries_strides[3]]) * scale[0];",
                                  "q_shared[d] = q[d * queries_strides[3]] * scale[0];")
    launches = kcc.capture_launches(program)
    failed = [r for r in map(kcc.compile_cuda, launches) if not r.ok]
    assert len(failed) == len(launches) == 2  # decode and causal prefill: two template variants
    mlx_error = f"RuntimeError: Failed to compile kernel: {failed[0].log}."  # as MLX raises it
    error = ce.compiler_errors(mlx_error)[0]
    # The file names the kernel function, and the line number alone finds the line in its source.
    assert ce.generated_lines(error, launches) == [(failed[0].launch, error.line)]
    program_line = program.read_text().splitlines().index("    q_shared[d] = q[d * queries_strides[3]] * scale[0];") + 1
    assert ce.classify(mlx_error, launches) == "bf16_conversion"
    assert f"error at program line {program_line} (line " in ce.compiler_report(mlx_error, launches, program.read_text())


@needs_nvrtc
def test_a_ptxas_failure_gives_the_log_mlx_would_raise(tmp_path):
    program = broken_cuda_program(tmp_path, "__shared__ float q_shared[HEAD_DIM];", "__shared__ float q_shared[65536];")
    result = kcc.compile_cuda(kcc.capture_launches(program)[0])
    assert not result.ok and "uses too much shared data" in result.log  # ptxas -v would print only its report
    assert ce.classify(f"RuntimeError: Failed to compile kernel: {result.log}.") == "launch"
