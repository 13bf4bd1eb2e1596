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


def test_the_info_files_full_subset_is_what_its_runs_combine_to():
    from combine_runs import combine

    full = json.loads((ROOT / "best_program_cuda_info.json").read_text())["full_subset"]
    runs = [json.loads((ROOT / word).read_text()) for word in full["combine"].split("--json")[0].split()
            if word.endswith(".json")]
    assert {run["program"] for run in runs} == {"best_program_cuda.py"} and len(runs) == full["pairs"]
    combined = combine(runs)
    assert [round(combined[k], 3) for k in ("geomean_speedup", "ci_low", "ci_high")] == [
        full["combined_score"], *full["ci_95"]]
    assert {b["benchmark"]: round(b["speedup"], 3) for b in combined["benchmarks"]} == {
        name: entry["speedup"] for name, entry in full["per_benchmark"].items()}


@pytest.fixture
def launches(monkeypatch):
    """Every kernel launch of best_program_cuda, recorded by a stand-in for mx.fast.cuda_kernel (CPU)."""
    import mlx.core as mx

    recorded = []

    def cuda_kernel(name, source, **_):
        def launch(*, inputs, output_shapes, output_dtypes, grid, threadgroup):
            recorded.append((name, grid, threadgroup, source))
            return [mx.zeros(output_shapes[0], output_dtypes[0])]
        return launch

    monkeypatch.setattr(mx.fast, "cuda_kernel", cuda_kernel)
    monkeypatch.setattr(best_program_cuda, "_kernels", {})
    monkeypatch.setattr(best_program_cuda, "_launches", {})
    return recorded


def decode_call(batch, q_heads, kv_heads, k_len):
    import mlx.core as mx

    queries = mx.zeros((batch, q_heads, 1, 128), mx.bfloat16)
    keys = mx.zeros((batch, kv_heads, k_len, 128), mx.bfloat16)
    return best_program_cuda.qwen3_custom_gqa_attention(queries, keys, keys, scale=128**-0.5)


def test_a_decode_call_launches_with_the_grid_of_its_own_shape(launches):
    # The launch is looked up per (shape, scale): a cache keyed on less would launch batch 1's grid
    # for batch 2, or the one-block kernel for a long cache.
    for batch, k_len in [(1, 300), (2, 300), (1, 4096), (2, 300)]:
        decode_call(batch, 16, 8, k_len)
    one_block, cluster = best_program_cuda.ONE_BLOCK_THREADS, best_program_cuda.THREADS
    assert [launch[:3] for launch in launches] == [
        ("qwen3_gqa_decode_one_block", (one_block * 8, 1, 1), (one_block, 1, 1)),
        ("qwen3_gqa_decode_one_block", (one_block * 8, 2, 1), (one_block, 1, 1)),
        ("qwen3_gqa_decode_cluster", (cluster * best_program_cuda.CLUSTER * 8, 1, 1), (cluster, 1, 1)),
        ("qwen3_gqa_decode_one_block", (one_block * 8, 2, 1), (one_block, 1, 1)),
    ]


def test_the_decode_kernels_name_only_the_keys_shape_and_strides(launches):
    # MLX copies every shape or stride a kernel's source names into its parameters on every call.
    decode_call(1, 16, 8, 300)
    decode_call(1, 16, 8, 4096)
    for name, _, _, source in launches:
        assert set(re.findall(r"\b\w+_(?:shape|strides)\b", source)) == {"keys_shape", "keys_strides"}, name


@pytest.mark.parametrize("q_heads, kv_heads", [(32, 8), (16, 4), (8, 8)])
def test_other_head_counts_run_in_mlx_ops_not_in_the_kernels(launches, q_heads, kv_heads):
    # The kernels hard-code Qwen3-0.6B's 16 query heads in pairs over 8 KV heads.
    out = decode_call(1, q_heads, kv_heads, 300)
    assert launches == []
    assert out.shape == (1, q_heads, 1, 128)
