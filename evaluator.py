"""Scores a Qwen3 GQA attention program: correct first, then its measured decode speedup.

    from evaluator import Qwen3GQAEvaluator
    result = Qwen3GQAEvaluator(model="synthetic", benchmarks="quick").evaluate("initial_program_cuda.py")
    print(result["summary"])

openevolve calls the module-level `evaluate(program_path)`. The gates run in order and the first
failure ends the evaluation with combined_score 0 and a precise error:

    1. check_source        parses, defines the entry point, its back-end exists here
    2. check_compiles      imports and runs once on small shapes (child process)
    3. check_correctness   every case of correctness_check.py and a teacher-forced model check
    4. check_memory_safety CUDA only: the compile run again under compute-sanitizer's memcheck
                           (where the tool is installed and works on this GPU), side by side with 3
    5. check_kernel_speed  kernel microbenchmark against SDPA, in a child (GPU only; never fails
                           a program for being slow: it feeds the summary and the artifacts)
    6. measure_decode      interleaved A/B trials through mlx_lm_generate_with_hook.py, with the
                           ceiling (a no-op kernel's speedup, measured once and cached) beside each;
                           a program whose MLX peak memory exceeds the baseline's by more than
                           QWEN3_GQA_MAX_EXTRA_PEAK_GB (default 4) fails here

and after them, passed or not, check_no_stray_writes: the example's own files are unchanged.

combined_score is the geometric mean over the benchmarks of candidate / baseline decode tok/s.
This process never runs the candidate and never touches the GPU: openevolve forks its workers
and CUDA does not survive a fork, so everything that uses MLX runs in child processes.
"""

import ast
import fcntl
import json
import math
import os
import secrets
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

import compile_errors
import correctness_check
from kernel_compile_check import KernelLaunch
from qwen3_benchmark_suite import (CEILING_RULES, DESIGNS, TrialError, check_pool, interval_text, measure_speedup,
                                   run_child, select_benchmarks, tail)
from qwen3_model import cache_root, resolve_model

HERE = Path(__file__).resolve().parent
ENTRY_POINT = "qwen3_custom_gqa_attention"
ENTRY_PARAMS = ("queries", "keys", "values", "scale", "mask")
KERNEL_APIS = {"metal_kernel": "metal", "cuda_kernel": "cuda"}
STARTING_PROGRAMS = {"metal": "initial_program.py", "cuda": "initial_program_cuda.py", "mlx": "initial_program_mlx.py"}
LONG_CONTEXT_TOKENS = 1024  # benchmarks with at least this many prompt tokens count as long-context
LOGITS_TOLERANCE_FACTOR = 2.0  # model-level: the program's logits error vs fp32 may be this times SDPA's
LOGITS_TOLERANCE_FLOOR = 1e-2
MEMCHECK_EXIT_CODE = 86  # what compute-sanitizer exits with when it found invalid accesses
# No-op kernels whose decode speedup is the most any kernel can gain (per device back-end).
CEILING_PROGRAMS = {b: HERE / "benchmarks" / f"ceiling_program_{b}.py" for b in ("cuda", "metal")}
CEILING_PROGRAMS["cpu"] = HERE / "benchmarks" / "ceiling_program_mlx.py"

# Per device: children's time limits (s) and the default trial design.
SETTINGS = {
    "cpu": {"compile_s": 45, "correctness_s": 60, "memcheck_s": 0, "kernel_s": 0,
            "pairs": 3, "repeats": 10, "design": "sequential"},
    # GPU: one pair keeps an evaluation within 3 minutes for evolution (H100, quick subset: 126 s after a
    # worker's first, gates 74 s with correctness and memcheck side by side and a pair 52 s;
    # 2026-11-27-h100-session12.md);
    # lockstep, because its A/A pairs were both shorter (36 against 47 s) and less spread than
    # sequential ones (2026-11-26-h100-session4.md, section 4).
    # Validate a result with more pairs (--pairs 24, or evaluator_args): 24 A/A pairs of turns of 32
    # tokens on one core gave 1.007 (0.994-1.019), a pair's log geomean an sd of 0.029 (session 11).
    "gpu": {"compile_s": 180, "correctness_s": 300, "memcheck_s": 300, "kernel_s": 300, "kernel_repeats": 10,
            "pairs": 1, "repeats": 1, "design": "lockstep"},
}
# decode_speed keeps each quarter's fastest tenth of tokens, so a program fast on few tokens only
# would score by those: pair by pair, its speedup by the median token must reach this share of its
# speedup by decode_speed (66 A/A pairs on H100s: 0.92-1.13; 2026-11-26-h100-session8.md).
MEDIAN_TOKEN_SHARE = 0.75
CEILING_PAIRS = 3  # at least: a ceiling is measured once per machine and then cached
TIMED_PATH_VERSION = 4  # part of a cached ceiling's key: raise it when the timed path changes (2: the
                        # baseline calls SDPA through the program's path; 3: decode_speed's estimator; 4: lockstep
                        # turns of SLICE_TOKENS tokens on one core)


