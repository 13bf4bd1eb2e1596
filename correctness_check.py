"""Is a program's attention right? Decided by the evaluator, from outputs the children only record.

The evaluator (the parent, numpy only) draws fresh bf16 inputs for every case in a table, writes
them to a folder and runs this file twice on them:

    --role baseline    no program imported: records SDPA's outputs (SDPA's own error against the
                       reference sets each case's tolerance) and the baseline model's logits, in bf16
                       and in fp32 (the model-level reference)
    --role candidate   the program imported under the SDPA guard: records its outputs and the logits
                       of the model with the program hooked in

The parent computes the fp32 reference itself and compares; nothing the program's process says is
taken on trust. `--role compile` imports the program and runs it once on small shapes, so that
build errors surface before anything else.

Inputs follow mlx-lm: queries are a transposed view of [B, Lq, 16, 128]; keys and values are views
of a cache buffer that grows in steps of 256 rows, whose unused rows hold large values so that a
kernel reading past Lk gets a wrong answer.
"""

import argparse
import json
import math
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

N_Q_HEADS, N_KV_HEADS, HEAD_DIM = 16, 8, 128
SCALE = HEAD_DIM**-0.5
KV_STEP = 256  # mlx-lm's KVCache grows its buffer by this many rows
UNUSED_CACHE_ROW_VALUE = 1000.0  # what the rows past Lk hold: reading them ruins the softmax
TOLERANCE_FACTOR = 4.0  # a program may be this many times less accurate than SDPA on the same case...
TOLERANCE_FLOOR = 2.0**-7  # ...or this inaccurate (two bf16 ulps), whichever is larger
INPUT_SETS = ("a", "b")  # two draws per case: a program must give each its own output


@dataclass(frozen=True)
class Case:
    """One correctness case: shapes, mask and layout."""

    name: str
    q_len: int
    k_len: int
    mask: str = "none"  # "none", "causal" (bottom-right aligned) or "bool_array"
    batch: int = 1
    # "cache_view" (strided slice of a 256-row buffer), "contiguous", or "token_major" (a transposed
    # view of [B, L, 8, 128], the projection's layout before mlx-lm's cache: rows 8 x 128 apart)
    kv_layout: str = "cache_view"
    q_gain: float = 1.0  # larger gains give peakier softmaxes

    @property
    def kv_rows(self):
        return KV_STEP * math.ceil(self.k_len / KV_STEP) if self.kv_layout == "cache_view" else self.k_len


def decode(k_len, **kw):
    return Case(f"decode_L{k_len}" + "".join(f"_{k}{v}" for k, v in kw.items()), 1, k_len, **kw)


# Odd lengths on purpose: 255/256/257 straddle the cache step, 1 is a lone key.
CPU_CASES = [
    decode(1), decode(255), decode(256), decode(257), decode(1000), decode(1021, q_gain=4.0), decode(4100),
    decode(300, batch=2), decode(513, kv_layout="contiguous"), decode(700, kv_layout="token_major"),
    Case("prefill_causal_L64", 64, 64, "causal"),
    Case("prefill_causal_L257", 257, 257, "causal", q_gain=3.0),
    Case("chunked_prefill_Lq100_Lk612", 100, 612, "causal"),
    Case("chunked_prefill_Lq512_Lk640", 512, 640, "causal"),
    Case("prefill_no_mask_L33", 33, 33, "none"),
    Case("prefill_bool_mask_Lq48_Lk300", 48, 300, "bool_array"),
]
GPU_CASES = CPU_CASES + [
    decode(8191), decode(16384), decode(32768, q_gain=3.0),
    decode(1000, batch=2), decode(8191, batch=2),  # batch 2 where kernels split the keys over blocks, not only at 300
    # short caches, where a kernel may take every key in one warp: each layout, a batch, and both sides of 16
    decode(2), decode(9, batch=2), decode(16, kv_layout="contiguous"), decode(16, kv_layout="token_major"), decode(17),
    Case("prefill_causal_L2048", 2048, 2048, "causal"),
    Case("chunked_prefill_Lq2048_Lk6144", 2048, 6144, "causal"),
]
# Teacher-forced model check: a prompt that crosses a cache step, then single-token steps from 501 to
# 524 keys. They cross 512, where the cache grows its buffer mid-decode (new strides) and kernels often
# change paths: MLX's CUDA graph cache then updates a cached graph from one kernel to the other.
MODEL_PROMPT_TOKENS = 500
MODEL_DECODE_STEPS = 24


