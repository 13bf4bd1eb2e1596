"""correctness_check.py: the case table, the numpy reference and the verdicts."""

import json
from pathlib import Path

import mlx.core as mx
import numpy as np
import pytest
from conftest import ROOT

import correctness_check as cc


def test_bf16_rounding_is_nearest_even_and_exact_on_bf16_values():
    x = np.array([1.0, 1.00390625, 1.01171875, -2.5, 3.0e-3, 65504.0], dtype=np.float32)
    bits = cc.to_bf16_bits(x)
    back = cc.from_bf16_bits(bits)
    assert back[0] == 1.0 and back[1] == 1.0  # 1 + 2^-8 is a tie: rounds to even
    assert back[2] == np.float32(1.015625)  # 1 + 3 * 2^-8 rounds up to 1 + 2^-6
    assert np.array_equal(cc.to_bf16_bits(back), bits)
    assert np.all(np.abs(back - x) <= np.abs(x) * 2.0**-8)


def test_case_table_covers_what_the_contract_needs():
    names = {c.name for c in cc.CPU_CASES}
    decode_lengths = {c.k_len for c in cc.CPU_CASES if c.q_len == 1}
    assert {1, 255, 256, 257, 1000}.issubset(decode_lengths) and max(decode_lengths) > 4000
    assert any(c.mask == "causal" and c.q_len == c.k_len for c in cc.CPU_CASES)
    assert any(c.mask == "causal" and c.q_len < c.k_len for c in cc.CPU_CASES)  # chunked prefill
    assert any(c.kv_layout == "cache_view" and c.kv_rows > c.k_len for c in cc.CPU_CASES)
    assert {c.kv_layout for c in cc.CPU_CASES} == {"cache_view", "contiguous", "token_major"}
    assert any(c.batch > 1 for c in cc.CPU_CASES) and any(c.mask == "bool_array" for c in cc.CPU_CASES)
    assert max(c.q_len for c in cc.CPU_CASES) <= 512  # CPU prefill stays short
    assert max(c.k_len for c in cc.GPU_CASES if c.q_len == 1) == 32768
    # batches on the GPU at the lengths where kernels split the keys (past a one-block path's 256-1023)
    assert {c.k_len for c in cc.GPU_CASES if c.q_len == 1 and c.batch > 1 and c.k_len >= 1000} >= {1000, 8191}
    short = [c for c in cc.GPU_CASES if c.q_len == 1 and c.k_len < 32]
    assert {c.kv_layout for c in short} == {"cache_view", "contiguous", "token_major"} and any(c.batch > 1 for c in short)
    assert len(names) == len(cc.CPU_CASES)
    assert len({c.name for c in cc.GPU_CASES}) == len(cc.GPU_CASES)


