"""benchmarks/kernel_variants.py: variants of a program's constants, and of its CUDA text alone."""

import re
import sys

import pytest
from conftest import ROOT

import kernel_compile_check as kcc

sys.path.insert(0, str(ROOT / "benchmarks"))
from kernel_variants import variant_settings, write_variant  # noqa: E402

INCLUDE = re.compile(r'#include "(/[^"]+)"\n')


def test_a_variant_changes_its_constants_and_says_which(tmp_path):
    write_variant((ROOT / "best_program_cuda.py").read_text(), {"UNROLL": "2", "WARPS": "8"}, tmp_path / "v.py")
    text = (tmp_path / "v.py").read_text()
    assert re.search(r"^UNROLL = 2 ", text, re.M) and re.search(r"^WARPS = 8 ", text, re.M)
    assert variant_settings(tmp_path / "v.py") == {"UNROLL": "2", "WARPS": "8"}


def test_a_program_without_the_constant_or_the_cuda_string_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="NO_SUCH"):
        write_variant((ROOT / "best_program_cuda.py").read_text(), {"NO_SUCH": "1"}, tmp_path / "v.py")
    with pytest.raises(SystemExit, match="DEVICE_CODE"):
        write_variant((ROOT / "initial_program_mlx.py").read_text(), {"TEXT": "1"}, tmp_path / "v.py")


@pytest.mark.skipif(kcc.find_nvrtc() is None, reason="NVRTC is not installed (requirements-test.txt)")
def test_a_text_variant_has_another_cuda_text_and_the_same_ptx(tmp_path):
    """TEXT=n: the same code in another text. The same PTX here; inside MLX's process ptxas may still
    spill for one text and not another (session 16 report), which is why variants exist."""
    source = (ROOT / "best_program_cuda.py").read_text()
    write_variant(source, {"TEXT": "1"}, tmp_path / "text1.py")
    write_variant(source, {"UNROLL": "2"}, tmp_path / "unroll2.py")  # a control: other code, other PTX
    original, text1, unroll2 = ({launch.name: launch for launch in kcc.capture_launches(p)}
                                for p in (ROOT / "best_program_cuda.py", tmp_path / "text1.py", tmp_path / "unroll2.py"))
    assert original.keys() == text1.keys() == unroll2.keys()
    for name in original:
        texts = [open(INCLUDE.search(k[name].source).group(1)).read() for k in (original, text1)]
        assert texts[0] != texts[1] and "text variant 1" in texts[1], name
        assert ptx(original[name]) == ptx(text1[name]), name
        assert ptx(original[name]) != ptx(unroll2[name]), name


def ptx(launch):
    """The launch's PTX; NVRTC names the program after a hash of its source, and internal symbols
    carry that name."""
    return re.sub(r"_[0-9a-f]{16}_cu_", "_cu_", kcc.compile_ptx(launch.source))
