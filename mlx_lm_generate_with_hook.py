"""One timing trial: mlx-lm generation with a candidate program hooked into Qwen3's attention.

    python mlx_lm_generate_with_hook.py --model DIR --benchmarks short_context_quick,long_context_4k \
        [--hook-program initial_program.py] [--repeats N]

Without --hook-program the baseline runs through the same hook as a program: it is the program
benchmarks/sdpa_program.py (SDPA, under the same guard and output checks), so both sides pay the
same process and per-call costs (mlx-lm's own attention function skips the guard and the checks: 1.1 us
less per call on a 2-core CPU, which the baseline used to save; benchmarks/hook_cost.py).

After a warm-up generation, each benchmark runs `--repeats` times. In each generation a few decode
calls, picked at random, are spot-checked against SDPA (on both sides, so both pay the same
stalls): a kernel that is right in the correctness gate but wrong where it is timed fails the
trial. For each generation it prints mlx-lm's usual Prompt / Generation / Peak memory lines, the
attention calls by kind, and machine-readable lines that start with '@@':

    @@ready {...}          model loaded, program imported, warm-up done
    @@waiting {...}        (--lockstep only) before each generation, and inside it after every
                           --slice-tokens tokens: it goes on when stdin says "go"
    @@first_token {...}    printed as soon as the first new token arrives
    @@t                    printed as soon as each further token arrives
    @@last_token {...}     printed as soon as the last one arrives
    @@result {...}         mlx-lm's figures and the call counts

The parent (qwen3_benchmark_suite.py) times decode from these lines with its own clock. With
--lockstep the parent runs a baseline and a candidate process side by side and lets them take turns
of --slice-tokens tokens, so that both are timed under the same (drifting) speed of the host.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import mlx.core as mx
import numpy as np
from mlx_lm import load, stream_generate

from attention_hook import AttentionHook, hooked_qwen3, install_sdpa_guard, load_program
from qwen3_benchmark_suite import (MARKER, SPOT_CHECKS, TOKEN_MARKER, expected_attention_calls, prompt_token_ids,
                                   select_benchmarks)

# The clocks as they were before the program was imported: replacing one is tampering, whatever
# the parent's clock (which times everything) makes of it.
CLOCKS = {name: getattr(time, name) for name in ("perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "time")}
SDPA_PROGRAM = Path(__file__).resolve().parent / "benchmarks" / "sdpa_program.py"  # the baseline
WARMUP_PROMPT_TOKENS = 16
WARMUP_NEW_TOKENS = 4


def timed_attention(hook_program=None, allow_sdpa_decode=False):
    """(attention function, SDPA guard) of a trial. The baseline is SDPA_PROGRAM, taking the path a
    program takes (the same guard, hook code and output checks)."""
    guard = install_sdpa_guard(allow_decode=allow_sdpa_decode or not hook_program)  # before the import
    return load_program(hook_program or SDPA_PROGRAM), guard


def emit(kind, payload):
    print(f"{MARKER}{kind} {json.dumps(payload)}", flush=True)


def generate_once(model, tokenizer, prompt, max_tokens, key=None, slice_tokens=0):
    """Generate exactly max_tokens tokens; with a key, print the token markers, and with slice_tokens
    wait for the parent's "go" after every slice_tokens tokens. Returns the last response and the
    decode seconds on this process's clock (time.perf_counter: a program that patches it shows up
    against the parent's clock): first to last token marker, less the intervals that span a wait."""
    response, decode_s, since = None, 0.0, None  # since: the first token after the start or a wait
    for i, response in enumerate(stream_generate(model, tokenizer, prompt, max_tokens=max_tokens)):
        if key is None:
            continue
        now = time.perf_counter()
        if since is None:
            since = now
        if i == 0:
            emit("first_token", key)
        elif response.finish_reason is not None:
            decode_s += now - since
            emit("last_token", key)
        else:
            print(TOKEN_MARKER, flush=True)
            if slice_tokens and i % slice_tokens == 0:
                decode_s += now - since
                wait_for_turn({**key, "token": i})
                since = None
    return response, decode_s


def wait_for_turn(key):
    emit("waiting", key)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("lockstep: the parent did not say go")


