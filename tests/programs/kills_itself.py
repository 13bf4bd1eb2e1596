"""Sends SIGKILL to its own process during its first call."""
import os
import signal


def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):
    os.kill(os.getpid(), signal.SIGKILL)
