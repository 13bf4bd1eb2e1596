"""Why a program failed the compile gate: a class for the run report to count, and the compiler's
error trimmed for the LLM, each error beside the line of kernel source the program wrote.

When a custom kernel fails to build, MLX 0.32 raises a RuntimeError holding the compiler's log:

    CUDA  (backend/cuda/jit_module.cpp)  "Failed to compile kernel: {NVRTC log}."
          NVRTC names the file <kernel function>_<hash of the source>.cu and prints
              custom_kernel_k_128_t_5f3a9c.cu(31): error: more than one operator "*" matches these operands:
                          operand types are: const __nv_bfloat16 * const float
                    q_shared[d] = q[d] * scale[0];
                                       ^
          where 31 counts lines of the source MLX generated: its prologue (which starts with an empty
          line), the program's header, the signature, the template constants, then the body.
    Metal (backend/metal/device.cpp)     "[metal::Device] Unable to build metal library from source\n{log}"
          clang-style lines: FILE:LINE:COL: error: MESSAGE, the source line, a caret line. MLX
          compiles its utils preamble (which ends in `#line` directives of its own headers) followed
          by the kernel, so FILE:LINE of a kernel error names a header of MLX's
          (mlx/backend/metal/kernels/utils.h:459:36 in ml-explore/mlx-lm#814): only the echoed
          source line locates it.

`kernels` below are kernel_compile_check.KernelLaunch records (name, source, body, header): the
generated source of each launch, as its recorder rebuilds it. Everything here works on text, so that
it is tested on the CPU with real NVRTC logs.
"""

import re
from dataclasses import dataclass, field

# The classes the run report counts; the first error decides (later ones often follow from it).
FAILURE_CLASSES = (
    "bf16_conversion",       # no, or an ambiguous, conversion/operator between bf16 or half and another type
    "undefined_identifier",  # a name the kernel uses is not declared
    "syntax",                # the compiler expected something else: ";", ")", a declaration
    "template",              # template constants used where they are invisible or redeclared; non-constant sizes
    "signature",             # what MLX was given (inputs, outputs, template arguments), writes to inputs,
                             # shapes or dtypes wrong at call time, or a returned array of the wrong shape/dtype
    "launch",                # built but not launchable: threadgroup size, shared memory, faults at launch
    "python",                # any other Python exception (import errors, bugs outside the kernel)
    "sdpa_guard",            # the decode path reached SDPA
    "timeout",               # import or first call did not finish in time
    "crashed",               # the process died without a report: a signal, os._exit, the memory limit
    "other",
)
MAX_ERRORS_SHOWN = 4
MAX_REPORT_CHARS = 4000  # openevolve 0.4.1 cuts each artifact at prompt.max_artifact_bytes (20 KiB by default)
MAX_LINE_CHARS = 240

# 16-bit float types as NVRTC (cuda_bf16.h, cuda_fp16.h) and Metal/MLX (bfloat, bfloat16_t, half) name them.
SIXTEEN_BIT_TYPE = re.compile(r"__nv_bfloat162?|\bnv_bfloat162?\b|__half2?\b|\bhalf[248]?\b|\bbfloat(16_t|[248])?\b"
                              r"|_MLX_BFloat16|\bfloat16_t\b")
# NVRTC's (EDG) and clang's wordings of a conversion or an overload that failed or is ambiguous.
CONVERSION_FAILURE = re.compile(
    r"more than one (operator|conversion function|instance of overloaded function)|ambiguous"
    r"|no suitable (user-defined )?(conversion|constructor)|no (instance of overloaded function|operator) \""
    r"|cannot be (used to initialize|assigned to)|incompatible type|cannot initialize"
    r"|no viable (conversion|overloaded)|no matching (function|constructor|conversion)|invalid operands")
# Writes through an input: MLX declares every input `const`.
CONST_INPUT_WRITE = re.compile(r"expression must be a modifiable lvalue|operand types are: const [\w:]+ =[^=]"
                               r"|with const-qualified type|read-only variable is not assignable")
UNDEFINED = re.compile(r"identifier \"(\w+)\" is undefined|use of undeclared identifier '(\w+)'"
                       r"|unknown type name|has no member|no member named|is not a member of|undeclared")
NOT_CONSTANT = re.compile(r"expression must have a constant value|not an integral constant expression"
                          r"|template declaration is not allowed here|template argument|variable length array"
                          r"|non-type template")
REDECLARED = re.compile(r"\"(\w+)\" has already been declared|redefinition of '(\w+)'")
SYNTAX = re.compile(r"^expected |unrecognized token|missing closing quote|unexpected token|extraneous"
                    r"|invalid character|unterminated")
# ptxas, the CUDA runtime through MLX ("<call> failed: <cudaGetErrorString>"), MLX's Metal back-end.
LAUNCH = re.compile(r"uses too much (shared|local|param) data|too many resources requested for launch"
                    r"|invalid configuration argument|Thread group size \(\d+\) is greater than"
                    r"|Failed to load compiled|illegal memory access"
                    r"|\b(cuLaunch|cudaLaunch|cudaGraph|cuGraph)\w*\(.*\) failed:")
