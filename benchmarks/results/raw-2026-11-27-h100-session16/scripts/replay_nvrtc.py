"""Session 16: compile again, here, what MLX handed NVRTC on the device (a dump_nvrtc.c record), with
this machine's NVRTC and the program's included kernel file rebuilt from the program itself.
    python runs/s16/replay_nvrtc.py RECORD PROGRAM OUT.cubin [--name FILE_NAME.cu]
Include paths of the device map to this machine: the MLX CUDA wheel's include/ ($MLX_INCLUDE) and the
nvidia-cuda wheels' include/ (for /usr/local/cuda/include)."""
import argparse, ctypes, hashlib, importlib.util, os, re, sys
from pathlib import Path
sys.path.insert(0, ".")
import kernel_compile_check as kc


def read_record(path):
    data, parts, i = Path(path).read_bytes(), [], 0
    while i < len(data):
        m = re.match(rb"@@ (\w+) (\d+)\n", data[i:])
        what, n = m.group(1).decode(), int(m.group(2))
        start = i + m.end()
        parts.append((what, data[start:start + n]))
        i = start + n + 1
    return parts


def included_files(program):
    """{path: text} of every kernel file the program's `included` writes (path as on the device)."""
    spec = importlib.util.spec_from_file_location("program", program)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {"qwen3_gqa_decode_one_block": module.header(module.ONE_BLOCK_WARPS, cluster=True) + module.ONE_BLOCK_KERNEL,
            "qwen3_gqa_decode_cluster": module.header(module.WARPS, cluster=True) + module.CLUSTER_KERNEL}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("record"); ap.add_argument("program"); ap.add_argument("out")
    ap.add_argument("--name", help="compile under this file name instead of the recorded one")
    ap.add_argument("--verbose", action="store_true", help="print ptxas's register and spill report")
    ap.add_argument("--maxrregcount", type=int, help="cap registers lower than the block size does")
    args = ap.parse_args()
    parts = read_record(args.record)
    name = args.name or next(v for k, v in parts if k == "name").decode()
    source = next(v for k, v in parts if k == "source").decode()
    headers = [v for k, v in parts if k == "header"]
    include_names = [v for k, v in parts if k == "include_name"]
    # the program's kernel file of the same kind (cluster, one-block, ...) as the recorded one
    recorded = re.search(r'#include "(/[^"]+\.cuh)"', source).group(1)
    files = included_files(args.program)
    kind = re.search(r"custom_kernel_(\w+?)_[0-9a-f]+\.cu", name).group(1)
    text = files[kind]
    path = f"{Path(recorded).parent}/{hashlib.sha256(text.encode()).hexdigest()[:24]}.cuh"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text)
    source = source.replace(recorded, path)
    if not args.name:  # MLX's name: the kernel and std::hash of the source (not reproducible here)
        name = re.sub(r"_[0-9a-f]+\.cu$", "_" + hashlib.sha256(source.encode()).hexdigest()[:16] + ".cu", name) \
            if path != recorded else name
    # on the device itself: NVRTC_LIB_DIR=/usr/local/cuda/targets/x86_64-linux/lib, no include mapping
    lib_dir = Path(os.environ["NVRTC_LIB_DIR"]) if "NVRTC_LIB_DIR" in os.environ else kc.find_nvrtc() / "lib"
    mapping = {} if "NVRTC_LIB_DIR" in os.environ else {
        "/root/site/mlx/include": os.environ.get("MLX_INCLUDE", "/tmp/mlxwhl/mlx/include"),
        "/usr/local/cuda/include": str(kc.find_nvrtc() / "include")}
    options = []
    for k, v in parts:
        if k == "option":
            o = v.decode()
            for old, new in mapping.items():
                o = o.replace(old, new)
            options.append(o)
    builtins = sorted(lib_dir.glob("libnvrtc-builtins.so.*"))[0]
    ctypes.CDLL(str(builtins), mode=ctypes.RTLD_GLOBAL)
    nvrtc = ctypes.CDLL(str(lib_dir / "libnvrtc.so.13"))
    prog = ctypes.c_void_p()
    H = ctypes.c_char_p * len(headers)
    assert nvrtc.nvrtcCreateProgram(ctypes.byref(prog), source.encode(), name.encode(), len(headers),
                                    H(*headers), H(*include_names)) == 0
    if args.verbose:
        options.append("--ptxas-options=-v")
    if args.maxrregcount:
        options.append(f"--maxrregcount={args.maxrregcount}")
    # as MLX does (jit_module.cpp): the kernel's name expression, so that its lowered name can be asked
    kernel = "mlx::core::cu::" + re.search(r"__global__ void (\w+)", source + text).group(1)
    assert nvrtc.nvrtcAddNameExpression(prog, kernel.encode()) == 0
    argv = (ctypes.c_char_p * len(options))(*[o.encode() for o in options])
    rc = nvrtc.nvrtcCompileProgram(prog, len(options), argv)
    if rc != 0:
        sys.exit(kc.program_log(nvrtc, prog))
    size = ctypes.c_size_t(); nvrtc.nvrtcGetCUBINSize(prog, ctypes.byref(size))
    buf = ctypes.create_string_buffer(size.value); nvrtc.nvrtcGetCUBIN(prog, buf)
    Path(args.out).write_bytes(buf.raw)
    report = kc.program_log(nvrtc, prog) if args.verbose else ""
    spills = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores", report)
    registers = re.search(r"Used (\d+) registers", report)
    print(Path(args.program).stem, Path(args.out).name, size.value,
          *(f"registers {registers.group(1)} stack {spills.group(1)} spill_stores {spills.group(2)}".split()
            if spills and registers else []))


if __name__ == "__main__":
    main()
