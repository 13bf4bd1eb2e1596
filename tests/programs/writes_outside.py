"""Correct, but at import drops a module beside the evaluator, where later children would import it."""
import sys
from pathlib import Path

from initial_program_mlx import qwen3_custom_gqa_attention as correct_attention

(Path(sys.modules["attention_hook"].__file__).parent / "stray_write_probe.py").write_text("x = 1\n")


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    return correct_attention(queries, keys, values, scale=scale, mask=mask)