# MLX on a kernel called with the wrong arguments (python/src/fast.cpp, backend/*/custom_kernel.cpp),
# MLX operations on wrong shapes ("[matmul] ...", "[broadcast_shapes] ..."), nanobind on wrong
# argument types, and the compile child's own check of the returned array.
SIGNATURE = re.compile(r"\[(cuda_kernel|metal_kernel|custom_kernel)\] (Expected|Invalid|Must)"
                       r"|incompatible function arguments|^\w*Error: \[\w+\] |^IndexError: Invalid axis"
                       r"|the program returned (shape|dtype|\w+, not an mx\.array)", re.M)
KERNEL_BUILD_FAILED = re.compile(r"Failed to compile kernel|Unable to build metal library")
PYTHON_EXCEPTION = re.compile(r"[A-Za-z_][\w.]*: ")  # what the compile child reports: "TypeName: message"

# Diagnostic headers: NVRTC "f.cu(12): error: m" and "At end of source: error: m", clang
# "f:12:5: error: m", ptxas "ptxas error   : m".
NVRTC_HEADER = re.compile(r"^(?:(?P<file>[^\s()]+)\((?P<line>\d+)\)|At end of source): "
                          r"(?P<kind>catastrophic error|error|warning|note|remark)(?: #[\w-]+)?: (?P<message>.*)$")
CLANG_HEADER = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):(?:\d+:)? (?P<kind>fatal error|error|warning|note): "
                          r"(?P<message>.*)$")
PTXAS_HEADER = re.compile(r"^ptxas (?P<kind>error|fatal)\s*: (?P<message>.*)$")
CARET_LINE = re.compile(r"^\s*\^[\s^~]*$|^\s*~+\^[\s^~]*$")
LONG_PATH = re.compile(r"(?<![^\s\"'(])(?:/[^\s\"'()/]+)+/([^\s\"'()/]+\.(?:h|cuh|hpp))")  # absolute paths
CUDA_TEMPLATE_LINE = re.compile(r"^  (?:constexpr (?:int|bool) (\w+) =|using (\w+) =)", re.M)
METAL_TEMPLATE_PARAMS = re.compile(r"^template <([^>]*)>\n\[\[kernel\]\]", re.M)


@dataclass
class Diagnostic:
    kind: str  # "error", "warning", "note", ...
    message: str
    file: str = ""
    line: int = 0  # as the compiler numbered it; 0 where it gave none
    details: list = field(default_factory=list)  # continuation lines: operand types, candidates
    echo: str = ""  # the source line the compiler printed under the message

    @property
    def is_error(self):
        return "error" in self.kind or self.kind == "fatal"


def kernel_function(source: str) -> str:
    """The name MLX gave the kernel function in a generated source (it names NVRTC's file after it)."""
    match = re.search(r"(?:__global__|\[\[kernel\]\])\s+void\s+(\w+)\s*\(", source)
    return match.group(1) if match else ""


# ----------------------------------------------------------------------------- parsing


def parse_diagnostics(text: str) -> list:
    """Every compiler diagnostic in `text` (NVRTC, clang or ptxas), in order, without repeats."""
    # MLX writes the log on the line of its own words: "Failed to compile kernel: k.cu(3): error: ..."
    text = re.sub(r"(Failed to compile kernel: |Unable to build metal library from source)", r"\1\n", text)
    diagnostics, current = [], None
    for line in text.splitlines():
        line = line.rstrip()
        header = NVRTC_HEADER.match(line) or CLANG_HEADER.match(line) or PTXAS_HEADER.match(line)
        if header:
            fields = header.groupdict()
            current = Diagnostic(fields["kind"], fields["message"], fields.get("file") or "",
                                 int(fields.get("line") or 0))
            diagnostics.append(current)
        elif current is None:
            continue
        elif not line.strip():
            current = None
        elif CARET_LINE.match(line):
            if current.details:  # the line above the caret is the source line the compiler echoed
                current.echo = current.details.pop()
            current = None
        else:
            current.details.append(line)
    unique = {}
    for d in diagnostics:
        unique.setdefault((d.kind, d.file, d.line, d.message, d.echo), d)
    return list(unique.values())


def compiler_errors(text: str) -> list:
    return [d for d in parse_diagnostics(text) if d.is_error]


# ----------------------------------------------------------------------------- classifying


def classify(text: str, kernels=()) -> str:
    """The failure class of an error: a compiler log, an MLX error, or a Python exception."""
    errors = compiler_errors(text)
    if errors:
        return classify_compiler_error(errors[0], kernels)
    if LAUNCH.search(text):
        return "launch"
    if SIGNATURE.search(text):
        return "signature"
    if "SDPAOnDecodePath" in text:
        return "sdpa_guard"
    if KERNEL_BUILD_FAILED.search(text):
        return "other"  # the build failed and its log holds nothing recognisable
    if PYTHON_EXCEPTION.match(text.lstrip()):
        return "python"
    return "other"


