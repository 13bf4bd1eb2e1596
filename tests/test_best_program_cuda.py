"""best_program_cuda.py, what a machine without the GPU can check (tests/test_gpu.py runs its kernels)."""

import hashlib
import json
import re
import sys

import pytest
from conftest import ROOT

import best_program_cuda
import kernel_compile_check as kcc

sys.path.insert(0, str(ROOT / "benchmarks"))
from kernel_variants import write_variant  # noqa: E402

INCLUDE = re.compile(r'#include "(/[^"]+)"\n')


def included_path(line):
    return INCLUDE.fullmatch(line).group(1)


def test_included_writes_the_code_once_in_a_file_named_by_its_hash(tmp_path, monkeypatch):
    monkeypatch.setattr(best_program_cuda, "KERNEL_FILES", tmp_path)
    one, two = "__device__ int one() { return 1; }\n", "__device__ int two() { return 2; }\n"
    path = included_path(best_program_cuda.included(one))
    assert open(path).read() == one
    assert included_path(best_program_cuda.included(one)) == path
    assert included_path(best_program_cuda.included(two)) != path
    assert len(list(tmp_path.iterdir())) == 2  # no scratch file left behind


@pytest.mark.skipif(kcc.find_nvrtc() is None, reason="NVRTC is not installed (requirements-test.txt)")
@pytest.mark.parametrize("settings", ["", "SPLIT_FROM=1,ONE_BLOCK_UNTIL=0"])  # every kernel is launched once
def test_each_kernel_compiles_from_a_short_source_that_includes_its_code(settings, tmp_path):
    program = ROOT / "best_program_cuda.py"
    if settings:
        program = tmp_path / "variant.py"
        write_variant((ROOT / "best_program_cuda.py").read_text(), dict(s.split("=") for s in settings.split(",")), program)
    launches = kcc.capture_launches(program)
    assert launches
    for launch in launches:
        assert len(launch.source) < 1200, launch.name  # the point: MLX hashes this on every call
        assert INCLUDE.search(launch.source), launch.name
        assert kcc.compile_cuda(launch).ok, launch.name


def test_the_info_file_describes_this_very_file():
    # Its figures were measured on one file; an edit of the program must come with new measurements.
    info = json.loads((ROOT / "best_program_cuda_info.json").read_text())
    assert info["md5"] == hashlib.md5((ROOT / "best_program_cuda.py").read_bytes()).hexdigest()
    assert info["settings"] == {name: getattr(best_program_cuda, name) for name in info["settings"]}
