"""Which Qwen3 the benchmarks run: the real Qwen3-0.6B when it is on this machine, else a synthetic one.

A synthetic model has Qwen3's exact architecture, random weights from a fixed seed and a byte-level
BPE tokenizer trained here on fixed text, so nothing is downloaded. Timings of random weights are
valid: decode does the same work whatever the weights are. It is built once, in a child process
(this module is imported by the evaluator, which must never touch the GPU), and cached on disk.

    python qwen3_model.py synthetic         # build (if needed) and print the model directory
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

REAL_MODEL = "mlx-community/Qwen3-0.6B-bf16"
SYNTHETIC_KINDS = ("synthetic", "synthetic-tiny")
# Bump when the synthetic recipe changes, so stale caches are rebuilt rather than reused.
SYNTHETIC_VERSION = 1
SEED = 20251126

QWEN3_0_6B = {
    "model_type": "qwen3",
    "architectures": ["Qwen3ForCausalLM"],
    "hidden_size": 1024,
    "intermediate_size": 3072,
    "num_hidden_layers": 28,
    "num_attention_heads": 16,
    "num_key_value_heads": 8,
    "head_dim": 128,
    "vocab_size": 151936,
    "rms_norm_eps": 1e-6,
    "rope_theta": 1000000,
    "max_position_embeddings": 40960,
    "tie_word_embeddings": True,
    "torch_dtype": "bfloat16",
}
# The attention geometry stays; everything else shrinks so a 2-core CPU decodes in milliseconds.
TINY_OVERRIDES = {"num_hidden_layers": 2, "hidden_size": 256, "intermediate_size": 768}
TOKENIZER_VOCAB = 4096
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@dataclass
class ModelChoice:
    """The model a run uses, and why."""

    name: str  # hub id, local path, "synthetic" or "synthetic-tiny"
    path: str  # directory that mlx_lm.load reads
    synthetic: bool
    note: str  # why this model was used

    def to_dict(self):
        return asdict(self)


def cache_root() -> Path:
    return Path(os.environ.get("QWEN3_GQA_CACHE", Path.home() / ".cache" / "qwen3-gqa-evolve"))


def synthetic_dir(kind: str) -> Path:
    return cache_root() / f"{kind}-v{SYNTHETIC_VERSION}"


def resolve_model(spec: str = "auto", download: bool = False, python: str = sys.executable) -> ModelChoice:
    """Turn a model argument into a directory.

    spec: "auto" (the real model if cached, else synthetic), a hub id, a local directory,
    "synthetic" or "synthetic-tiny". A hub id is looked up offline unless download is True.
    """
    if spec in SYNTHETIC_KINDS:
        return ModelChoice(spec, str(ensure_synthetic(spec, python)), True, f"{spec} requested")
    if Path(spec).is_dir():
        return ModelChoice(spec, str(Path(spec).resolve()), False, "local directory")
    repo = REAL_MODEL if spec == "auto" else spec
    path, why_not = find_in_hf_cache(repo, download)
    if path:
        return ModelChoice(repo, path, False, "downloaded" if download else "found in the Hugging Face cache")
    if spec != "auto":
        raise FileNotFoundError(
            f"model {repo!r} is not available: {why_not}. Pass --download to fetch it, "
            "or use model='synthetic' (random weights, no download)."
        )
    path = ensure_synthetic("synthetic", python)
    return ModelChoice("synthetic", str(path), True, f"{REAL_MODEL} not used: {why_not}")


def find_in_hf_cache(repo: str, download: bool):
    """Return (path, None) when the repo is local (or was downloaded), else (None, reason)."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:  # pragma: no cover - mlx-lm depends on it
        return None, "huggingface_hub is not installed"
    patterns = ["*.json", "*.safetensors", "*.py", "tokenizer.model", "*.tiktoken", "*.txt", "*.jinja"]
    try:
        return snapshot_download(repo, local_files_only=not download, allow_patterns=patterns), None
    except Exception as exc:  # LocalEntryNotFoundError, network errors, ...
        if download:
            return None, f"download failed ({type(exc).__name__}: {exc})"
        return None, "not in the Hugging Face cache (offline lookup; downloading needs --download)"


