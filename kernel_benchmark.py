"""Kernel microbenchmark: a program's attention against mx.fast.scaled_dot_product_attention.

Both run in this one process, interleaved, on the shapes the model produces:
- decode (Lq = 1) at each L, with K/V as KVCache-style views (a buffer rounded up to 256 rows,
  sliced to L), and prefill shapes (causal, Lq <= Lk);
- every measurement is a chain of LAYERS dependent calls (each output is the next call's query),
  each reading its own K/V buffers, one per layer as in the model, so that reads come from HBM and
  not from the 50 MB L2;
- per call, `build_us` is the host time to build the graph (the Python call into MLX) and
  `eval_us` the time to evaluate it (launches and GPU work); the median over REPEATS is reported;
- bandwidth is K+V bytes per call over eval_us, as a share of the copy bandwidth (read + write of
  a 2 GiB array, the best of 20 copies: a ceiling, so the fastest) measured in the same run.

    python kernel_benchmark.py --program best_program_cuda.py [--program other.py ...] [--lengths all]

The program is imported under the SDPA guard, so a decode call that reaches SDPA raises here too.
"""

import argparse
import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

import mlx.core as mx
from attention_hook import install_sdpa_guard, load_program

N_Q_HEADS, N_KV_HEADS, HEAD_DIM = 16, 8, 128
SCALE = HEAD_DIM**-0.5
KV_STEP = 256
LAYERS = 28
REPEATS = 30
DECODE_LENGTHS = [128, 256, 1024, 4096, 16384, 32768]
ALL_DECODE_LENGTHS = [1, 2, 8, 64, 128, 255, 256, 257, 512, 1024, 2048, 4096, 8192, 16384, 32768]
PREFILL_SHAPES = [(512, 512), (2048, 2048), (2048, 8192)]  # (Lq, Lk), causal


@dataclass
class Timing:
    build_us: float  # host: building the graph, per call
    eval_us: float  # evaluating it (launches + GPU), per call


@dataclass
class Row:
    shape: str
    q_len: int
    k_len: int
    sdpa: Timing
    program: Timing
    speedup: float  # sdpa.eval_us / program.eval_us
    kv_gb_per_s: float  # K+V bytes read per program call / program.eval_us
    pct_copy_bandwidth: float


def kv_views(k_len, layers):
    """One cache-style K and V view per layer: buffers of 256-row steps, sliced to k_len."""
    rows = KV_STEP * math.ceil(k_len / KV_STEP)
    views = []
    for _ in range(layers):
        k_buf = mx.random.normal((1, N_KV_HEADS, rows, HEAD_DIM)).astype(mx.bfloat16)
        v_buf = mx.random.normal((1, N_KV_HEADS, rows, HEAD_DIM)).astype(mx.bfloat16)
        mx.eval(k_buf, v_buf)
        views.append((k_buf[:, :, :k_len, :], v_buf[:, :, :k_len, :]))
    return views


def time_chain(attention, queries, views, mask):
    start = time.perf_counter()
    x = queries
    for keys, values in views:
        x = attention(x, keys, values, scale=SCALE, mask=mask)
    built = time.perf_counter()
    mx.eval(x)
    done = time.perf_counter()
    n = len(views)
    return (built - start) * 1e6 / n, (done - built) * 1e6 / n