@dataclass
class GateResult:
    gate: str
    passed: bool
    detail: str
    metrics: dict = field(default_factory=dict)
    artifacts: dict = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Setup:
    """What every gate needs to know about this machine and this evaluation."""

    program: Path
    python: str
    device: dict  # from probe_device()
    model_spec: str
    benchmarks: list
    pairs: int
    repeats: int
    seed: int
    workdir: Path
    download: bool = False
    model: object = None  # ModelChoice, resolved on first use
    log: object = print  # progress messages
    warmup_pairs: int = 1  # discarded trial pairs before timing (only this process's first timing)
    backend: str = ""  # the program's: "metal", "cuda" or "mlx", once check_source has read it
    design: str = ""  # how a pair of trials runs (qwen3_benchmark_suite.DESIGNS); "" takes the device's
    pool: int = 1  # pairs per pooled group (qwen3_benchmark_suite.summarize_pairs)

    def child_env(self, side="candidate"):
        """A child's environment: HOME inside this evaluation's scratch directory, and MLX's cache of
        compiled CUDA kernels (shared between processes through files) split by side, so that a
        program cannot plant slow kernels for the baseline (check_no_stray_writes watches the
        baseline's cache)."""
        home = self.workdir / "home"
        home.mkdir(exist_ok=True)
        return {**os.environ, "HOME": str(home), "MLX_PTX_CACHE_DIR": str(ptx_cache_dir(side))}

    @property
    def kind(self):
        return "gpu" if self.device.get("device") == "gpu" else "cpu"

    def settings(self):
        return SETTINGS[self.kind]

    def trial_design(self):
        return self.design or self.settings()["design"]

    def model_choice(self):
        if self.model is None:
            self.model = resolve_model(self.model_spec, download=self.download, python=self.python)
        return self.model


def ptx_cache_dir(side) -> Path:
    return cache_root() / f"mlx-ptx-{side}"


def probe_device(python) -> dict:
    """Ask a child what MLX sees: never in this process (see the module docstring)."""
    code = (
        "import json, mlx.core as mx\n"
        "backend = 'metal' if mx.metal.is_available() else 'cuda' if mx.cuda.is_available() else 'cpu'\n"
        "print(json.dumps({'backend': backend, 'device': 'gpu' if backend != 'cpu' else 'cpu',\n"
        "  'device_name': mx.device_info().get('device_name', ''), 'mlx_version': mx.__version__}))\n"
    )
    try:
        stamped, stderr, rc = run_child([python, "-c", code], 120)
    except TrialError as exc:
        return {"error": f"probing MLX timed out: {exc}"}
    if rc != 0 or not stamped:
        return {"error": f"MLX cannot be imported by {python}: {tail(stderr, 3)} (pip install -r requirements.txt)"}
    return json.loads(stamped[-1][1])


def program_backend(tree) -> str:
    """'metal', 'cuda' or 'mlx' (plain MLX operations), from what the program calls."""
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    used |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    backends = sorted({b for api, b in KERNEL_APIS.items() if api in used})
    if len(backends) > 1:
        raise ValueError(f"the program uses both {' and '.join(backends)} kernels; one back-end per program")
    return backends[0] if backends else "mlx"


# ----------------------------------------------------------------------------- gates


def check_source(setup: Setup) -> GateResult:
    """Parses; defines qwen3_custom_gqa_attention(queries, keys, values, scale, mask); back-end present."""
    gate = "check_source"
    try:
        source = setup.program.read_text()
        tree = ast.parse(source, filename=str(setup.program))
    except FileNotFoundError:
        return GateResult(gate, False, f"no such program: {setup.program}")
    except SyntaxError as exc:
        return GateResult(gate, False, f"syntax error at line {exc.lineno}: {exc.msg}\n{(exc.text or '').rstrip()}")
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    if ENTRY_POINT not in functions:
        return GateResult(gate, False, f"the program defines no top-level function {ENTRY_POINT}")
    args = functions[ENTRY_POINT].args
    names = tuple(a.arg for a in args.posonlyargs + args.args + args.kwonlyargs)
    if names[: len(ENTRY_PARAMS)] != ENTRY_PARAMS:
        return GateResult(gate, False, f"{ENTRY_POINT} must take {ENTRY_PARAMS}, not {names}")
    try:
        backend = program_backend(tree)
    except ValueError as exc:
        return GateResult(gate, False, str(exc))
    if "error" in setup.device:
        return GateResult(gate, False, setup.device["error"])
    here = setup.device["backend"]
    if backend != "mlx" and backend != here:
        api = next(a for a, b in KERNEL_APIS.items() if b == backend)
        others = ", ".join(f"{p} ({b})" for b, p in STARTING_PROGRAMS.items() if b in (here, "mlx"))
        return GateResult(
            gate, False,
            f"{setup.program.name} is a {backend} program (mx.fast.{api}) but MLX here has no {backend} "
            f"back-end (it runs on {here}: {setup.device.get('device_name', '')}). "
            f"Evaluate a program for this machine instead: {others}.",
        )
    setup.backend = backend
    return GateResult(gate, True, f"{backend} program on {here}")


