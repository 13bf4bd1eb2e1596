"""attention_hook.py: the SDPA guard, program loading and the hook's counting."""

import mlx.core as mx
import mlx_lm.models.qwen3 as qwen3
import pytest
from conftest import PROGRAMS, ROOT

import attention_hook


@pytest.fixture
def guard():
    real = mx.fast.scaled_dot_product_attention
    g = attention_hook.install_sdpa_guard()
    yield g
    mx.fast.scaled_dot_product_attention = real


def qkv(q_len=1, k_len=40):
    return (mx.random.normal((1, 16, q_len, 128)).astype(mx.bfloat16),
            mx.random.normal((1, 8, k_len, 128)).astype(mx.bfloat16),
            mx.random.normal((1, 8, k_len, 128)).astype(mx.bfloat16))


def test_guard_refuses_sdpa_in_decode_and_counts_prefill_hand_overs(guard):
    attention = attention_hook.load_program(PROGRAMS / "sdpa_decode_direct.py")
    hook = attention_hook.AttentionHook(attention, guard)
    with pytest.raises(attention_hook.SDPAOnDecodePath):
        hook(*qkv(1), cache=None, scale=0.1, mask=None)
    hook(*qkv(8, 8), cache=None, scale=0.1, mask="causal")
    assert hook.calls.prefill_handed_over == 1 and guard.decode_violations == 1


def test_hook_counts_own_calls_and_restores_the_seam(guard):
    hook = attention_hook.AttentionHook(attention_hook.load_program(ROOT / "initial_program_mlx.py"), guard)
    original = qwen3.scaled_dot_product_attention
    with attention_hook.hooked_qwen3(hook):
        assert qwen3.scaled_dot_product_attention is hook
        qwen3.scaled_dot_product_attention(*qkv(1), cache=None, scale=0.1, mask=None)
        qwen3.scaled_dot_product_attention(*qkv(4, 40), cache=None, scale=0.1, mask="causal")
    assert qwen3.scaled_dot_product_attention is original
    assert hook.calls.to_dict() == {"decode_own": 1, "decode_handed_over": 0, "prefill_own": 1, "prefill_handed_over": 0}


def test_hook_checks_shape_and_dtype(guard):
    hook = attention_hook.AttentionHook(attention_hook.load_program(PROGRAMS / "wrong_dtype.py"), guard)
    with pytest.raises(ValueError, match="dtype"):
        hook(*qkv(1), cache=None, scale=0.1, mask=None)


def test_a_program_calling_the_hook_is_stopped(guard, tmp_path):
    program = tmp_path / "recursive.py"
    program.write_text("import mlx_lm.models.qwen3 as q\n"
                       "def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):\n"
                       "    return q.scaled_dot_product_attention(queries, keys, values, None, scale, mask)\n")
    hook = attention_hook.AttentionHook(attention_hook.load_program(program), guard)
    with attention_hook.hooked_qwen3(hook), pytest.raises(attention_hook.HookReentered):
        qwen3.scaled_dot_product_attention(*qkv(1), cache=None, scale=0.1, mask=None)


def test_load_program_needs_the_entry_point(tmp_path):
    program = tmp_path / "empty.py"
    program.write_text("x = 1\n")
    with pytest.raises(AttributeError, match="qwen3_custom_gqa_attention"):
        attention_hook.load_program(program)