def measure(attentions: dict, guard, q_len, k_len, layers, repeats, warmup=3):
    """Median Timing per attention function (SDPA included), all interleaved on the same views."""
    views = kv_views(k_len, layers)
    queries = mx.random.normal((1, N_Q_HEADS, q_len, HEAD_DIM)).astype(mx.bfloat16)
    mask = "causal" if q_len > 1 else None
    mx.eval(queries)
    names = list(attentions)
    samples = {name: [] for name in names}
    for r in range(warmup + repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            guard.in_decode_call = name != "sdpa" and q_len == 1
            try:
                timing = time_chain(attentions[name], queries, views, mask)
            finally:
                guard.in_decode_call = False
            if r >= warmup:
                samples[name].append(timing)
    del views
    mx.clear_cache()
    return {name: Timing(*np.median(np.array(s), axis=0).tolist()) for name, s in samples.items()}


def copy_bandwidth_gb_per_s(n_bytes=2 << 30, repeats=20):
    x = mx.random.normal((n_bytes // 2,)).astype(mx.bfloat16)
    mx.eval(x)
    times = []
    for _ in range(repeats + 2):
        start = time.perf_counter()
        mx.eval(x * 1)
        times.append(time.perf_counter() - start)
    return 2 * n_bytes / min(times[2:]) / 1e9


def run(programs, lengths, prefill, layers=LAYERS, repeats=REPEATS, copy_bytes=2 << 30, progress=print):
    """One result per program, each against SDPA measured in the same interleaved rounds."""
    guard = install_sdpa_guard()
    attentions = {"sdpa": guard._real_sdpa}  # the real SDPA, not the guard that stands in for it
    attentions.update({str(p): load_program(p) for p in programs})
    copy_gbps = copy_bandwidth_gb_per_s(copy_bytes)
    progress(f"copy bandwidth {copy_gbps:.0f} GB/s")
    shapes = [(1, L) for L in lengths] + (PREFILL_SHAPES if prefill else [])
    rows = {str(p): [] for p in programs}
    for q_len, k_len in shapes:
        t = measure(attentions, guard, q_len, k_len, layers, repeats)
        kv_bytes = 2 * N_KV_HEADS * k_len * HEAD_DIM * 2
        shape = f"decode L={k_len}" if q_len == 1 else f"prefill Lq={q_len} Lk={k_len}"
        for p in rows:
            gbps = kv_bytes / (t[p].eval_us * 1e-6) / 1e9
            rows[p].append(Row(shape, q_len, k_len, t["sdpa"], t[p], t["sdpa"].eval_us / t[p].eval_us,
                               gbps, 100 * gbps / copy_gbps))
            progress(f"{table_row(rows[p][-1])} {Path(p).name if len(rows) > 1 else ''}")
    return [result_of(p, r, copy_gbps, layers, repeats) for p, r in rows.items()]


def result_of(program, rows, copy_gbps, layers, repeats):
    decode = [r for r in rows if r.q_len == 1]
    return {
        "table": "\n".join([TABLE_HEADER] + [table_row(r) for r in rows]),
        "device_name": mx.device_info().get("device_name", ""),
        "mlx_version": mx.__version__,
        "program": program,
        "layers": layers,
        "repeats": repeats,
        "copy_gb_per_s": copy_gbps,
        "decode_speedup_geomean": float(np.exp(np.mean([np.log(r.speedup) for r in decode]))) if decode else None,
        "rows": [asdict(r) for r in rows],
    }


TABLE_HEADER = ("| shape | SDPA build / eval us | program build / eval us | speedup | GB/s (K+V) | % copy bw |\n"
                "|---|---|---|---|---|---|")


def table_row(r: Row) -> str:
    return (f"| {r.shape} | {r.sdpa.build_us:.1f} / {r.sdpa.eval_us:.1f} | {r.program.build_us:.1f} / "
            f"{r.program.eval_us:.1f} | {r.speedup:.2f} | {r.kv_gb_per_s:.0f} | {r.pct_copy_bandwidth:.1f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", required=True, action="append", help="repeat to compare several programs")
    parser.add_argument("--lengths", default="default", help="'default', 'all' or comma-separated decode lengths")
    parser.add_argument("--no-prefill", action="store_true")
    parser.add_argument("--layers", type=int, default=LAYERS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--copy-mib", type=int, default=2048, help="size of the copy-bandwidth yardstick")
    parser.add_argument("--json", help="write the result here (a list when several programs are given)")
    args = parser.parse_args()
    lengths = {"default": DECODE_LENGTHS, "all": ALL_DECODE_LENGTHS}.get(args.lengths)
    lengths = lengths or [int(x) for x in args.lengths.split(",")]
    print(TABLE_HEADER, flush=True)
    results = run(args.program, lengths, not args.no_prefill, args.layers, args.repeats, args.copy_mib << 20,
                  progress=lambda m: print(m, flush=True))
    for result in results:
        print(f"{result['program']}: decode speedup, geometric mean {result['decode_speedup_geomean']:.3f} "
              f"on {result['device_name']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results[0] if len(results) == 1 else results, f, indent=2)


if __name__ == "__main__":
    main()
