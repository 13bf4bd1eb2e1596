"""On a GPU (skipped elsewhere): every shipped CUDA program through the evaluator's whole pipeline
with the full-size synthetic Qwen3-0.6B, and the no-op ceiling kernel rejected as wrong."""

import pytest
from conftest import DEVICE, ROOT

from evaluator import Qwen3GQAEvaluator

pytestmark = pytest.mark.gpu
CUDA_PROGRAMS = ["initial_program_cuda.py", "best_program_cuda.py"]


@pytest.fixture(scope="module")
def gpu_evaluator():
    if not DEVICE["cuda"]:
        pytest.skip("MLX has no CUDA back-end here")
    return Qwen3GQAEvaluator(model="synthetic", benchmarks=["micro_generation", "long_context_4k"], pairs=1)


@pytest.mark.parametrize("program", CUDA_PROGRAMS)
def test_cuda_program_passes_every_gate_on_the_gpu(gpu_evaluator, program):
    result = gpu_evaluator.evaluate(ROOT / program)
    assert result["success"], result["error"]
    assert result["combined_score"] > 0
    assert "kernel_table" in result["artifacts"] and "decode L=32768" in result["artifacts"]["kernel_table"]


def test_the_ceiling_kernel_is_not_a_valid_answer(gpu_evaluator):
    result = gpu_evaluator.evaluate(ROOT / "benchmarks" / "ceiling_program_cuda.py")
    assert result["error"].startswith("check_correctness:")
