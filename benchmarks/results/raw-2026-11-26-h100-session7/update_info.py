import json, math, statistics as st
R = "benchmarks/results/raw-2026-11-26-h100-session7"
info = json.load(open("best_program_cuda_info.json"))
r1 = lambda x: round(x, 1)
r3 = lambda x: round(x, 3)

info["how_obtained"] = (
    "written by hand from initial_program_cuda.py; WARPS, UNROLL, HEADS_PER_BLOCK, BLOCKS_PER_SM and SPLIT_FROM picked by "
    "benchmarks/pick_kernel_settings.py from a sweep of 19 variants (session 5); in session 6, by hand: ONE_BLOCK_WARPS 8 "
    "from Nsight Compute GPU times and ONE_BLOCK_UNTIL 512 from timing 256, 512 and 1024 with the 8-warp blocks (c18); "
    "in session 7, by hand: the kernels' code reaches NVRTC through a file the header includes (`included`), so that the "
    "source MLX rebuilds and hashes on every call is one line. No LLM evolution run produced it.")
info["measured"] = ("2026-11-26, session 7, after the change to `included` (the kernels' machine code is session 6's). "
                    "Kernel table, gates, evaluation, end to end and A/A: session 7. The one-block threshold: session 6.")
info["report"] = "benchmarks/results/2026-11-26-h100-session7.md"
info["card"] = "NVIDIA H100 80GB HBM3 (81559 MiB, driver 580.159.04), machines of one GPU and 16 host cores"

aa = json.load(open(f"{R}/c5/aa_lockstep.json"))
info["noise_warning"] = (
    "A/A on this session's machine (c5, 9 lockstep pairs, the evaluator's median estimator): 0.970, 95 % interval "
    "0.922-1.021; a pair's log geomean had a standard deviation of 0.066 (session 6's machine: 0.18). A single "
    "process still runs whole generations slow (a per-benchmark A/A ratio of 0.59 in one pair, 1.69 in another), so one "
    "pair's end-to-end score is mostly noise; the end-to-end intervals below span 1 on 5 of 6 benchmarks.")

k = json.load(open(f"{R}/c4/kernel_all_best_program_cuda.json"))
rows = [{"shape": r["shape"], "sdpa_build_us": r1(r["sdpa"]["build_us"]), "sdpa_eval_us": r1(r["sdpa"]["eval_us"]),
         "program_build_us": r1(r["program"]["build_us"]), "program_eval_us": r1(r["program"]["eval_us"]),
         "speedup": r3(r["speedup"]), "kv_gb_per_s": round(r["kv_gb_per_s"]), "pct_copy_bandwidth": r1(r["pct_copy_bandwidth"])}
        for r in k["rows"]]
decode = {r["k_len"]: r["speedup"] for r in k["rows"] if r["q_len"] == 1}
info["kernel_microbenchmark"] = {
    "command": "python kernel_benchmark.py --program best_program_cuda.py --lengths all (c4)",
    "source": f"{R}/c4/kernel_all_best_program_cuda.json", "repeats": k["repeats"], "copy_gb_per_s": round(k["copy_gb_per_s"]),
    "decode_speedup_geomean_L256_to_32K": r3(math.exp(st.mean(math.log(decode[L]) for L in (256, 1024, 4096, 16384, 32768)))),
    "min_decode_speedup_L1_to_32K": r3(min(decode.values())), "rows": rows}

pairs = {}
for side, pattern in (("now", "best_program_cuda_{}.json"), ("inline", "best_program_cuda_inline_{}.json")):
    pairs[side] = [json.load(open(f"{R}/ab/" + pattern.format(i))) for i in range(1, 6)]
by_length = []
for j, row in enumerate(pairs["now"][0]["rows"]):
    now = [p["rows"][j]["speedup"] for p in pairs["now"]]
    inline = [p["rows"][j]["speedup"] for p in pairs["inline"]]
    by_length.append({"k_len": row["k_len"], "speedup_median": r3(st.median(now)), "speedup_range": [r3(min(now)), r3(max(now))],
                      "inline_speedup_median": r3(st.median(inline)), "inline_speedup_range": [r3(min(inline)), r3(max(inline))]})
