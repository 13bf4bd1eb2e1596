"""The programs of split32k.sh and fabric.sh (c10, c13), written to runs/split32k/ (run from the repository root
at the commit of the session 7 report). The inline program is `git show aeacafc:best_program_cuda.py`."""

import subprocess
from pathlib import Path

out = Path("runs/split32k")
out.mkdir(parents=True, exist_ok=True)
source = Path("best_program_cuda.py").read_text()
host_delay = ("    import time\n    started = time.perf_counter()\n"
              "    while time.perf_counter() - started < 2e-5:  # v4: 20 us more host time a call\n        pass\n")
entry = "def qwen3_custom_gqa_attention(queries, keys, values, scale=1.0, mask=None):\n"
variants = {
    "v0": ("", ""),
    "v1_name": ('name="qwen3_gqa_decode_cluster"', 'name="qwen3_gqa_decode_cluster_b"'),
    "v2_source_comment": ('source=f"cluster_kernel({call}, out);"', 'source=f"cluster_kernel({call}, out);  // b"'),
    "v3_file_comment": ("header=included(header(WARPS, cluster=True) + CLUSTER_KERNEL)",
                        'header=included("// b\\n" + header(WARPS, cluster=True) + CLUSTER_KERNEL)'),
    "v4_host_delay": (entry, entry + host_delay),
}
for name, (old, new) in variants.items():
    assert not old or source.count(old) == 1, name
    (out / f"best_program_cuda_{name}.py").write_text(source.replace(old, new) if old else source)
inline = subprocess.run(["git", "show", "aeacafc:best_program_cuda.py"], capture_output=True, text=True, check=True)
(out / "best_program_cuda_inline.py").write_text(inline.stdout)
