"""Session 27, round 3: write diagnostic cuts of best_program_cuda.py into a folder. Each cut stops the
one-block kernel's chain at one point: it writes a value that depends on everything computed so far
into the block's state and returns, so the output write stays. Wrong answers on purpose: for timing
the chain's parts only, never for the gates.

    python cuts.py best_program_cuda.py OUT_DIR     # writes cut_loads.py, cut_loop.py, cut_half_merge.py
    python cuts.py loads_first.py OUT_DIR PREFIX    # session 26's load order (round 4): PREFIXcut_loads.py, ...
"""
import sys
from pathlib import Path

# Everything the lane has computed, summed into the block's state (so nothing is dead code), then a
# barrier (the output loop reads state.sum) and return.
KEEP = """  {{
    float kept = {value};
    state.acc[threadIdx.x % STATE] = kept;
    if (threadIdx.x < HEADS) {{ state.sum[threadIdx.x] = 1.0f; state.max[threadIdx.x] = 0.0f; }}
    __syncthreads();
    return;
  }}
"""
LANE_STATE = "s.max[0] + s.max[1] + s.sum[0] + s.sum[1] + s.acc[0][0] + s.acc[0][1] + s.acc[0][2] + s.acc[0][3] + " \
             "s.acc[0][4] + s.acc[0][5] + s.acc[0][6] + s.acc[0][7] + s.acc[1][0] + s.acc[1][1] + s.acc[1][2] + " \
             "s.acc[1][3] + s.acc[1][4] + s.acc[1][5] + s.acc[1][6] + s.acc[1][7]"
FIRST_LOADS = "q[0][0] + q[1][7] + __uint_as_float(k_next[0].x ^ k_next[3].w ^ v_next[0].x ^ v_next[3].w)"
# name: (value kept, [(anchor, cut after the anchor?), ...]); the first anchor found in the program is used.
CUTS = {
    # after the queries and the first step's K/V loads have landed: in the shipped text right after
    # that load; in session 26's loads_first, where the queries are unpacked too, before the main loop
    "cut_loads": (FIRST_LOADS, [("    load_step(k_row, v_row, end - begin - half, k_next, v_next);\n", True),
                                ("  if (packed_rows) {\n    // The loads of the next step", False)]),
    # after the main loop: every row scored and added, before any merge
    "cut_loop": (LANE_STATE, [("  // The two half-warps of each warp (lanes i and i + 16 hold the same dims).\n", False)]),
    # after the half-warps' merge, before the warps' merge through shared memory
    "cut_half_merge": (LANE_STATE, [("  // The warps of the block, through shared memory.\n", False)]),
}


def main():
    program, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    prefix = sys.argv[3] if len(sys.argv) > 3 else ""
    source = program.read_text()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, (value, anchors) in CUTS.items():
        anchor, after = next((a, after) for a, after in anchors if source.count(a) == 1)
        cut = KEEP.format(value=value)
        text = source.replace(anchor, anchor + cut if after else cut + anchor)
        (out_dir / f"{prefix}{name}.py").write_text(text)
        print(out_dir / f"{prefix}{name}.py")


if __name__ == "__main__":
    main()