def classify_compiler_error(error: Diagnostic, kernels=()) -> str:
    block = "\n".join([error.message] + error.details)
    names = template_names(kernels)
    undefined = UNDEFINED.search(error.message)
    redeclared = REDECLARED.search(error.message)
    if CONST_INPUT_WRITE.search(block):
        return "signature"
    if CONVERSION_FAILURE.search(error.message) and SIXTEEN_BIT_TYPE.search(block):
        return "bf16_conversion"
    if LAUNCH.search(error.message):
        return "launch"
    if NOT_CONSTANT.search(error.message):
        return "template"
    # MLX declares template constants inside the kernel: the header cannot see them, the body must not redeclare them.
    if undefined and (undefined.group(1) or undefined.group(2)) in names:
        return "template"
    if redeclared and (redeclared.group(1) or redeclared.group(2)) in names:
        return "template"
    if undefined:
        return "undefined_identifier"
    if SYNTAX.search(error.message):
        return "syntax"
    return "other"


def template_names(kernels) -> set:
    """The names MLX declares from template=[...]: `constexpr int N = ..;` / `using T = ..;` lines
    between a CUDA kernel's signature and its body, or a Metal kernel's template parameters."""
    names = set()
    for k in kernels:
        body_start = k.source.rfind(k.body) if k.body else -1
        if body_start > 0:
            prologue = k.source[k.source.rfind(") {\n", 0, body_start):body_start]
            names |= {a or b for a, b in CUDA_TEMPLATE_LINE.findall(prologue)}
        if params := METAL_TEMPLATE_PARAMS.search(k.source):
            names |= set(re.findall(r"\w+\s+(\w+)\s*(?:,|$)", params.group(1)))
    return names


# ----------------------------------------------------------------------------- locating


def line_text(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


def generated_lines(error: Diagnostic, kernels) -> list:
    """[(kernel, line of its generated source)] the error may point at."""
    echo = error.echo.strip()
    stem = re.sub(r"\.cu$", "", error.file)
    functions = [(k, kernel_function(k.source)) for k in kernels]
    named = [k for k, f in functions if f and re.fullmatch(re.escape(f) + r"(_[0-9a-f]+)?", stem)]
    # NVRTC: the file names the kernel and its LINE counts that kernel's generated source.
    for k in named:
        if error.line and (not echo or line_text(k.source, error.line).strip() == echo):
            return [(k, error.line)]
    # Metal (or a source rebuilt differently): find the echoed line itself.
    if not echo:
        return []
    return [(k, i + 1) for k in named or kernels
            for i, text in enumerate(k.source.splitlines()) if text.strip() == echo]


def program_location(kernel, line: int, program_text: str) -> str:
    """"program line 71 (line 29 of kernel k's source)" for a line of a kernel's generated source."""
    for part, text, start in (("source", kernel.body, kernel.source.rfind(kernel.body)),
                              ("header", kernel.header, kernel.source.find(kernel.header))):
        if not text.strip() or start < 0:
            continue
        part_line = line - kernel.source.count("\n", 0, start)
        if 1 <= part_line <= text.count("\n") + 1:
            where = f"line {part_line} of kernel {kernel.name}'s {part}"
            if program_text.count(text) == 1:  # the program wrote it as one string literal
                in_program = program_text.find(text)
                return f"program line {program_text.count(chr(10), 0, in_program) + part_line} ({where})"
            return where
    return f"kernel {kernel.name}'s signature or template constants, written by MLX"


def locate(error: Diagnostic, kernels, program_text="") -> str:
    """Where an error is, in the program's terms; '' if the kernels recorded cannot say."""
    places = {program_location(k, line, program_text) for k, line in generated_lines(error, kernels)}
    return places.pop() if len(places) == 1 else ""


# ----------------------------------------------------------------------------- the artifact


def shorten(line: str) -> str:
    line = LONG_PATH.sub(r"\1", line.rstrip())
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 3] + "..."


def compiler_report(text: str, kernels=(), program_text="") -> str:
    """The first errors of a compiler log, each with where it is and the line the compiler showed."""
    errors = compiler_errors(text)
    if not errors:
        return ""
    count = f"{len(errors)} compiler error{'s' if len(errors) > 1 else ''}"
    lines = [count + (f", the first {MAX_ERRORS_SHOWN}:" if len(errors) > MAX_ERRORS_SHOWN else ":")]
    for error in errors[:MAX_ERRORS_SHOWN]:
        where = locate(error, kernels, program_text)
        lines.append(shorten(f"error{' at ' + where if where else ''}: {error.message}"))
        # The operand or argument types say what did not convert; the lists of candidates are noise.
        lines += [shorten("    " + d.strip()) for d in error.details if "types are:" in d]
        if error.echo:
            lines.append(shorten("  > " + error.echo.strip()))
    return "\n".join(lines)


def cut_to_size(text: str) -> str:
    """An artifact's text with long lines and absolute paths shortened, at most MAX_REPORT_CHARS long."""
    text = "\n".join(map(shorten, text.strip().splitlines()))
    return text if len(text) <= MAX_REPORT_CHARS else text[: MAX_REPORT_CHARS - 10] + "\n... (cut)"