def reference_float64(case, arrays):
    """The same attention written independently: loops over heads, float64."""
    q = cc.from_bf16_bits(arrays["q"]).astype(np.float64).transpose(0, 2, 1, 3)
    k = cc.from_bf16_bits(arrays["k"]).astype(np.float64)[:, :, : case.k_len]
    v = cc.from_bf16_bits(arrays["v"]).astype(np.float64)[:, :, : case.k_len]
    out = np.zeros(q.shape)
    for b in range(q.shape[0]):
        for h in range(q.shape[1]):
            for i in range(case.q_len):
                s = k[b, h // 2] @ q[b, h, i] * cc.SCALE
                visible = np.arange(case.k_len) <= case.k_len - case.q_len + i if case.mask == "causal" else np.ones(case.k_len, bool)
                if case.mask == "bool_array":
                    visible = arrays["mask"][b, 0, i]
                w = np.where(visible, np.exp(s - s[visible].max()), 0)
                out[b, h, i] = w @ v[b, h // 2] / w.sum()
    return out


@pytest.mark.parametrize("case", [cc.decode(257), cc.Case("c", 9, 40, "causal", batch=2), cc.Case("m", 5, 33, "bool_array")])
def test_reference_matches_an_independent_float64_computation(case):
    arrays = cc.draw_inputs(case, np.random.default_rng(1))
    ours = cc.reference_attention(case, arrays)
    assert ours.shape == (case.batch, 16, case.q_len, 128)
    assert np.abs(ours - reference_float64(case, arrays)).max() < 1e-4


def test_cache_view_rows_past_the_length_hold_poison():
    case = cc.decode(300)
    arrays = cc.draw_inputs(case, np.random.default_rng(0))
    k = cc.from_bf16_bits(arrays["k"])
    assert k.shape[2] == 512 and np.all(k[:, :, 300:] == cc.UNUSED_CACHE_ROW_VALUE)


@pytest.mark.parametrize("layout", ["cache_view", "contiguous", "token_major"])
def test_every_layout_hands_over_the_same_keys_and_values(layout):
    case = cc.decode(300, kv_layout=layout)
    arrays = cc.draw_inputs(case, np.random.default_rng(3))
    _, keys, values, _ = cc.mlx_inputs(case, arrays)
    for name, x in (("k", keys), ("v", values)):
        assert x.shape == (1, 8, 300, 128)
        assert np.array_equal(np.array(x.astype(mx.float32)), cc.from_bf16_bits(arrays[name])[:, :, :300])


def judge(case, make_output):
    rng = np.random.default_rng(2)
    inputs = {s: cc.draw_inputs(case, rng) for s in cc.INPUT_SETS}
    refs = {s: cc.reference_attention(case, inputs[s]) for s in cc.INPUT_SETS}
    sdpa = {s: cc.from_bf16_bits(cc.to_bf16_bits(refs[s])) for s in cc.INPUT_SETS}
    outputs = {s: make_output(refs[s], s) for s in cc.INPUT_SETS}
    return cc.judge_case(case, inputs, outputs, sdpa)


def test_verdicts():
    case = cc.decode(100)
    assert judge(case, lambda ref, s: cc.from_bf16_bits(cc.to_bf16_bits(ref))).passed
    r = judge(case, lambda ref, s: ref + 0.1)
    assert not r.passed and r.detail.startswith("row error")
    r = judge(case, lambda ref, s: np.where(np.arange(128) == 5, np.nan, ref).astype(np.float32))
    assert not r.passed and "NaN/Inf" in r.detail
    r = judge(case, lambda ref, s: ref[:, :8])
    assert not r.passed and r.detail.startswith("output shape")
    first = {}
    r = judge(case, lambda ref, s: first.setdefault("out", ref))
    assert not r.passed and "row error" in r.detail  # set b got set a's answer


def test_write_inputs_is_seeded(tmp_path):
    def draw(name, seed):
        (tmp_path / name).mkdir()
        manifest = cc.write_inputs(tmp_path / name, "cpu", seed, model_vocab=100)
        return manifest["tokens"], np.load(tmp_path / name / "inputs.npz")["decode_L255.a.q"]

    (tokens_a, q_a), (tokens_b, q_b), (tokens_c, q_c) = draw("a", 7), draw("b", 7), draw("c", 8)
    assert tokens_a == tokens_b and np.array_equal(q_a, q_b)
    assert tokens_a != tokens_c and not np.array_equal(q_a, q_c)


def test_children_record_and_the_parent_judges(tmp_path, tiny_model):
    """The whole round trip with the correct plain-MLX program: every case passes."""
    import subprocess
    import sys

    vocab = json.loads((Path(tiny_model.path) / "config.json").read_text())["vocab_size"]
    cc.write_inputs(tmp_path, "cpu", 3, model_vocab=vocab)
    for role in ("baseline", "candidate"):
        cmd = [sys.executable, str(ROOT / "correctness_check.py"), "--role", role, "--inputs", str(tmp_path),
               "--out", str(tmp_path / role), "--model", tiny_model.path, "--program", str(ROOT / "initial_program_mlx.py")]
        subprocess.run(cmd, check=True, capture_output=True)
    results = cc.judge_outputs(tmp_path, tmp_path / "baseline", tmp_path / "candidate")
    assert [r.name for r in results] == [c.name for c in cc.CPU_CASES]
    assert all(r.passed for r in results), [r for r in results if not r.passed]
    report = json.loads((tmp_path / "candidate" / "report.json").read_text())
    assert report["model_calls"]["decode_own"] == 2 * cc.MODEL_DECODE_STEPS  # 2 layers, every step own code
    assert report["model_calls"]["decode_handed_over"] == 0


def test_the_model_check_decodes_across_512_keys_and_a_cache_growth(tiny_model):
    """The teacher-forced steps cross 512 keys, where mlx-lm's cache reallocates its buffer mid-decode
    and kernels commonly change paths (and MLX's CUDA graph cache updates one kernel to the other)."""
    from mlx_lm import load

    from attention_hook import hooked_qwen3

    decode_keys = []

    def recording_attention(queries, keys, values, cache, scale, mask, sinks=None):
        if queries.shape[2] == 1:
            decode_keys.append(keys.shape[2])
        return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)

    model, _ = load(tiny_model.path)
    with hooked_qwen3(recording_attention):
        cc.model_logits(model, list(range(cc.MODEL_PROMPT_TOKENS + cc.MODEL_DECODE_STEPS)))
    assert len(decode_keys) == len(model.layers) * cc.MODEL_DECODE_STEPS
    # below 512 and past 513, where mlx-lm grows its 512-row buffer by KV_STEP rows
    assert min(decode_keys) < 512 and max(decode_keys) > 2 * cc.KV_STEP + 1
    assert cc.MODEL_PROMPT_TOKENS > cc.KV_STEP  # the prompt crosses a cache step too
