"""The OpenEvolve configs: valid for openevolve 0.4.1, with no key that it would silently drop."""

import dataclasses
import typing

import pytest
import yaml
from conftest import ROOT
from openevolve.config import Config, load_config

CONFIGS = ["config.yaml", "config_cuda.yaml", "config_mlx.yaml"]


def dropped_keys(raw: dict, cls, path="") -> list:
    """Keys of `raw` that dacite would ignore when building `cls` (openevolve drops them silently)."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls, localns={"LLMInterface": typing.Any})
    dropped = []
    for key, value in raw.items():
        if key not in fields:
            dropped.append(path + key)
            continue
        hint = hints[key]
        if dataclasses.is_dataclass(hint) and isinstance(value, dict):
            dropped += dropped_keys(value, hint, f"{path}{key}.")
    return dropped


@pytest.mark.parametrize("name", CONFIGS)
def test_config_loads_with_no_dropped_keys(name):
    raw = yaml.safe_load((ROOT / name).read_text())
    assert dropped_keys(raw, Config) == []
    config = load_config(str(ROOT / name))
    assert config.diff_based_evolution and config.evaluator.cascade_evaluation is False
    assert config.evaluator.parallel_evaluations == 1
    assert config.database.feature_dimensions == ["short_context_speedup", "long_context_speedup"]
    assert set(config.evaluator.evaluator_args) == {"model", "benchmarks"}
    assert "qwen3_custom_gqa_attention" in config.prompt.system_message
    assert "16" in config.prompt.system_message and "8" in config.prompt.system_message


def test_the_dropped_key_check_can_fail():
    assert dropped_keys({"allow_full_rewrites": False, "llm": {"model": "x"}}, Config) == ["allow_full_rewrites", "llm.model"]


def test_evaluator_args_are_accepted_by_evaluate():
    import inspect

    import evaluator

    params = inspect.signature(evaluator.evaluate).parameters
    for name in CONFIGS:
        args = yaml.safe_load((ROOT / name).read_text())["evaluator"]["evaluator_args"]
        assert set(args) <= set(params)