def cases_for(device: str):
    return GPU_CASES if device == "gpu" else CPU_CASES


# ----------------------------------------------------------------------------- bf16 in numpy


def to_bf16_bits(x: np.ndarray) -> np.ndarray:
    """Round float32 to bfloat16 (nearest, ties to even); return the 16-bit patterns."""
    bits = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    rounded = bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))
    return (rounded >> np.uint32(16)).astype(np.uint16)


def from_bf16_bits(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32)


# ----------------------------------------------------------------------------- inputs and reference


def draw_inputs(case: Case, rng: np.random.Generator) -> dict:
    """bf16 bit patterns: q [B, Lq, Hq, D], k/v buffers [B, Hkv, rows, D], and a bool mask if any."""
    q = rng.standard_normal((case.batch, case.q_len, N_Q_HEADS, HEAD_DIM), dtype=np.float32) * case.q_gain
    shape = (case.batch, N_KV_HEADS, case.kv_rows, HEAD_DIM)
    k = np.full(shape, UNUSED_CACHE_ROW_VALUE, np.float32)
    v = np.full(shape, UNUSED_CACHE_ROW_VALUE, np.float32)
    k[:, :, : case.k_len] = rng.standard_normal((case.batch, N_KV_HEADS, case.k_len, HEAD_DIM), dtype=np.float32)
    v[:, :, : case.k_len] = rng.standard_normal((case.batch, N_KV_HEADS, case.k_len, HEAD_DIM), dtype=np.float32)
    arrays = {"q": to_bf16_bits(q), "k": to_bf16_bits(k), "v": to_bf16_bits(v)}
    if case.mask == "bool_array":
        keep = rng.random((case.batch, 1, case.q_len, case.k_len)) < 0.7
        keep[..., 0] = True  # no fully masked rows: their softmax is undefined
        arrays["mask"] = keep
    return arrays


