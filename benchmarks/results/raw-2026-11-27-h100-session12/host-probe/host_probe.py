# Host cost (graph building, no evaluation) of one decode attention call, split into its parts.
import importlib.util, sys, time
import mlx.core as mx
sys.path.insert(0, ".")
spec = importlib.util.spec_from_file_location("bp", "best_program_cuda.py"); bp = importlib.util.module_from_spec(spec); spec.loader.exec_module(bp)

def us(fn, n=20000, rounds=5):
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t) / n)
    return best * 1e6

scale = 128 ** -0.5
tiny3 = mx.fast.cuda_kernel(name="probe_tiny3", input_names=["queries", "keys", "values"], output_names=["out"],
                            source="out[0] = queries[0];", ensure_row_contiguous=False)
tiny1 = mx.fast.cuda_kernel(name="probe_tiny1", input_names=["queries"], output_names=["out"],
                            source="out[0] = queries[0];", ensure_row_contiguous=False)
tiny3_shapes = mx.fast.cuda_kernel(name="probe_tiny3s", input_names=["queries", "keys", "values"], output_names=["out"],
                            source="out[0] = queries[0] + keys[keys_shape[2]] + values[values_strides[2]];", ensure_row_contiguous=False)
print("device", mx.default_device(), "mlx", mx.__version__)
for L in (1, 128, 1024, 4096):
    q = mx.random.normal((1, 16, 1, 128)).astype(mx.bfloat16)
    k = mx.random.normal((1, 8, L, 128)).astype(mx.bfloat16); v = mx.random.normal((1, 8, L, 128)).astype(mx.bfloat16)
    mx.eval(q, k, v)
    ob, cl, sp, me = bp.decode_kernels(scale)
    kern = ob if L < bp.ONE_BLOCK_UNTIL else cl
    grid = (bp.ONE_BLOCK_THREADS * 8, 1, 1) if L < bp.ONE_BLOCK_UNTIL else (bp.THREADS * bp.CLUSTER * 8, 1, 1)
    tg = (bp.ONE_BLOCK_THREADS, 1, 1) if L < bp.ONE_BLOCK_UNTIL else (bp.THREADS, 1, 1)
    shape, dt, ins, shapes, dts = q.shape, q.dtype, [q, k, v], [q.shape], [q.dtype]
    calls = {
        "python loop (lambda: None)": lambda: None,
        "sdpa": lambda: mx.fast.scaled_dot_product_attention(q, k, v, scale=scale),
        "program function": lambda: bp.qwen3_custom_gqa_attention(q, k, v, scale=scale),
        "program kernel, args ready": lambda: kern(inputs=ins, output_shapes=shapes, output_dtypes=dts, grid=grid, threadgroup=tg),
        "tiny kernel, 3 inputs": lambda: tiny3(inputs=ins, output_shapes=shapes, output_dtypes=dts, grid=(32, 1, 1), threadgroup=(32, 1, 1)),
        "tiny kernel, 3 inputs + shapes/strides": lambda: tiny3_shapes(inputs=ins, output_shapes=shapes, output_dtypes=dts, grid=(32, 1, 1), threadgroup=(32, 1, 1)),
        "tiny kernel, 1 input": lambda: tiny1(inputs=[q], output_shapes=shapes, output_dtypes=dts, grid=(32, 1, 1), threadgroup=(32, 1, 1)),
        "mx.add (one primitive)": lambda: q + q,
    }
    for fn in calls.values():
        mx.eval(fn())  # compile once
    print(f"L={L}: " + "; ".join(f"{name} {us(fn):.2f} us" for name, fn in calls.items()), flush=True)

# A leaner wrapper: the same kernels and checks, the per-shape launch arguments kept in a dict.
_launch = {}
BF16 = mx.bfloat16


def lean(queries, keys, values, scale=1.0, mask=None):
    shape = queries.shape
    if shape[2] > 1:
        return mx.fast.scaled_dot_product_attention(queries, keys, values, scale=scale, mask=mask)
    if isinstance(mask, mx.array) or queries.dtype != BF16 or shape[3] != 128:
        return bp.attention_in_mlx_ops(queries, keys, values, scale, mask)
    one_block = keys.shape[2] < bp.ONE_BLOCK_UNTIL
    key = (shape, scale, one_block)
    launch = _launch.get(key)
    if launch is None:
        ob, cl, _, _ = bp.decode_kernels(scale)
        groups = shape[1] // bp.HEADS_PER_BLOCK
        launch = _launch[key] = ((ob, (bp.ONE_BLOCK_THREADS * groups, shape[0], 1), (bp.ONE_BLOCK_THREADS, 1, 1)) if one_block
                                 else (cl, (bp.THREADS * bp.CLUSTER * groups, shape[0], 1), (bp.THREADS, 1, 1)), [shape], [BF16])
    (kernel, grid, threadgroup), shapes, dtypes = launch
    return kernel(inputs=[queries, keys, values], output_shapes=shapes, output_dtypes=dtypes, grid=grid,
                  threadgroup=threadgroup)[0]


for rep in range(2):
    for L in (1, 128, 1024, 4096):
        q = mx.random.normal((1, 16, 1, 128)).astype(mx.bfloat16)
        k = mx.random.normal((1, 8, L, 128)).astype(mx.bfloat16); v = mx.random.normal((1, 8, L, 128)).astype(mx.bfloat16)
        mx.eval(q, k, v)
        ref = mx.fast.scaled_dot_product_attention(q, k, v, scale=scale)
        err = mx.abs(lean(q, k, v, scale=scale) - ref).max().item()
        calls = {"sdpa": lambda: mx.fast.scaled_dot_product_attention(q, k, v, scale=scale),
                 "program function": lambda: bp.qwen3_custom_gqa_attention(q, k, v, scale=scale),
                 "lean wrapper": lambda: lean(q, k, v, scale=scale)}
        print(f"round {rep} L={L}: lean max error vs SDPA {err:.4f}; " + "; ".join(f"{n} {us(fn):.2f} us" for n, fn in calls.items()), flush=True)