geo = lambda p: math.exp(st.mean(math.log(r["speedup"]) for r in p["rows"] if r["k_len"] in (256, 1024, 4096, 16384, 32768)))
bw32 = lambda p: [r["pct_copy_bandwidth"] for r in p["rows"] if r["k_len"] == 32768][0]
info.pop("against_previous_settings", None)
info["against_inline_source"] = {
    "what": "the same kernels with their code inline in the per-call source (commit aeacafc, session 6's program)",
    "command": "bash runs/hostcost/experiment.sh a; bash runs/hostcost/experiment.sh b (c2, c3; the script is in the raw folder): "
               "5 pairs of alternating fresh processes of kernel_benchmark.py --lengths 1,8,64,128,255,256,512,1024,4096,16384,32768 "
               "--no-prefill --repeats 30 --copy-mib 1024",
    "source": f"{R}/ab/",
    "speedup_over_sdpa_by_length": by_length,
    "geomean_L256_to_32K_per_process": {"now": [r3(geo(p)) for p in pairs["now"]], "inline": [r3(geo(p)) for p in pairs["inline"]]},
    "pct_copy_bandwidth_32K_per_process": {"now": [r1(bw32(p)) for p in pairs["now"]], "inline": [r1(bw32(p)) for p in pairs["inline"]]},
    "min_speedup_L1_to_255_per_process": {
        side: [r3(min(r["speedup"] for r in p["rows"] if r["k_len"] <= 255)) for p in pairs[side]] for side in pairs}}

info["gpu_time_nsight_compute"] = {
    "command": "bash benchmarks/gpu_session.sh gputime 1,128,32768 best_program_cuda.py (c2); bash runs/hostcost/ncu32k.sh (c8)",
    "L1_us": {"one_block_kernel": 5.09, "sdpa_vector_kernel": 5.60},
    "L128_us": {"one_block_kernel": 6.08, "sdpa_vector_kernel": 8.64},
    "L32768_us": {"cluster_kernel_3_processes": [52.38, 52.19, 52.19], "inline_program_cluster_kernel_3_processes": [57.70, 57.22, 57.33],
                  "sdpa_cudnn_flash_kernel": 58.1, "sdpa_cudnn_reduction_kernel": 4.42},
    "note": "the two cluster kernels are the same machine code, and the inline program's took 52.3 us in session 6: which of "
            "the two times (52 or 57 us) a program gets is not decided by its code; the cause is unknown (report, section 4)",
    "sources": f"{R}/ab/gputime/*.md, {R}/ncu32k/*.md"}

info["correctness"] = {
    "command": "bash benchmarks/gpu_session.sh gates best_program_cuda.py (c3)", "source": f"{R}/ab/correctness.log",
    "cases": 20, "worst_error_share_of_tolerance": 0.25, "logits_error": 0.0115, "sdpa_logits_error": 0.0117,
    "memcheck": "compute-sanitizer: no invalid access"}

e = json.load(open(f"{R}/c4/evaluate_best_program_cuda.json"))
m = e["metrics"]
ceilings = {key.split(" | ")[-1]: v for key, v in json.load(open(f"{R}/c4/ceilings.json")).items()}
info["end_to_end"] = {
    "command": "bash benchmarks/gpu_session.sh evaluate best_program_cuda.py (c4)", "source": f"{R}/c4/evaluate_best_program_cuda.json",
    "benchmarks": "quick", "pairs": 1, "design": "lockstep, 1 warm-up pair discarded (the evolution default on a GPU)",
    "combined_score": r3(e["combined_score"]), "ci_95": None, "eval_seconds": round(m["eval_seconds"]),
    "kernel_gate": {"decode_speedup_geomean_L128_to_32K": r3(m["kernel_decode_speedup"]),
                    "pct_copy_bandwidth_32K": r1(m["kernel_pct_copy_bandwidth_longest"])},
    "per_benchmark": [{"benchmark": b, "speedup": r3(m[f"speedup_{b}"]), "ceiling": r3(ceilings[b]["speedup"]),
                       "ceiling_ci_95": [r3(x) for x in ceilings[b]["ci"]], "ceiling_pairs": ceilings[b]["pairs"]}
                      for b in e["benchmarks"]]}