def check_compiles(setup: Setup) -> GateResult:
    """Imports the program in a child and runs one decode and one prefill call on small shapes."""
    gate = "check_compiles"
    out = setup.workdir / "compile"
    cmd = [setup.python, str(HERE / "correctness_check.py"), "--role", "compile",
           "--program", str(setup.program), "--out", str(out)]
    try:
        _, stderr, rc = run_child(cmd, setup.settings()["compile_s"], cwd=setup.workdir, env=setup.child_env())
    except TrialError as exc:
        why = f"importing or first call did not finish: {exc}"
        return compile_failure("timeout" if "timed out" in str(exc) else "crashed", why, why)
    if rc != 0 or not (out / "report.json").exists():
        return classified_compile_failure(setup, out, rc, stderr)
    return GateResult(gate, True, "imports and runs")


def classified_compile_failure(setup: Setup, out: Path, rc, stderr) -> GateResult:
    """The compile child's failure, classified for the run report (compile_errors.FAILURE_CLASSES), with
    an error the LLM can act on: the compiler's first errors, each at the program line it points to."""
    error = child_error(out)
    if error is None:
        why = child_failure(out, rc, stderr)
        return compile_failure("crashed", why, why)
    # The child's traceback holds the compiler's whole log; error.json keeps only its lines that say "error".
    if not compile_errors.compiler_errors(stderr):
        why = f"{error['step']}: {error['error']}"
        return compile_failure(compile_errors.classify(error["error"]), why, why)
    kernels = recorded_kernels(setup)
    report = compile_errors.compiler_report(stderr, kernels, setup.program.read_text())
    first_error = report.splitlines()[1]
    return compile_failure(compile_errors.classify(stderr, kernels), f"{error['step']}: {first_error}",
                           f"{error['step']}: {report}")


def compile_failure(failure_class, detail, error) -> GateResult:
    """`error` is cut to compile_errors.MAX_REPORT_CHARS, well under openevolve's artifact limit."""
    return GateResult("check_compiles", False, f"compile failure ({failure_class}): {detail}",
                      artifacts={"compile_failure_class": failure_class,
                                 "compile_error": compile_errors.cut_to_size(error)})


def recorded_kernels(setup: Setup) -> list:
    """The program's kernel launches with the source MLX generates for each, recorded by running the
    program again with its kernels stubbed out (kernel_compile_check.py, in a child); [] if that fails."""
    out = setup.workdir / "launches.json"
    cmd = [setup.python, str(HERE / "kernel_compile_check.py"), "--record", str(setup.program), "--out", str(out)]
    try:
        _, _, rc = run_child(cmd, setup.settings()["compile_s"], cwd=setup.workdir, env=setup.child_env())
    except TrialError:
        return []
    return [KernelLaunch(**d) for d in json.loads(out.read_text())] if rc == 0 and out.exists() else []


def child_error(out: Path):
    """{"step", "error"}: what a correctness_check.py child reported about its failure, or None."""
    report = out / "error.json"
    return json.loads(report.read_text()) if report.exists() else None


def child_failure(out: Path, rc, stderr) -> str:
    """What a correctness_check.py child reported about its failure, or what it left behind."""
    error = child_error(out)
    if error is not None:
        return f"{error['step']}: {error['error']}"
    return f"the process ended (exit code {rc}) without a result\n{tail(stderr, 10)}"


