"""best_program_cuda.py, what a machine without the GPU can check (tests/test_gpu.py runs its kernels)."""

import re

import pytest
from conftest import ROOT

import best_program_cuda
import kernel_compile_check as kcc


def test_compact_drops_comments_indentation_and_blank_lines_only():
    cuda = "constexpr int A = 1;  // why\n\n    // a comment line\n  #pragma unroll\n  x = a / b;\n"
    assert best_program_cuda.compact(cuda) == "constexpr int A = 1;\n#pragma unroll\nx = a / b;\n"


@pytest.mark.skipif(kcc.find_nvrtc() is None, reason="NVRTC is not installed (requirements-test.txt)")
def test_compacting_the_kernel_source_changes_no_generated_code(tmp_path):
    source = (ROOT / "best_program_cuda.py").read_text()
    as_written = tmp_path / "best_program_cuda_as_written.py"
    as_written.write_text(source.replace('def compact(cuda):\n', 'def compact(cuda):\n    return cuda\n', 1))
    compacted = {launch.name: launch.source for launch in kcc.capture_launches(ROOT / "best_program_cuda.py")}
    written = {launch.name: launch.source for launch in kcc.capture_launches(as_written)}
    assert compacted.keys() == written.keys() and compacted
    for name in compacted:
        assert len(compacted[name]) < 0.85 * len(written[name]), name  # the point: less to hash per call
        ptx = [normalized(kcc.compile_ptx(s)) for s in (compacted[name], written[name])]
        assert ptx[0] == ptx[1], f"{name}: compacting its source changed the PTX"


def normalized(ptx):
    """PTX without its comments and without the source's hash, which NVRTC puts in internal names."""
    return re.sub(r"_[0-9a-f]{16}_cu_", "_cu_", re.sub(r"^\s*//.*$", "", ptx, flags=re.M))