def suite(path, command, design):
    f = json.load(open(path))
    return {"command": command, "source": path, "pairs": f["pairs"], "design": design, "wall_s": round(f["wall_s"]),
            "combined_score": r3(f["geomean_speedup"]),
            "ci_95": None if f["pairs"] < 2 else [r3(f["ci_low"]), r3(f["ci_high"])],
            "per_benchmark": [{"benchmark": b["benchmark"], "baseline_tok_s": r1(b["baseline_decode_tps"]),
                               "candidate_tok_s": r1(b["candidate_decode_tps"]), "speedup": r3(b["speedup"]),
                               **({"ci_95": [r3(b["ci_low"]), r3(b["ci_high"])]} if f["pairs"] > 1 else {})}
                              for b in f["benchmarks"]]}

info["end_to_end_validation"] = {"benchmarks": "quick", **suite(f"{R}/c8/full.json",
    "bash benchmarks/gpu_session.sh full best_program_cuda.py 3 quick (c8)", "sequential, no warm-up pair")}
info["full_subset"] = {"benchmarks": "full (23)", **suite(f"{R}/c6/full.json",
    "bash benchmarks/gpu_session.sh full best_program_cuda.py 1 full (c6)", "sequential, no warm-up pair"),
    "note": "one pair: no interval; the only full-subset run of the program as it is now"}

geos = info["against_inline_source"]["geomean_L256_to_32K_per_process"]["now"]
bws = info["against_inline_source"]["pct_copy_bandwidth_32K_per_process"]["now"]
mins = info["against_inline_source"]["min_speedup_L1_to_255_per_process"]["now"]
info["targets_not_met"] = [
    f"kernel >= 2.5x SDPA over L = 256-32K: {info['kernel_microbenchmark']['decode_speedup_geomean_L256_to_32K']}x (c4), "
    f"{min(geos)}-{max(geos)}x over the 5 processes of c2-c3; a kernel at the no-op floor reading K/V at the copy bandwidth "
    "would reach 2.30x in this protocol (session 4 report, section 1)",
    f"never slower than SDPA at any L in every process: the slowest length at L <= 255 was {', '.join(map(str, mins))}x in the "
    "5 processes of c2-c3 (L = 1 median 0.96); c4's process was never slower (1.00-1.07 at L <= 255). On the GPU the kernel is "
    "faster than SDPA's there (5.09 against 5.60 us at L = 1); what is left is host time per call",
    ">= 60 % of the ceiling's gain on every quick benchmark: not measurable at this noise (one pair per evaluation; the 3-pair "
    "intervals span 0.38-3.70)",
    "full subset with intervals: one pair only (7 GPU minutes a pair)"]
info["targets_met"] = [
    f">= 80 % of the copy bandwidth at 32K: {min(bws)}-{max(bws)} % in the 5 processes of c2-c3 and 82.9 % in c4's kernel table; "
    f"the evaluator's kernel gate measured {r1(m['kernel_pct_copy_bandwidth_longest'])} % (10 repeats). Read with the 52/57 us "
    "split of gpu_time_nsight_compute: in the 57 us state the same kernel reads at about 75-80 %",
    "no 95 % interval wholly below 1.0 on any quick benchmark (3 sequential pairs, c8; the intervals are wide, so this says little)"]