def check_correctness(setup: Setup) -> GateResult:
    """Every case against an fp32 reference computed here; then the model's logits, teacher-forced."""
    gate = "check_correctness"
    model = setup.model_choice()
    vocab = json.loads((Path(model.path) / "config.json").read_text())["vocab_size"]
    folder = setup.workdir / "correctness"
    folder.mkdir(parents=True, exist_ok=True)
    correctness_check.write_inputs(folder, setup.kind, setup.seed, model_vocab=vocab)
    script = str(HERE / "correctness_check.py")
    common = ["--inputs", str(folder), "--model", model.path]
    roles = {
        "baseline": [setup.python, script, "--role", "baseline", "--out", str(folder / "baseline")] + common,
        "candidate": [setup.python, script, "--role", "candidate", "--out", str(folder / "candidate"),
                      "--program", str(setup.program)] + common,
    }
    limit = setup.settings()["correctness_s"]
    with ThreadPoolExecutor(2) as pool:
        runs = {role: pool.submit(run_child, cmd, limit, setup.workdir, setup.child_env(role)) for role, cmd in roles.items()}
    for role in ("baseline", "candidate"):
        try:
            _, stderr, rc = runs[role].result()
        except TrialError as exc:
            return GateResult(gate, False, f"the {role} correctness run did not finish: {exc}")
        if rc != 0 or not (folder / role / "outputs.npz").exists():
            who = "the program" if role == "candidate" else "the baseline (not the program's fault)"
            return GateResult(gate, False, f"{who} failed: {child_failure(folder / role, rc, stderr)}")
    results = correctness_check.judge_outputs(folder, folder / "baseline", folder / "candidate")
    table = correctness_table(results)
    failed = [r for r in results if not r.passed]
    worst_ratio = max(r.worst_row_error / r.tolerance for r in results)
    metrics = {"correctness_worst_error_ratio": worst_ratio}
    if failed:
        return GateResult(gate, False, f"{len(failed)} of {len(results)} cases wrong; first: "
                          f"{failed[0].name}: {failed[0].detail}", metrics, {"correctness_table": table})
    logits = np.load(folder / "candidate" / "outputs.npz")["logits"]
    reference = np.load(folder / "baseline" / "outputs.npz")
    program_error = float(correctness_check.logits_errors(logits, reference["logits_fp32"]).max())
    sdpa_error = float(correctness_check.logits_errors(reference["logits"], reference["logits_fp32"]).max())
    tolerance = max(LOGITS_TOLERANCE_FACTOR * sdpa_error, LOGITS_TOLERANCE_FLOOR)
    metrics["logits_error"] = program_error
    detail = (f"{len(results)} cases within tolerance (worst at {worst_ratio:.2f} of its tolerance); "
              f"model logits error {program_error:.3g} (SDPA {sdpa_error:.3g}, tolerance {tolerance:.3g}), seed {setup.seed}")
    if not program_error <= tolerance:
        return GateResult(gate, False, f"teacher-forced model check: logits error {program_error:.3g} > "
                          f"tolerance {tolerance:.3g} (SDPA's own: {sdpa_error:.3g})", metrics, {"correctness_table": table})
    return GateResult(gate, True, detail, metrics, {"correctness_table": table})


def correctness_table(results) -> str:
    rows = ["| case | worst row error | SDPA's | tolerance | verdict |", "|---|---|---|---|---|"]
    rows += [f"| {r.name} | {r.worst_row_error:.3g} | {r.sdpa_worst_row_error:.3g} | {r.tolerance:.3g} | "
             f"{'ok' if r.passed else r.detail} |" for r in results]
    return "\n".join(rows)


def compute_sanitizer():
    """NVIDIA's memory checker, where the CUDA toolkit is installed (None elsewhere)."""
    found = shutil.which("compute-sanitizer") or "/usr/local/cuda/bin/compute-sanitizer"
    return found if os.access(found, os.X_OK) else None


def run_under_memcheck(setup: Setup, sanitizer, program, out: Path):
    """correctness_check.py's compile run of `program` under compute-sanitizer: (stdout lines, stderr, rc)."""
    cmd = [sanitizer, "--tool", "memcheck", "--error-exitcode", str(MEMCHECK_EXIT_CODE), "--print-limit", "4",
           setup.python, str(HERE / "correctness_check.py"), "--role", "compile", "--program", str(program),
           "--out", str(out)]
    stamped, stderr, rc = run_child(cmd, SETTINGS["gpu"]["memcheck_s"], cwd=setup.workdir, env=setup.child_env())
    return [line for _, line in stamped], stderr, rc


SANITIZER_UNUSABLE = {}  # compute-sanitizer path -> '' (usable) or why not, decided once per process


def sanitizer_unusable(setup: Setup, sanitizer) -> str:
    """'' if compute-sanitizer can check MLX programs here, else why not. Decided on the CUDA starting
    program, never on a candidate, whose output could imitate any message of the tool."""
    if sanitizer not in SANITIZER_UNUSABLE:
        out = setup.workdir / "memcheck-probe"
        try:
            lines, stderr, rc = run_under_memcheck(setup, sanitizer, HERE / STARTING_PROGRAMS["cuda"], out)
            ok = rc == 0 and (out / "report.json").exists()
            first = next((line for line in lines if line.startswith("=========")), tail(stderr, 1))
            SANITIZER_UNUSABLE[sanitizer] = "" if ok else f"the starting program failed under it (exit code {rc}): {first}"
        except TrialError as exc:
            SANITIZER_UNUSABLE[sanitizer] = f"the starting program did not finish under it: {str(exc).splitlines()[0]}"
    return SANITIZER_UNUSABLE[sanitizer]