def ensure_synthetic(kind: str, python: str = sys.executable) -> Path:
    """Return the synthetic model's directory, building it in a child process if it is missing."""
    if kind not in SYNTHETIC_KINDS:
        raise ValueError(f"unknown synthetic model {kind!r}; choose from {SYNTHETIC_KINDS}")
    target = synthetic_dir(kind)
    if (target / "config.json").exists():
        return target
    print(f"[qwen3_model] building the {kind} model in {target} (once)...", file=sys.stderr, flush=True)
    done = subprocess.run([python, os.path.abspath(__file__), kind], capture_output=True, text=True)
    if done.returncode != 0 or not (target / "config.json").exists():
        raise RuntimeError(f"building the {kind} model failed:\n{done.stderr[-3000:]}")
    return target


def corpus_lines(n_lines: int = 6000):
    """Deterministic pseudo-English text for the tokenizer (words from a seeded syllable generator)."""
    rng = random.Random(SEED)
    syllables = [c + v for c in "bcdfghklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
    words = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(3000)]
    words += "the of and to in is for that with on as by this be are from it at an or".split()
    punctuation = [".", ",", ";", ":", "?", "!", "\n", " (x)", " = 1;", " {}", " #", " 42"]
    for _ in range(n_lines):
        line = " ".join(rng.choice(words) for _ in range(rng.randint(5, 20)))
        yield line + rng.choice(punctuation)


def train_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=TOKENIZER_VOCAB,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(corpus_lines(), trainer)
    return tokenizer


def write_synthetic(kind: str, target: Path):
    """Build the model in a scratch directory and move it into place, so a crash leaves no half model."""
    import mlx.core as mx
    from mlx.utils import tree_flatten, tree_map
    from mlx_lm.models import qwen3

    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{kind}-", dir=target.parent))
    try:
        tokenizer = train_tokenizer()
        tokenizer.save(str(scratch / "tokenizer.json"))
        eos_id = tokenizer.token_to_id("<|endoftext|>")
        config = dict(QWEN3_0_6B, bos_token_id=eos_id, eos_token_id=eos_id)
        if kind == "synthetic-tiny":
            config.update(TINY_OVERRIDES, vocab_size=tokenizer.get_vocab_size())

        mx.random.seed(SEED)
        model = qwen3.Model(qwen3.ModelArgs.from_dict(config))
        # Tied embeddings of unit scale make the logits explode; 0.02 is the usual init.
        embed = model.model.embed_tokens
        embed.weight = 0.02 * mx.random.normal(embed.weight.shape)
        model.update(tree_map(lambda p: p.astype(mx.bfloat16), model.parameters()))
        weights = dict(tree_flatten(model.parameters()))
        mx.save_safetensors(str(scratch / "model.safetensors"), weights, metadata={"format": "mlx"})

        (scratch / "config.json").write_text(json.dumps(config, indent=2))
        (scratch / "tokenizer_config.json").write_text(
            json.dumps(
                {
                    "tokenizer_class": "PreTrainedTokenizerFast",
                    "eos_token": "<|endoftext|>",
                    "pad_token": "<|endoftext|>",
                    "model_max_length": config["max_position_embeddings"],
                    "chat_template": CHAT_TEMPLATE,
                },
                indent=2,
            )
        )
        (scratch / "README.md").write_text(
            f"Synthetic {kind}: Qwen3 architecture, random weights (seed {SEED}), locally trained "
            "tokenizer. Built by qwen3_model.py for timing and correctness checks; its text is noise.\n"
        )
        if target.exists():
            shutil.rmtree(target)
        scratch.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=SYNTHETIC_KINDS)
    args = parser.parse_args()
    target = synthetic_dir(args.kind)
    if not (target / "config.json").exists():
        write_synthetic(args.kind, target)
    print(target)


if __name__ == "__main__":
    main()
