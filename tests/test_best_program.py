"""best_program.py, the Metal port: its part-by-part table names code that exists on both sides, and
its kernels name the arguments the CUDA program's do (a stand-in for mx.fast.metal_kernel records them).
The kernels themselves are syntax-checked in test_kernel_compile_check.py; no Metal compiler runs here."""

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


@pytest.fixture
def launches(monkeypatch):
    """Every kernel launch of best_program, recorded by a stand-in for mx.fast.metal_kernel (CPU)."""
    import mlx.core as mx

    recorded = []

    def metal_kernel(name, source, **_):
        def launch(*, inputs, output_shapes, output_dtypes, grid, threadgroup):
            recorded.append((name, source))
            return [mx.zeros(output_shapes[0], output_dtypes[0])]
        return launch

    monkeypatch.setattr(mx.fast, "metal_kernel", metal_kernel, raising=False)
    monkeypatch.setattr(best_program, "_kernels", {})
    return recorded


def decode_call(q_heads, kv_heads, k_len):
    import mlx.core as mx

    queries = mx.zeros((1, q_heads, 1, 128), mx.bfloat16)
    keys = mx.zeros((1, kv_heads, k_len, 128), mx.bfloat16)
    return best_program.qwen3_custom_gqa_attention(queries, keys, keys, scale=128**-0.5)


def test_the_attention_kernels_name_only_the_keys_shape_and_strides(launches):
    # As in the CUDA program: MLX passes every shape or stride a kernel's source names on every call.
    decode_call(16, 8, 300)  # one-block kernel
    decode_call(16, 8, 4096)  # split kernel, then the merge kernel, which reads its states' shape
    assert [name for name, _ in launches] == ["qwen3_gqa_decode_one_block", "qwen3_gqa_decode_split",
                                              "qwen3_gqa_decode_merge"]
    named = [set(re.findall(r"\b\w+_(?:shape|strides)\b", source)) for _, source in launches]
    assert named == [{"keys_shape", "keys_strides"}, {"keys_shape", "keys_strides"}, {"states_shape"}]


@pytest.mark.parametrize("q_heads, kv_heads", [(32, 8), (16, 4), (8, 8)])
def test_other_head_counts_run_in_mlx_ops_not_in_the_kernels(launches, q_heads, kv_heads):
    # The kernels hard-code Qwen3-0.6B's 16 query heads in pairs over 8 KV heads.
    out = decode_call(q_heads, kv_heads, 300)
    assert launches == []
    assert out.shape == (1, q_heads, 1, 128)