def check_memory_safety(setup: Setup) -> GateResult:
    """CUDA only: the compile run again under compute-sanitizer's memcheck. An out-of-bounds read or
    write that lands in memory no buffer owns is invisible to the correctness gate, and may corrupt
    another buffer or a later result."""
    gate = "check_memory_safety"
    sanitizer = compute_sanitizer()
    if setup.backend != "cuda" or sanitizer is None:
        why = "no compute-sanitizer here" if setup.backend == "cuda" else f"no memory checker for {setup.backend}"
        return GateResult(gate, True, f"not run: {why}")
    unusable = sanitizer_unusable(setup, sanitizer)
    if unusable:
        return GateResult(gate, True, f"not run: compute-sanitizer is not usable on this machine: {unusable}")
    out = setup.workdir / "memcheck"
    try:
        lines, stderr, rc = run_under_memcheck(setup, sanitizer, setup.program, out)
    except TrialError as exc:
        return GateResult(gate, False, f"the program under compute-sanitizer did not finish: {exc}")
    report = "\n".join(line for line in lines if line.startswith("========="))
    if rc == MEMCHECK_EXIT_CODE:
        return GateResult(gate, False, "compute-sanitizer found invalid memory accesses:\n" + "\n".join(report.splitlines()[:12]),
                          artifacts={"memcheck": report[:4000]})
    if rc != 0 or not (out / "report.json").exists():
        return GateResult(gate, False, f"under compute-sanitizer: {child_failure(out, rc, stderr)}\n{tail(report, 8)}")
    return GateResult(gate, True, "compute-sanitizer memcheck: no invalid access")


@contextmanager
def timing_lock():
    """One timing at a time on this machine: concurrent evaluations would time each other."""
    path = cache_root() / "timing.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def check_kernel_speed(setup: Setup) -> GateResult:
    """The kernel against SDPA at each decode length and some prefill shapes (kernel_benchmark.py)."""
    gate = "check_kernel_speed"
    if setup.kind != "gpu":
        return GateResult(gate, True, "not run: the kernel microbenchmark needs a GPU")
    out = setup.workdir / "kernel_benchmark.json"
    cmd = [setup.python, str(HERE / "kernel_benchmark.py"), "--program", str(setup.program), "--json", str(out),
           "--repeats", str(setup.settings()["kernel_repeats"])]
    try:
        with timing_lock():
            _, stderr, rc = run_child(cmd, setup.settings()["kernel_s"], cwd=setup.workdir, env=setup.child_env())
    except TrialError as exc:
        return GateResult(gate, False, f"the kernel microbenchmark did not finish: {exc}")
    if rc != 0 or not out.exists():
        return GateResult(gate, False, f"the kernel microbenchmark failed (exit code {rc}):\n{tail(stderr, 15)}")
    result = json.loads(out.read_text())
    decode = [r for r in result["rows"] if r["q_len"] == 1]
    longest = max(decode, key=lambda r: r["k_len"])
    metrics = {"kernel_decode_speedup": result["decode_speedup_geomean"],
               "kernel_pct_copy_bandwidth_longest": longest["pct_copy_bandwidth"]}
    detail = (f"kernel decode {result['decode_speedup_geomean']:.2f}x SDPA (geometric mean over L = "
              f"{', '.join(str(r['k_len']) for r in decode)}), {longest['pct_copy_bandwidth']:.0f} % of copy "
              f"bandwidth at L = {longest['k_len']}")
    return GateResult(gate, True, detail, metrics, {"kernel_table": result["table"]})


