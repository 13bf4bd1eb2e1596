"""best_program.py, the Metal port: its part-by-part table names code that exists on both sides, and
its kernels bind the arguments the CUDA program's do (in the signatures MLX generates on the CPU).
The kernels themselves are syntax-checked in test_kernel_compile_check.py; no Metal compiler runs here."""

import re

import pytest
from conftest import ROOT

import best_program
import best_program_cuda
import kernel_compile_check as kcc


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



def test_the_attention_kernels_bind_only_the_keys_shape_and_strides():
    # As in the CUDA program: MLX binds every shape or stride a kernel's source names on every call.
    # The signatures are MLX's own, generated on the CPU (kernel_compile_check records them).
    bound = {launch.name: set(re.findall(r"(\w+_(?:shape|strides)) \[\[buffer", launch.source))
             for launch in kcc.capture_launches(ROOT / "best_program.py")}
    assert bound == {"qwen3_gqa_decode_one_block": {"keys_shape", "keys_strides"},
                     "qwen3_gqa_decode_split": {"keys_shape", "keys_strides"},
                     "qwen3_gqa_decode_merge": {"states_shape"}}


@pytest.mark.parametrize("q_heads, kv_heads", [(32, 8), (16, 4), (8, 8)])
def test_other_head_counts_run_in_mlx_ops_not_in_the_kernels(monkeypatch, q_heads, kv_heads):
    # The kernels hard-code Qwen3-0.6B's 16 query heads in pairs over 8 KV heads.
    import mlx.core as mx

    monkeypatch.setattr(best_program, "decode_kernels", lambda scale: pytest.fail("built a kernel"))
    queries = mx.zeros((1, q_heads, 1, 128), mx.bfloat16)
    keys = mx.zeros((1, kv_heads, 300, 128), mx.bfloat16)
    out = best_program.qwen3_custom_gqa_attention(queries, keys, keys, scale=128**-0.5)
    assert out.shape == (1, q_heads, 1, 128)