def reference_attention(case: Case, arrays: dict) -> np.ndarray:
    """fp32 attention from the bf16 inputs, written out in numpy: [B, Hq, Lq, D]."""
    q = from_bf16_bits(arrays["q"]).transpose(0, 2, 1, 3)
    k = from_bf16_bits(arrays["k"])[:, :, : case.k_len]
    v = from_bf16_bits(arrays["v"])[:, :, : case.k_len]
    group = N_Q_HEADS // N_KV_HEADS
    k = np.repeat(k, group, axis=1)
    v = np.repeat(v, group, axis=1)
    scores = (q @ k.transpose(0, 1, 3, 2)) * np.float32(SCALE)
    if case.mask == "causal":
        q_pos = np.arange(case.k_len - case.q_len, case.k_len)[:, None]
        scores = np.where(q_pos >= np.arange(case.k_len)[None], scores, -np.inf)
    elif case.mask == "bool_array":
        scores = np.where(arrays["mask"], scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return (weights @ v).astype(np.float32)


def write_inputs(folder: Path, device: str, seed: int, model_vocab: int | None = None) -> dict:
    """Draw every case's inputs (two sets each) and the model check's tokens; return the manifest."""
    rng = np.random.default_rng(seed)
    cases = cases_for(device)
    arrays = {}
    for case in cases:
        for s in INPUT_SETS:
            for name, a in draw_inputs(case, rng).items():
                arrays[f"{case.name}.{s}.{name}"] = a
    np.savez(folder / "inputs.npz", **arrays)
    manifest = {"seed": seed, "device": device, "cases": [asdict(c) for c in cases]}
    if model_vocab:
        manifest["tokens"] = rng.integers(0, model_vocab, MODEL_PROMPT_TOKENS + MODEL_DECODE_STEPS).tolist()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return manifest


# ----------------------------------------------------------------------------- verdicts (parent side)


@dataclass
class CaseResult:
    name: str
    passed: bool
    worst_row_error: float  # max over rows of |out - ref| / |ref|, over both input sets
    sdpa_worst_row_error: float
    tolerance: float
    detail: str


def row_errors(out: np.ndarray, ref: np.ndarray) -> np.ndarray:
    return np.linalg.norm(out - ref, axis=-1) / np.maximum(np.linalg.norm(ref, axis=-1), 1e-6)


def judge_case(case: Case, inputs, candidate, sdpa) -> CaseResult:
    """inputs/candidate/sdpa: dicts keyed by input set. Reports the most basic problem found."""
    expected_shape = (case.batch, N_Q_HEADS, case.q_len, HEAD_DIM)
    refs = {s: reference_attention(case, inputs[s]) for s in INPUT_SETS}
    sdpa_worst = max(float(row_errors(sdpa[s], refs[s]).max()) for s in INPUT_SETS)
    tolerance = max(TOLERANCE_FACTOR * sdpa_worst, TOLERANCE_FLOOR)

    def verdict(passed, worst, detail):
        return CaseResult(case.name, passed, worst, sdpa_worst, tolerance, detail)

    for s in INPUT_SETS:
        out = candidate.get(s)
        if out is None:
            return verdict(False, math.inf, "no output recorded")
        if out.shape != expected_shape:
            return verdict(False, math.inf, f"output shape {out.shape}, expected {expected_shape}")
        bad = ~np.isfinite(out)
        if bad.any():
            where = [int(i) for i in np.argwhere(bad)[0]]
            return verdict(False, math.inf, f"{int(bad.sum())} NaN/Inf or unwritten elements, first at [b, h, q, d] = {where}")
    errors = {s: row_errors(candidate[s], refs[s]) for s in INPUT_SETS}
    worst_set = max(INPUT_SETS, key=lambda s: errors[s].max())
    worst = float(errors[worst_set].max())
    if worst > tolerance:
        b, h, q = np.unravel_index(int(errors[worst_set].argmax()), errors[worst_set].shape)
        return verdict(False, worst, f"row error {worst:.3g} > tolerance {tolerance:.3g} (SDPA: {sdpa_worst:.3g}) "
                                     f"at input set {worst_set}, batch {b}, head {h}, query {q}")
    if np.array_equal(candidate["a"], candidate["b"]):
        return verdict(False, worst, "two different inputs gave the same output (cached or replayed output)")
    return verdict(True, worst, "ok")


def load_case_inputs(npz, case: Case) -> dict:
    return {s: {n: npz[f"{case.name}.{s}.{n}"] for n in ("q", "k", "v", "mask") if f"{case.name}.{s}.{n}" in npz}
            for s in INPUT_SETS}


def load_case_outputs(npz, case: Case) -> dict:
    return {s: from_bf16_bits(npz[f"{case.name}.{s}"]) for s in INPUT_SETS if f"{case.name}.{s}" in npz}


def judge_outputs(folder: Path, baseline_dir: Path, candidate_dir: Path) -> list:
    manifest = json.loads((folder / "manifest.json").read_text())
    inputs = np.load(folder / "inputs.npz")
    sdpa = np.load(baseline_dir / "outputs.npz")
    cand = np.load(candidate_dir / "outputs.npz")
    results = []
    for c in manifest["cases"]:
        case = Case(**c)
        results.append(judge_case(case, load_case_inputs(inputs, case), load_case_outputs(cand, case),
                                  load_case_outputs(sdpa, case)))
    return results


def logits_errors(logits: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Per position: |logits - ref| / |ref| over the vocabulary."""
    return np.linalg.norm(logits - reference, axis=-1) / np.linalg.norm(reference, axis=-1)


# ----------------------------------------------------------------------------- child side (MLX)


def mlx_inputs(case: Case, arrays: dict):
    """Build the MLX arrays the way mlx-lm hands them over: views, not copies."""
    import mlx.core as mx

    def bf16(bits):
        return mx.array(bits).view(mx.bfloat16)

    queries = bf16(arrays["q"]).transpose(0, 2, 1, 3)
    keys = bf16(arrays["k"])[:, :, : case.k_len, :]
    values = bf16(arrays["v"])[:, :, : case.k_len, :]
    if case.kv_layout == "contiguous":
        keys, values = mx.contiguous(keys), mx.contiguous(values)
    elif case.kv_layout == "token_major":
        keys, values = (mx.contiguous(x.transpose(0, 2, 1, 3)).transpose(0, 2, 1, 3) for x in (keys, values))
    mask = {"none": None, "causal": "causal"}.get(case.mask)
    if case.mask == "bool_array":
        mask = mx.array(arrays["mask"])
    mx.eval(queries, keys, values)
    return queries, keys, values, mask


def poison_allocator(shape):
    """Leave freed NaN buffers of the output's size in MLX's cache, so unwritten outputs show as NaN."""
    import mlx.core as mx

    mx.clear_cache()
    for _ in range(2):
        poison = mx.full(shape, mx.nan, dtype=mx.bfloat16)
        mx.eval(poison)
        del poison


def uses_sdpa_primitive(output, scratch: Path) -> bool:
    """Does the graph behind `output` contain the SDPA primitive? (On a CPU SDPA decomposes into
    plain ops, so this only sees it on a GPU; the run-time guard covers the CPU.)"""
    import mlx.core as mx

    dot = scratch / "graph.dot"
    mx.export_to_dot(str(dot), output)
    return "ScaledDotProductAttention" in dot.read_text()


CURRENT_STEP = ["start"]  # what the child was doing, for its error report


def run_cases(attention, manifest, folder: Path, out_dir: Path, guard=None) -> dict:
    import mlx.core as mx

    npz = np.load(folder / "inputs.npz")
    outputs, notes = {}, {}
    for c in manifest["cases"]:
        case = Case(**c)
        inputs = load_case_inputs(npz, case)
        for s in INPUT_SETS:
            CURRENT_STEP[0] = f"case {case.name}, input set {s}"
            q, k, v, mask = mlx_inputs(case, inputs[s])
            poison_allocator(q.shape)
            if guard is not None:
                guard.in_decode_call = case.q_len == 1
            try:
                out = attention(q, k, v, scale=SCALE, mask=mask)
            finally:
                if guard is not None:
                    guard.in_decode_call = False
            if guard is not None and case.q_len == 1 and uses_sdpa_primitive(out, out_dir):
                raise RuntimeError(f"{case.name}: the decode output's graph contains the SDPA primitive")
            mx.eval(out)
            if tuple(out.shape) != (case.batch, N_Q_HEADS, case.q_len, HEAD_DIM) or out.dtype != mx.bfloat16:
                notes[f"{case.name}.{s}"] = f"shape {tuple(out.shape)} dtype {out.dtype}"
                out = out.astype(mx.float32)
                outputs[f"{case.name}.{s}"] = to_bf16_bits(np.array(out))
            else:
                outputs[f"{case.name}.{s}"] = np.array(out.view(mx.uint16))
    return outputs, notes


def model_logits(model, tokens) -> np.ndarray:
    """Teacher-forced logits: prefill the prompt, then one token a step, as generation does."""
    import mlx.core as mx
    from mlx_lm.models.cache import make_prompt_cache

    cache = make_prompt_cache(model)
    prompt = mx.array(tokens[:MODEL_PROMPT_TOKENS])[None]
    rows = [model(prompt, cache=cache)[0, -1]]
    for token in tokens[MODEL_PROMPT_TOKENS:]:
        rows.append(model(mx.array([[token]]), cache=cache)[0, -1])
        mx.eval(rows[-1])
    return np.array(mx.stack(rows).astype(mx.float32))


def run_role(role, folder: Path, out_dir: Path, program=None, model_dir=None):
    import mlx.core as mx

    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    report = {"role": role, "device": str(mx.default_device()), "mlx_version": mx.__version__}
    manifest = json.loads((folder / "manifest.json").read_text())
    if role == "baseline":
        outputs, notes = run_cases(mx.fast.scaled_dot_product_attention, manifest, folder, out_dir)
    else:
        from attention_hook import install_sdpa_guard, load_program

        guard = install_sdpa_guard()
        CURRENT_STEP[0] = "importing the program"
        attention = load_program(program)
        outputs, notes = run_cases(attention, manifest, folder, out_dir, guard)
    report["notes"] = notes
    if model_dir and "tokens" in manifest:
        from mlx_lm import load

        from attention_hook import AttentionHook, hooked_qwen3

        CURRENT_STEP[0] = "teacher-forced model check"
        model, _ = load(model_dir)
        if role == "baseline":
            outputs["logits"] = model_logits(model, manifest["tokens"])
            model.set_dtype(mx.float32)
            outputs["logits_fp32"] = model_logits(model, manifest["tokens"])
        else:
            hook = AttentionHook(attention, guard)
            with hooked_qwen3(hook):
                outputs["logits"] = model_logits(model, manifest["tokens"])
            report["model_calls"] = hook.calls.to_dict()
    np.savez(out_dir / "outputs.npz", **outputs)
    report["wall_s"] = time.monotonic() - start
    (out_dir / "report.json").write_text(json.dumps(report))


# The compile role, which the memory-safety gate runs under compute-sanitizer: a lone key in exact-size
# buffers (a kernel that splits the keys has blocks with none, and any read past the key is out of
# bounds), a cache view, a prefill, and on the GPU the longest decode (the split paths).
COMPILE_CASES = [decode(300), decode(1, kv_layout="contiguous"), Case("prefill_causal_L64", 64, 64, "causal")]
GPU_COMPILE_CASES = COMPILE_CASES + [decode(32768, kv_layout="contiguous")]


def run_compile(program, out_dir: Path):
    """Import the program and run a few decode and prefill calls (COMPILE_CASES)."""
    import mlx.core as mx

    from attention_hook import check_output, install_sdpa_guard, load_program

    out_dir.mkdir(parents=True, exist_ok=True)
    guard = install_sdpa_guard()
    CURRENT_STEP[0] = "importing the program"
    attention = load_program(program)
    rng = np.random.default_rng(0)
    for case in GPU_COMPILE_CASES if mx.default_device() == mx.gpu else COMPILE_CASES:
        CURRENT_STEP[0] = f"first call, {case.name}"
        q, k, v, mask = mlx_inputs(case, draw_inputs(case, rng))
        guard.in_decode_call = case.q_len == 1
        out = attention(q, k, v, scale=SCALE, mask=mask)
        guard.in_decode_call = False
        check_output(out, q)
        mx.eval(out)
    (out_dir / "report.json").write_text(json.dumps({"role": "compile", "ok": True,
                                                     "device": str(mx.default_device())}))


def describe_exception(exc: BaseException, program=None, max_lines=25) -> str:
    """The exception, where the program raised it, and (for kernel builds) the compiler's error lines."""
    message = f"{type(exc).__name__}: {exc}".strip()
    lines = message.splitlines()
    if len(lines) > max_lines:
        keep = [line for line in lines if "error" in line.lower()] or lines
        lines = lines[:1] + keep[:max_lines]
    frames = traceback.extract_tb(exc.__traceback__)
    if program:  # only the program's own lines: the harness's are noise to its author
        frames = [f for f in frames if Path(f.filename).resolve() == Path(program).resolve()]
    where = "; ".join(f"line {f.lineno} in {f.name}: {(f.line or '').strip()}" for f in frames[-2:])
    return "\n".join(lines) + (f"\n  at {where}" if where else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--role", choices=("compile", "baseline", "candidate"), required=True)
    parser.add_argument("--inputs", type=Path, help="folder written by write_inputs()")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--program")
    parser.add_argument("--model", help="model directory for the teacher-forced check")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        if args.role == "compile":
            run_compile(args.program, args.out)
        else:
            run_role(args.role, args.inputs, args.out, args.program, args.model)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt raised by a program too
        report = {"step": CURRENT_STEP[0], "error": describe_exception(exc, args.program)}
        (args.out / "error.json").write_text(json.dumps(report))
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
