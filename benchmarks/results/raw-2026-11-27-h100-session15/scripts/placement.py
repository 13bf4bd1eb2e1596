"""Does the 32K kernel's fast/slow state follow where K/V sit in memory? One process, one program text:
a padding allocation of P MiB is made before each length-32768 measurement (kernel_benchmark.measure,
28 layers, SDPA interleaved), kept alive while it runs, then freed with MLX's cache."""
import sys

import mlx.core as mx

import kernel_benchmark as kb
from attention_hook import install_sdpa_guard, load_program

program, rounds = sys.argv[1], int(sys.argv[2])
pads_mib = [0, 1, 2, 3, 4, 8, 16, 64, 256]
guard = install_sdpa_guard()
attentions = {"sdpa": guard._real_sdpa, "program": load_program(program)}
print(mx.device_info().get("device_name", ""), mx.__version__, program, flush=True)
for r in range(rounds):
    for pad_mib in pads_mib if r % 2 == 0 else pads_mib[::-1]:
        pad = mx.zeros((pad_mib << 19,), dtype=mx.bfloat16) if pad_mib else None
        if pad is not None:
            mx.eval(pad)
        t = kb.measure(attentions, guard, 1, 32768, kb.LAYERS, 10)
        print(f"round {r} pad {pad_mib:4d} MiB: program {t['program'].eval_us:6.1f} us, sdpa {t['sdpa'].eval_us:6.1f} us",
              flush=True)
        del pad
        mx.clear_cache()
