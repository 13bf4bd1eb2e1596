"""Shared fixtures. Tests run on the CPU with the tiny synthetic model; `gpu` tests need MLX to see
a GPU and are skipped elsewhere."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = Path(__file__).resolve().parent / "programs"
sys.path.insert(0, str(ROOT))
# Models built by the tests go to a cache of their own, never the user's.
os.environ.setdefault("QWEN3_GQA_CACHE", tempfile.mkdtemp(prefix="qwen3-gqa-test-cache-"))


def mlx_device() -> dict:
    code = ("import json, mlx.core as mx; print(json.dumps({'gpu': mx.metal.is_available() or "
            "mx.cuda.is_available(), 'cuda': mx.cuda.is_available()}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return json.loads(done.stdout) if done.returncode == 0 else {"gpu": False, "cuda": False}


DEVICE = mlx_device()


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs MLX with a GPU back-end (skipped elsewhere)")


def pytest_collection_modifyitems(config, items):
    if DEVICE["gpu"]:
        return
    skip = pytest.mark.skip(reason="MLX sees no GPU here")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def tiny_model():
    from qwen3_model import resolve_model

    return resolve_model("synthetic-tiny")


@pytest.fixture(scope="session")
def tiny_evaluator(tiny_model):
    from evaluator import Qwen3GQAEvaluator

    return Qwen3GQAEvaluator(model="synthetic-tiny", benchmarks=["micro_generation"])
