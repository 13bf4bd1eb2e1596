"""qwen3_model.py: the synthetic models and how a model argument is resolved offline."""

import json
from pathlib import Path

import pytest

import qwen3_model


def test_tiny_model_has_qwen3_attention_geometry(tiny_model):
    config = json.loads((Path(tiny_model.path) / "config.json").read_text())
    assert config["model_type"] == "qwen3"
    assert (config["num_attention_heads"], config["num_key_value_heads"], config["head_dim"]) == (16, 8, 128)
    assert (config["num_hidden_layers"], config["hidden_size"], config["intermediate_size"]) == (2, 256, 768)
    assert 1000 < config["vocab_size"] <= qwen3_model.TOKENIZER_VOCAB
    assert tiny_model.synthetic and tiny_model.name == "synthetic-tiny"


def test_full_synthetic_config_is_qwen3_0_6b():
    assert qwen3_model.QWEN3_0_6B["num_hidden_layers"] == 28
    assert qwen3_model.QWEN3_0_6B["vocab_size"] == 151936
    assert qwen3_model.QWEN3_0_6B["hidden_size"] == 1024


def test_tokenizer_is_deterministic_and_round_trips():
    a, b = qwen3_model.train_tokenizer(), qwen3_model.train_tokenizer()
    text = "Explain in two sentences why the sky looks blue; def f(x): return 42"
    assert a.encode(text).ids == b.encode(text).ids
    assert a.decode(a.encode(text).ids) == text


def test_tiny_model_loads_and_generates(tiny_model):
    from mlx_lm import load, stream_generate

    model, tokenizer = load(tiny_model.path)
    tokenizer.eos_token_ids = set()
    *_, last = stream_generate(model, tokenizer, tokenizer.encode("hello world"), max_tokens=5)
    assert last.generation_tokens == 5


@pytest.fixture
def empty_hf_cache(monkeypatch, tmp_path):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "empty-hf-cache"))


def test_auto_falls_back_to_synthetic_and_says_why(monkeypatch, tmp_path, empty_hf_cache):
    monkeypatch.setattr(qwen3_model, "ensure_synthetic", lambda kind, python=None: tmp_path / kind)
    choice = qwen3_model.resolve_model("auto")
    assert choice.synthetic and choice.name == "synthetic"
    assert "mlx-community/Qwen3-0.6B-bf16 not used: not in the Hugging Face cache" in choice.note


def test_an_explicit_hub_id_is_never_downloaded_silently(empty_hf_cache):
    with pytest.raises(FileNotFoundError, match="Pass --download"):
        qwen3_model.resolve_model("mlx-community/Qwen3-0.6B-bf16")


def test_a_local_directory_is_used_as_is(tiny_model):
    choice = qwen3_model.resolve_model(tiny_model.path)
    assert choice.path == tiny_model.path and not choice.synthetic