def measure_decode(setup: Setup) -> GateResult:
    """Interleaved baseline/candidate trials, then the ceiling of each benchmark beside its speedup."""
    gate = "measure_decode"
    model = setup.model_choice()
    try:
        with timing_lock():
            report = measure_speedup(model.path, setup.benchmarks, setup.program, setup.pairs, setup.repeats,
                                     setup.python, warmup_pairs=setup.warmup_pairs, progress=setup.log,
                                     envs=side_envs(setup), design=setup.trial_design(), pool=setup.pool)
    except TrialError as exc:
        return GateResult(gate, False, str(exc))
    if report.median_token_share < MEDIAN_TOKEN_SHARE:
        return GateResult(gate, False, f"fast on few tokens only: its speedup by the median token is "
                                       f"{report.median_token_share:.2f} of its speedup by decode_speed (the fastest "
                                       f"tenth of each quarter of a generation); at least {MEDIAN_TOKEN_SHARE} needed")
    ceilings, ceiling_note = measured_ceilings(setup)
    lengths = {b.name: b.prompt_tokens for b in select_benchmarks(setup.benchmarks)}
    metrics = {
        **{f"speedup_{b.benchmark}": b.speedup for b in report.benchmarks},
        **{f"ceiling_{name}": c["speedup"] for name, c in ceilings.items()},
        "geomean_speedup": report.geomean_speedup,
        **({"speedup_ci_low": report.ci_low, "speedup_ci_high": report.ci_high} if report.groups >= 2 else {}),
        **context_speedups(report, lengths),
    }
    detail = (f"decode speedup {report.geomean_speedup:.3f} (geometric mean of {len(report.benchmarks)} benchmarks, "
              f"95 % CI {interval_text(report.ci_low, report.ci_high, report.groups)}, {report.pairs} {setup.trial_design()} pairs"
              f"{f' in groups of {setup.pool}' if setup.pool > 1 else ''})"
              f"{ceiling_note}")
    return GateResult(gate, True, detail, metrics, {"timing_table": report.table(ceilings),
                                                     "timing": json.dumps(report.to_dict())})


def side_envs(setup: Setup) -> dict:
    return {side: setup.child_env(side) for side in ("baseline", "candidate")}


def measured_ceilings(setup: Setup):
    """{benchmark: {"speedup", "ci", "pairs", "measured"}}: the ceiling for this card, MLX, model and
    benchmark, measured once and cached on disk; measured again for an evaluation of more pairs than
    the cached one had (a validation run's result reads against a ceiling as precise as itself)."""
    model = setup.model_choice()
    device = setup.device
    prefix = (f"{device.get('device_name')} | mlx {device.get('mlx_version')} | {model.name} ({model.path}) | "
              f"timed path {TIMED_PATH_VERSION} | ")
    path = cache_root() / "ceilings.json"
    cached = json.loads(path.read_text()) if path.exists() else {}
    pairs = max(setup.pairs, CEILING_PAIRS)
    missing = [b for b in setup.benchmarks if cached.get(prefix + b, {}).get("pairs", 0) < pairs]
    if missing:
        setup.log(f"measuring the ceiling (a no-op kernel) for {', '.join(missing)} with {pairs} pairs, "
                  f"once for this machine")
        try:
            with timing_lock():
                report = measure_speedup(model.path, missing, CEILING_PROGRAMS[setup.device["backend"]], pairs,
                                         setup.repeats, setup.python, rules=CEILING_RULES, warmup_pairs=0, progress=setup.log,
                                         envs=side_envs(setup), design=setup.trial_design())
        except TrialError as exc:
            return {}, f"; ceiling not measured: {str(exc).splitlines()[0]}"
        for b in report.benchmarks:
            cached[prefix + b.benchmark] = {"speedup": b.speedup, "ci": [b.ci_low, b.ci_high], "pairs": report.pairs,
                                            "measured": time.strftime("%Y-%m-%d %H:%M")}
        path.write_text(json.dumps(cached, indent=2))
    return {b: cached[prefix + b] for b in setup.benchmarks}, ""


def context_speedups(report, prompt_tokens) -> dict:
    """Geometric means over short- and long-context benchmarks (MAP-Elites features)."""
    groups = {"short_context_speedup": [], "long_context_speedup": []}
    for b in report.benchmarks:
        long = prompt_tokens[b.benchmark] >= LONG_CONTEXT_TOKENS
        groups["long_context_speedup" if long else "short_context_speedup"].append(math.log(b.speedup))
    overall = math.log(report.geomean_speedup)
    return {k: math.exp(sum(v) / len(v) if v else overall) for k, v in groups.items()}


# The gates in order. The gates of a tuple run side by side: neither times anything, and one after the
# other they kept an evaluation over 3 minutes (H100: correctness 53 s, memcheck 44 s; session 11).
GATES = [check_source, check_compiles, (check_correctness, check_memory_safety), check_kernel_speed, measure_decode]


def stage_gates(stage) -> tuple:
    return stage if isinstance(stage, tuple) else (stage,)


def gate_names() -> list:
    return [gate.__name__ for stage in GATES for gate in stage_gates(stage)]


def run_gate(gate, setup: Setup) -> GateResult:
    setup.log(f"{gate.__name__}...")
    start = time.monotonic()
    try:
        result = gate(setup)
    except Exception as exc:  # a gate's own failure (model build, disk): report, never raise
        result = GateResult(gate.__name__, False, f"{type(exc).__name__}: {exc}")
    result.seconds = time.monotonic() - start
    setup.log(f"{result.gate}: {'passed' if result.passed else 'FAILED'}: {result.detail.splitlines()[0]}")
    return result


