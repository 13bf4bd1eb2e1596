"""best_program.py, the Metal port: its part-by-part table names code that exists on both sides (the
kernels themselves are syntax-checked in test_kernel_compile_check.py; no Metal compiler runs here)."""

import re

import pytest
from conftest import ROOT

import best_program
import best_program_cuda


def table_rows():
    """(part, CUDA names, Metal names) of the docstring's part-by-part table."""
    rows = []
    for line in best_program.__doc__.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and cells[0] != "part":
            rows.append((cells[0], code_names(cells[1]), code_names(cells[2])))
    return rows


def code_names(cell):
    return [name for span in re.findall(r"`([^`]+)`", cell) for name in re.findall(r"[A-Za-z_]\w*", span)]


def test_the_table_has_the_parts_of_the_inner_loop():
    names = {name for _, cuda, metal in table_rows() for name in cuda + metal}
    assert {"load_step", "load_8_strided", "attend_rows", "LaneState", "attend_slice", "merged"} <= names


@pytest.mark.parametrize("part, cuda_names, metal_names", table_rows(), ids=lambda x: x if isinstance(x, str) else "")
def test_each_name_in_the_table_is_in_its_program(part, cuda_names, metal_names):
    for names, program in ((cuda_names, best_program_cuda), (metal_names, best_program)):
        code = open(program.__file__).read().replace(program.__doc__, "")  # the table itself is no evidence
        missing = [n for n in names if not re.search(rf"\b{n}\b", code)]
        assert not missing, f"{program.__name__}.py has no {missing} ({part})"