def run_benchmark(model, tokenizer, hook, config, repeat, spot_checks, rng, slice_tokens=0):
    key = {"benchmark": config.name, "repeat": repeat}
    prompt = prompt_token_ids(tokenizer, config)
    decode_calls = expected_attention_calls(config, len(model.layers))["decode"]
    hook.reset(spot_check_calls=rng.choice(decode_calls, size=min(spot_checks, decode_calls), replace=False))
    mx.reset_peak_memory()
    response, decode_s = generate_once(model, tokenizer, prompt, config.max_tokens, key, slice_tokens)
    replaced = [f"time.{name}" for name, clock in CLOCKS.items() if getattr(time, name) is not clock]
    if replaced:
        raise RuntimeError(f"{', '.join(replaced)} replaced while the program ran: clocks tampered with")
    print(f"[{config.name} #{repeat}]")
    print(f"Prompt: {response.prompt_tokens} tokens, {response.prompt_tps:.3f} tokens-per-sec")
    print(f"Generation: {response.generation_tokens} tokens, {response.generation_tps:.3f} tokens-per-sec")
    print(f"Peak memory: {response.peak_memory:.3f} GB")
    calls = hook.calls.to_dict()
    print("Attention calls: " + ", ".join(f"{k}={v}" for k, v in calls.items()), flush=True)
    emit("result", {
        **key,
        "prompt_tokens": response.prompt_tokens,
        "prompt_tps": response.prompt_tps,
        "generation_tokens": response.generation_tokens,
        "generation_tps": response.generation_tps,
        "decode_s": decode_s,
        "peak_memory_gb": response.peak_memory,
        "calls": calls,
        "spot_checks": len(hook.spot_check_errors),
        "spot_check_max_error": max(hook.spot_check_errors, default=0.0),
    })


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="model directory (see qwen3_model.py)")
    parser.add_argument("--benchmarks", required=True, help="subset name or comma-separated benchmark names")
    parser.add_argument("--hook-program", help="program whose qwen3_custom_gqa_attention replaces SDPA")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--allow-sdpa-decode", action="store_true", help="A/A noise runs only")
    parser.add_argument("--spot-checks", type=int, default=SPOT_CHECKS,
                        help="decode calls per generation whose output is compared with SDPA's")
    parser.add_argument("--seed", type=int, default=0, help="picks the spot-checked calls")
    parser.add_argument("--lockstep", action="store_true", help='wait for "go" on stdin before each generation')
    parser.add_argument("--slice-tokens", type=int, default=0,
                        help="with --lockstep, wait for \"go\" after every this many tokens too (0: never)")
    parser.add_argument("--main-thread-core", type=int,
                        help="after the warm-up, keep the main thread (the one that decodes) to this core (Linux)")
    args = parser.parse_args()

    configs = select_benchmarks(args.benchmarks)
    attention, guard = timed_attention(args.hook_program, args.allow_sdpa_decode)
    model, tokenizer = load(args.model)
    tokenizer.eos_token_ids = set()  # fixed-length generations, as mlx_lm.benchmark does
    hook = AttentionHook(attention, guard)
    with hooked_qwen3(hook):
        warmup = prompt_token_ids(tokenizer, configs[0])[:WARMUP_PROMPT_TOKENS]
        generate_once(model, tokenizer, warmup, WARMUP_NEW_TOKENS)
        if args.main_thread_core is not None:  # after the warm-up: MLX's own threads keep their cores
            os.sched_setaffinity(0, {args.main_thread_core})  # 0: the calling thread only
        emit("ready", {
            "model": args.model,
            "layers": len(model.layers),
            "device": str(mx.default_device()),
            "device_name": mx.device_info().get("device_name", ""),
            "mlx_version": mx.__version__,
            "program": args.hook_program,
            "main_thread_cores": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        })
        rng = np.random.default_rng(args.seed)
        for config in configs:
            for repeat in range(args.repeats):
                if args.lockstep:
                    wait_for_turn({"benchmark": config.name, "repeat": repeat})
                run_benchmark(model, tokenizer, hook, config, repeat, args.spot_checks, rng,
                              args.slice_tokens if args.lockstep else 0)


if __name__ == "__main__":
    main()