def run_stage(stage, setup: Setup) -> list:
    """The results of a gate, or of a tuple of gates run side by side, in order up to the first failure."""
    gates = stage_gates(stage)
    with ThreadPoolExecutor(len(gates)) as pool:
        results = list(pool.map(lambda gate: run_gate(gate, setup), gates))
    failed = next((i for i, r in enumerate(results) if not r.passed), len(results) - 1)
    return results[: failed + 1]


# The example's own files: a program that changes them, or drops a module beside them that later
# children would import, is caught after every evaluation, whatever the gates said.
OWN_FILES = ("*.py", "*.sh", "*.yaml", "*.txt", "*.json", "*.md", "benchmarks/*.py", "tests/**/*.py")


def own_files_snapshot() -> dict:
    """This example's files, and the baseline's compiled kernels (see Setup.child_env)."""
    files = [p for pattern in OWN_FILES for p in HERE.glob(pattern)] + list(ptx_cache_dir("baseline").glob("**/*"))
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in files if p.is_file()}


def check_no_stray_writes(before: dict) -> GateResult:
    """Runs after the gates, passed or not: the program's processes must not have touched this example
    nor the baseline's kernel cache. (Kernels the baseline compiles for the first time are new files,
    not changes: only files that existed before count.)"""
    after = own_files_snapshot()
    baseline_cache = str(ptx_cache_dir("baseline"))
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)
                     and not (p.startswith(baseline_cache) and p not in before))
    if changed:
        return GateResult("check_no_stray_writes", False,
                          f"files of this example were created, changed or deleted during the evaluation: "
                          f"{', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''}")
    return GateResult("check_no_stray_writes", True, "no file of this example changed")


FEATURE_KEYS = ("short_context_speedup", "long_context_speedup")


# ----------------------------------------------------------------------------- the evaluator


class Qwen3GQAEvaluator:
    """Evaluates programs against mx.fast.scaled_dot_product_attention inside mlx_lm generation.

    model: "auto" (the real Qwen3-0.6B if cached, else synthetic), a hub id, a local directory,
    "synthetic" or "synthetic-tiny". benchmarks: a subset name ("quick", "full") or a list of names.
    pairs/repeats/design/pool: the trial design (defaults per device in SETTINGS; pool 1).
    """

    def __init__(self, model="auto", benchmarks="quick", pairs=None, repeats=None, seed=None,
                 python=sys.executable, download=False, verbose=False, design=None, pool=1):
        if design not in (None, *DESIGNS):
            raise ValueError(f"design {design!r}: use one of {', '.join(DESIGNS)}")
        self.model = model
        self.benchmarks = [c.name for c in select_benchmarks(benchmarks)]
        check_pool(pairs or 1, pool)
        self.pairs, self.repeats, self.seed, self.design, self.pool = pairs, repeats, seed, design, pool
        self.python, self.download, self.verbose = python, download, verbose
        self._device = None
        self._model_choice = None
        self._timed_before = False  # the first timing in a process discards a warm-up pair
        self._started = None  # this evaluation's start, for the log's timestamps

    def log(self, message):
        if self.verbose:
            elapsed = time.monotonic() - self._started if self._started else 0.0
            print(f"[evaluator {elapsed:6.1f} s] {message}", file=sys.stderr, flush=True)

    def evaluate(self, program_path) -> dict:
        start = self._started = time.monotonic()
        own_files = own_files_snapshot()
        if self._device is None or "error" in self._device:
            self._device = probe_device(self.python)
        kind = "gpu" if self._device.get("device") == "gpu" else "cpu"
        with tempfile.TemporaryDirectory(prefix="qwen3-gqa-eval-") as workdir:
            setup = Setup(
                program=Path(program_path).resolve(), python=self.python, device=self._device,
                model_spec=self.model, benchmarks=self.benchmarks,
                pairs=self.pairs or SETTINGS[kind]["pairs"], repeats=self.repeats or SETTINGS[kind]["repeats"],
                seed=self.seed if self.seed is not None else secrets.randbits(31), design=self.design or "", pool=self.pool,
                workdir=Path(workdir), download=self.download, model=self._model_choice, log=self.log,
                warmup_pairs=0 if self._timed_before else 1,
            )
            results = []
            for stage in GATES:
                results += run_stage(stage, setup)
                if not results[-1].passed:
                    break
            writes = check_no_stray_writes(own_files)
            if not writes.passed:
                results.append(writes)
            self._model_choice = setup.model
            self._timed_before |= any(r.gate == "measure_decode" for r in results)
        return self.result(setup, results, time.monotonic() - start)

    def result(self, setup: Setup, results, elapsed_s) -> dict:
        passed = all(r.passed for r in results) and [r.gate for r in results] == gate_names()
        metrics = {k: 0.0 for k in FEATURE_KEYS}
        artifacts = {}
        for r in results:
            metrics.update(r.metrics)
            artifacts.update(r.artifacts)
        score = metrics.get("geomean_speedup", 0.0) if passed else 0.0
        model = setup.model.to_dict() if setup.model else {"name": setup.model_spec}
        where = f"{self._device.get('backend', '?')} ({self._device.get('device_name', '')}), model {model['name']}"
        if passed:
            correctness = next(r for r in results if r.gate == "check_correctness")
            summary = f"combined_score {score:.4f}: {results[-1].detail}; {correctness.detail}; {where}"
            error = None
        else:
            failed = results[-1]
            error = f"{failed.gate}: {failed.detail}"
            summary = f"combined_score 0: failed {error}"
        return {
            "success": passed,
            "combined_score": score,
            "summary": summary,
            "error": error,
            "metrics": {**metrics, "eval_seconds": elapsed_s},
            "artifacts": artifacts,
            "gates": [asdict(r) | {"artifacts": sorted(r.artifacts)} for r in results],
            "device": self._device,
            "backend": setup.backend,
            "model": model,
            "seed": setup.seed,
            "benchmarks": setup.benchmarks,
        }


