"""Loads a candidate program and hooks it into mlx-lm's Qwen3 attention, counting every call.

Only the child processes that run candidates import this module (the hook wrapper and the
correctness check). The order matters: `install_sdpa_guard()` runs before the program is imported,
so even a reference to SDPA taken at import time is the guard, and a decode call that reaches SDPA
by any route through `mx.fast` raises.
"""

import importlib.util
import sys
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import mlx.core as mx
import mlx_lm.models.base as mlx_lm_base
import mlx_lm.models.qwen3 as mlx_lm_qwen3

ENTRY_POINT = "qwen3_custom_gqa_attention"


class SDPAOnDecodePath(RuntimeError):
    """A decode call reached mx.fast.scaled_dot_product_attention: the program did not do the work."""


class HookReentered(RuntimeError):
    """The program called mlx-lm's (hooked) attention function from inside itself."""


class SpotCheckFailed(RuntimeError):
    """A decode call inside a timed generation returned something SDPA would not have."""


# A spot check catches garbage (a kernel that is right in the correctness gate but not where it is
# timed), not rounding: SDPA's own worst row error is about 0.003 in bf16.
SPOT_CHECK_TOLERANCE = 0.05


class SDPAGuard:
    """Stands in for mx.fast.scaled_dot_product_attention while a candidate is loaded.

    During a decode call it raises: every decode call must run the program's own code. Elsewhere
    it counts the call (a prefill hand-over) and runs the real SDPA. `allow_decode` exists only for
    the A/A noise measurement, where the baseline itself is put through the candidate path.
    """

    def __init__(self, real_sdpa, allow_decode=False):
        self._real_sdpa = real_sdpa
        self.allow_decode = allow_decode
        self.in_decode_call = False
        self.calls = 0
        self.decode_violations = 0

    def __call__(self, *args, **kwargs):
        if self.in_decode_call and not self.allow_decode:
            self.decode_violations += 1
            raise SDPAOnDecodePath(
                "mx.fast.scaled_dot_product_attention was called during a decode call (Lq == 1); "
                "decode must run the program's own kernel"
            )
        self.calls += 1
        return self._real_sdpa(*args, **kwargs)


def install_sdpa_guard(allow_decode=False) -> SDPAGuard:
    guard = SDPAGuard(mx.fast.scaled_dot_product_attention, allow_decode)
    mx.fast.scaled_dot_product_attention = guard
    return guard


def load_program(path):
    """Import a program file and return its attention function. Call after install_sdpa_guard()."""
    spec = importlib.util.spec_from_file_location("candidate_program", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["candidate_program"] = module
    spec.loader.exec_module(module)
    attention = getattr(module, ENTRY_POINT, None)
    if not callable(attention):
        raise AttributeError(f"{path} defines no callable {ENTRY_POINT}(queries, keys, values, scale, mask)")
    return attention


@dataclass
class AttentionCalls:
    """Calls into mlx-lm's Qwen3 attention, by kind. 'handed_over' means the program used SDPA."""

    decode_own: int = 0
    decode_handed_over: int = 0
    prefill_own: int = 0
    prefill_handed_over: int = 0

    def to_dict(self):
        return asdict(self)


class AttentionHook:
    """Replaces mlx_lm.models.qwen3.scaled_dot_product_attention.

    With no program it calls mlx-lm's own helper (the baseline), so baseline and candidate pay the
    same hook cost. Shapes and dtypes are checked here because they cost nothing: values are
    checked by the correctness gate and by spot checks.
    """

    def __init__(self, attention=None, guard=None):
        self.attention = attention
        self.guard = guard
        self.calls = AttentionCalls()
        self.spot_check_calls = set()
        self.spot_check_errors = []
        self._inside = False

    def reset(self, spot_check_calls=()):
        """Zero the counts; spot-check the decode calls with these indices (0 = the first)."""
        self.calls = AttentionCalls()
        self.spot_check_calls = set(int(i) for i in spot_check_calls)
        self.spot_check_errors = []

    def __call__(self, queries, keys, values, cache, scale, mask, sinks=None):
        if self._inside:
            raise HookReentered("the program called mlx-lm's attention function, which is the hook itself")
        decode = queries.shape[2] == 1
        if self.attention is None:
            output = mlx_lm_base.scaled_dot_product_attention(
                queries, keys, values, cache=cache, scale=scale, mask=mask, sinks=sinks
            )
            handed_over = True
        else:
            sdpa_calls_before = self.guard.calls
            self._inside = True
            self.guard.in_decode_call = decode
            try:
                output = self.attention(queries, keys, values, scale=scale, mask=mask)
            finally:
                self.guard.in_decode_call = False
                self._inside = False
            handed_over = self.guard.calls > sdpa_calls_before
            check_output(output, queries)
        if decode and self.calls.decode_own + self.calls.decode_handed_over in self.spot_check_calls:
            self.spot_check(output, queries, keys, values, scale, mask)
        kind = ("decode" if decode else "prefill") + ("_handed_over" if handed_over else "_own")
        setattr(self.calls, kind, getattr(self.calls, kind) + 1)
        return output

    def spot_check(self, output, queries, keys, values, scale, mask):
        """Compare this call's output with SDPA's, evaluating both now (baseline trials do the same,
        so both sides pay for the same pipeline stalls)."""
        sdpa = self.guard._real_sdpa if self.guard is not None else mx.fast.scaled_dot_product_attention
        reference = sdpa(queries, keys, values, scale=scale, mask=mask).astype(mx.float32)
        difference = output.astype(mx.float32) - reference
        rows = mx.linalg.norm(difference, axis=-1) / mx.maximum(mx.linalg.norm(reference, axis=-1), 1e-6)
        error = mx.max(rows).item()  # evaluates the output too
        self.spot_check_errors.append(error)
        if not error <= SPOT_CHECK_TOLERANCE:
            raise SpotCheckFailed(
                f"decode call {self.calls.decode_own + self.calls.decode_handed_over} (Lk = {keys.shape[2]}): "
                f"row error {error:.3g} against SDPA, limit {SPOT_CHECK_TOLERANCE}"
            )


def check_output(output, queries):
    if not isinstance(output, mx.array):
        raise TypeError(f"the program returned {type(output).__name__}, not an mx.array")
    if output.shape != queries.shape:
        raise ValueError(f"the program returned shape {tuple(output.shape)}, expected {tuple(queries.shape)}")
    if output.dtype != queries.dtype:
        raise ValueError(f"the program returned dtype {output.dtype}, expected {queries.dtype}")


@contextmanager
def hooked_qwen3(hook: AttentionHook):
    """Route every Qwen3 attention call through `hook` for the duration of the block."""
    original = mlx_lm_qwen3.scaled_dot_product_attention
    mlx_lm_qwen3.scaled_dot_product_attention = hook
    try:
        yield hook
    finally:
        mlx_lm_qwen3.scaled_dot_product_attention = original
