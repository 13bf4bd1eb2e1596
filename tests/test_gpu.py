"""On a GPU (skipped elsewhere): every shipped CUDA program through the evaluator's whole pipeline
with the full-size synthetic Qwen3-0.6B, the GPU-only hostile programs, and a scripted evolution
through `python -m openevolve.cli` whose evaluations run on the GPU."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import DEVICE, PROGRAMS, ROOT

import evaluator
from evaluator import Qwen3GQAEvaluator
from scripted_llm_server import ScriptedLLM

pytestmark = pytest.mark.gpu
CUDA_PROGRAMS = ["initial_program_cuda.py", "best_program_cuda.py"]
EVOLUTION_TIMEOUT_S = int(os.environ.get("QWEN3_GQA_EVOLUTION_TIMEOUT_S", "1500"))


@pytest.fixture(scope="module")
def gpu_evaluator():
    if not DEVICE["cuda"]:
        pytest.skip("MLX has no CUDA back-end here")
    return Qwen3GQAEvaluator(model="synthetic", benchmarks=["micro_generation", "long_context_4k"], pairs=1)


def gate_seconds(result):
    return ", ".join(f"{g['gate']} {g['seconds']:.0f} s" for g in result["gates"])


def run_gates(program, gates, workdir):
    """The evaluator's gates up to some point, for a program that needs no timing."""
    setup = evaluator.Setup(program=Path(program), python=sys.executable, device=evaluator.probe_device(sys.executable),
                            model_spec="synthetic", benchmarks=["micro_generation"], pairs=1, repeats=1, seed=1,
                            workdir=workdir)
    return [gate(setup) for gate in gates]


def test_best_program_passes_the_whole_pipeline_on_the_gpu(gpu_evaluator):
    result = gpu_evaluator.evaluate(ROOT / "best_program_cuda.py")
    print(f"best_program_cuda.py: {result['summary']}\n  {gate_seconds(result)}")
    assert result["success"], result["error"]
    assert result["combined_score"] > 0
    assert "ceiling not measured" not in result["summary"]
    assert "kernel_table" in result["artifacts"] and "decode L=32768" in result["artifacts"]["kernel_table"]


@pytest.mark.parametrize("program", CUDA_PROGRAMS)
def test_cuda_program_is_correct_and_memory_safe_on_the_gpu(program, tmp_path):
    gates = [evaluator.check_source, evaluator.check_compiles, evaluator.check_correctness,
             evaluator.check_memory_safety]
    for result in run_gates(ROOT / program, gates, tmp_path):
        print(f"{program}: {result.gate}: {result.detail.splitlines()[0]}")
        assert result.passed, result.detail


def test_the_ceiling_kernel_is_not_a_valid_answer(gpu_evaluator):
    result = gpu_evaluator.evaluate(ROOT / "benchmarks" / "ceiling_program_cuda.py")
    assert result["error"].startswith("check_correctness:")


def test_a_kernel_that_never_finishes_is_killed_and_the_gpu_recovers(gpu_evaluator, monkeypatch, tmp_path):
    monkeypatch.setitem(evaluator.SETTINGS["gpu"], "compile_s", 40)
    result = gpu_evaluator.evaluate(PROGRAMS / "spins_in_kernel_cuda.py")
    assert result["error"].startswith("check_compiles:") and "timed out after 40 s" in result["error"], result["error"]
    source, compiles = run_gates(ROOT / "initial_program_cuda.py", [evaluator.check_source, evaluator.check_compiles], tmp_path)
    assert compiles.passed, compiles.detail


def test_an_unwritten_output_is_caught_whatever_the_allocator_hands_back(gpu_evaluator):
    result = gpu_evaluator.evaluate(PROGRAMS / "unwritten_output_cuda.py")
    assert result["error"].startswith("check_correctness:"), result["error"]


def test_a_write_out_of_bounds_is_caught_by_compute_sanitizer(gpu_evaluator):
    sanitizer = evaluator.compute_sanitizer()
    if sanitizer is None:
        pytest.skip("compute-sanitizer is not installed here")
    result = gpu_evaluator.evaluate(PROGRAMS / "writes_out_of_bounds_cuda.py")
    memcheck = next((g for g in result["gates"] if g["gate"] == "check_memory_safety"), None)
    assert memcheck is not None, f"an earlier gate stopped it: {result['error']}"
    if memcheck["passed"] and memcheck["detail"].startswith("not run"):
        pytest.skip(memcheck["detail"])
    print(result["error"])
    # memcheck reports the read-back first, then the write
    assert result["error"].startswith("check_memory_safety:") and "Invalid __global__ read" in result["error"]


# The first diff is harmless; the second is a classic bf16 error (bf16 * float is ambiguous in CUDA).
HARMLESS = """<<<<<<< SEARCH
  const int lane = threadIdx.x % LANES;
=======
  const int lane = threadIdx.x % LANES;  // (a scripted edit)
>>>>>>> REPLACE"""
BF16_ERROR = """<<<<<<< SEARCH
    q_shared[d] = static_cast<float>(q[d * queries_strides[3]]) * scale[0];
=======
    q_shared[d] = q[d * queries_strides[3]] * scale[0];
>>>>>>> REPLACE"""


def test_scripted_evolution_runs_its_evaluations_on_the_gpu(tmp_path):
    if not DEVICE["cuda"]:
        pytest.skip("MLX has no CUDA back-end here")
    config = yaml.safe_load((ROOT / "config_cuda.yaml").read_text())
    config["evaluator"]["evaluator_args"] = {"model": "synthetic", "benchmarks": "micro_generation", "pairs": 1}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "GEMINI_API_KEY")}
    run_dir = tmp_path / "gpu"
    with ScriptedLLM([HARMLESS, BF16_ERROR]) as llm:
        try:
            done = subprocess.run(
                ["bash", str(ROOT / "run_evolve_experiment.sh"), "--python", sys.executable, "--backend", "cuda",
                 "--config", str(tmp_path / "config.yaml"), "--api-base", llm.url, "--output-base", str(tmp_path),
                 "--run-name", "gpu", "--foreground", "-i", "2"],
                capture_output=True, text=True, env=env, timeout=EVOLUTION_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as exc:  # say how far it got: the run dir is deleted with tmp_path
            log = run_dir / "evaluations.jsonl"
            pytest.fail(f"not finished in {EVOLUTION_TIMEOUT_S} s; evaluations so far:\n"
                        f"{log.read_text() if log.exists() else '(none)'}\n{str(exc.stdout or '')[-3000:]}")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    records = [json.loads(line) for line in (run_dir / "evaluations.jsonl").read_text().splitlines()]
    for r in records:
        print(f"{r['program']}: score {r['combined_score']:.3f}, {r['error']}, {r['gate_seconds']}")
    assert len(records) == 3
    assert records[0]["success"] and records[0]["combined_score"] > 0  # the starting program, on the GPU
    assert sorted(r["failed_gate"] or "" for r in records[1:]) == ["", "check_compiles"]
    assert next(r for r in records if r["failed_gate"])["compile_failure_class"] == "bf16_conversion"
    info = json.loads((run_dir / "best" / "best_program_info.json").read_text())
    assert info["metrics"]["combined_score"] > 0