def append_evaluation_record(path: Path, program_path, result):
    """One line per evaluation in the run's log (QWEN3_GQA_EVALUATION_LOG, set by
    run_evolve_experiment.sh): what evolution_report.py counts failures from. openevolve keeps
    failed programs only while they stay in its database; this file keeps every one."""
    failed = result["gates"][-1] if result["error"] else None
    record = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "program": str(program_path),
        "success": result["success"],
        "combined_score": result["combined_score"],
        "failed_gate": failed["gate"] if failed else None,
        "compile_failure_class": result["artifacts"].get("compile_failure_class"),
        "error": result["error"].splitlines()[0][:300] if result["error"] else None,
        "eval_seconds": result["metrics"]["eval_seconds"],
        "gate_seconds": {g["gate"]: round(g["seconds"], 2) for g in result["gates"]},
        "metrics": result["metrics"],
    }
    with open(path, "a") as log:  # one write of one line: concurrent evaluations don't interleave
        log.write(json.dumps(record) + "\n")


_EVALUATORS = {}


def evaluate(program_path, model="auto", benchmarks="quick", pairs=None, repeats=None, design=None, pool=1):
    """openevolve's entry point. Keyword arguments come from `evaluator.evaluator_args` in the config."""
    from openevolve.evaluation_result import EvaluationResult

    key = (model, json.dumps(benchmarks), pairs, repeats, design, pool)
    if key not in _EVALUATORS:
        _EVALUATORS[key] = Qwen3GQAEvaluator(model, benchmarks, pairs, repeats, design=design, pool=pool)
    result = _EVALUATORS[key].evaluate(program_path)
    if os.environ.get("QWEN3_GQA_EVALUATION_LOG"):
        append_evaluation_record(Path(os.environ["QWEN3_GQA_EVALUATION_LOG"]), program_path, result)
    metrics = {"combined_score": result["combined_score"], **result["metrics"]}
    artifacts = {"summary": result["summary"], **result["artifacts"]}
    if result["error"]:
        artifacts["error"] = result["error"]
    return EvaluationResult(metrics=metrics, artifacts=artifacts)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(
        description="Evaluate programs and print their summaries. Several programs are evaluated in turn by one "
                    "evaluator, as an evolution's worker does: only the first evaluation discards a warm-up pair.")
    parser.add_argument("programs", nargs="+")
    parser.add_argument("--model", default="auto")
    parser.add_argument("--benchmarks", default="quick")
    parser.add_argument("--pairs", type=int)
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--design", choices=DESIGNS, help="how a pair of trials runs (default: the device's)")
    parser.add_argument("--pool", type=int, default=1, help="pairs per pooled group (qwen3_benchmark_suite.summarize_pairs)")
    parser.add_argument("--json", help="write the whole result here (a list of them for several programs)")
    args = parser.parse_args()
    evaluator = Qwen3GQAEvaluator(args.model, args.benchmarks, args.pairs, args.repeats, verbose=True,
                                  design=args.design, pool=args.pool)
    outcomes = []
    for program in args.programs:
        outcome = {"program": program, **evaluator.evaluate(program)}
        outcomes.append(outcome)
        print(f"{program}: {outcome['summary']} ({outcome['metrics']['eval_seconds']:.0f} s)")
        for name in ("correctness_table", "kernel_table", "timing_table"):
            if name in outcome["artifacts"]:
                print(outcome["artifacts"][name])
    if args.json:
        result = outcomes[0] if len(outcomes) == 1 else outcomes
        Path(args.json).write_text(json.dumps(result, indent=2, default=str))