info["known_risk"] = (
    "the one-launch kernel declares a Hopper cluster shape; MLX 0.32's CUDA graph cache can update a cached graph across kernels "
    "of different cluster shapes, which MLX's own source says goes wrong. Seen in a multi-program microbenchmark (H200, session 2); "
    "not seen in the correctness gate or in timed runs, which spot-check decode outputs against SDPA. Also: MLX keys a compiled "
    "kernel on its source, which names the included file but does not hold its code; the file's name is the code's hash, so a "
    "changed kernel is a new file and a new source.")
json.dump(info, open("best_program_cuda_info.json", "w"), indent=2)
open("best_program_cuda_info.json", "a").write("\n")

# c10, c11, c13: the two GPU-time states of the 32K cluster kernel
ab2 = {side: [json.load(open(f"{R}/c11-ab2/" + pattern.format(i))) for i in range(1, 4)]
       for side, pattern in (("now", "best_program_cuda_{}.json"), ("inline", "best_program_cuda_inline_{}.json"))}
sp32 = lambda p: [r["speedup"] for r in p["rows"] if r["k_len"] == 32768][0]
info["gpu_time_nsight_compute"]["L32768_us"] = {
    "machine_1_c2": {"cluster_kernel": 52.10, "inline_program_cluster_kernel": 57.06},
    "machine_2_c8": {"cluster_kernel": [52.38, 52.19, 52.19], "inline_program_cluster_kernel": [57.70, 57.22, 57.33]},
    "machine_3_c10": {"cluster_kernel": [57.34, 57.25], "inline_program_cluster_kernel": [52.06, 52.13]},
    "machine_4_c13": {"cluster_kernel": [57.92, 58.18], "inline_program_cluster_kernel": [53.62, 53.71]},
    "machine_5_c15": {"cluster_kernel": [58.18, 57.81], "inline_program_cluster_kernel": [53.86, 53.74]},
    "sdpa_cudnn_flash_kernel": "57.7-58.2 in every process", "sdpa_cudnn_reduction_kernel": 4.42}
info["gpu_time_nsight_compute"]["note"] = (
    "the 32K cluster kernel runs in one of two times, about 52 or 57 us. On a machine the time follows the program's CUDA "
    "text, not its machine code (a kernel name or a comment, with the same SASS, can move it: c10, sass_compare.txt), and the same text is fast on some machines "
    "and slow on others. In the slow state DRAM bytes are the same, 13 % more L2 sectors cross the fabric between the L2 "
    "partitions and the L2 hit rate is 13 % against 2 % (c13). Cause unknown (report, section 4).")
info["gpu_time_nsight_compute"]["command"] += ("; bash runs/split32k/split32k.sh (c10); bash runs/split32k/fabric.sh (c13); "
                                               "bash runs/split32k/stalls.sh (c15)")
info["gpu_time_nsight_compute"]["sources"] += f", {R}/c10-split32k/*.md, {R}/c13-fabric/*.txt, {R}/c15-stalls/*.txt"
info["slow_state_machine"] = {
    "what": "machine 3, where this program's 32K kernel was in the slow state and the inline program's in the fast one",
    "command": "3 alternating pairs, as against_inline_source (c11)", "source": f"{R}/c11-ab2/",
    "geomean_L256_to_32K_per_process": {side: [r3(geo(p)) for p in ab2[side]] for side in ab2},
    "speedup_32K_per_process": {side: [r3(sp32(p)) for p in ab2[side]] for side in ab2}}
info["kernel_microbenchmark"]["state_note"] = "machine 1, where the 32K kernel was in the fast state (52 us)"
info["targets_met"][0] = (
    f">= 80 % of the copy bandwidth at 32K: {min(bws)}-{max(bws)} % in the 5 processes of c2-c3 and 82.9 % in c4's kernel table "
    f"(fast state); the evaluator's kernel gate measured {r1(m['kernel_pct_copy_bandwidth_longest'])} % (10 repeats). In the slow "
    "state (machine 3, c11) 81.8-84.7 % of that machine's lower copy bandwidth (2640-2747 GB/s with --copy-mib 1024)")
json.dump(info, open("best_program_cuda_info.json", "w"), indent=2)
open("best_program_cuda_info.json", "a").write("\n")
