"""Compile the cluster kernel of two programs with this machine's NVRTC (the nvidia wheel MLX uses)
to cubins for sm_90a and compare their machine code (.text), as MLX compiles them."""
import ctypes, hashlib, struct, sys, tempfile
from pathlib import Path
sys.path.insert(0, ".")
import kernel_compile_check as k

# the GPU machine: its nvidia/cu13 wheel lacks the CCCL headers, which its CUDA toolkit has
EXTRA = ["--include-path=/usr/local/cuda/include", "--include-path=/usr/local/cuda/include/cccl"] if Path("/usr/local/cuda/include").exists() else []

def cubin(source, name):
    root = k.find_nvrtc()
    with k.nvrtc_program(source, "sm_90a", EXTRA) as (nv, prog, ok):
        assert ok, k.program_log(nv, prog)
        n = ctypes.c_size_t(); nv.nvrtcGetCUBINSize(prog, ctypes.byref(n))
        b = ctypes.create_string_buffer(n.value); nv.nvrtcGetCUBIN(prog, b)
        major, minor = ctypes.c_int(), ctypes.c_int(); nv.nvrtcVersion(ctypes.byref(major), ctypes.byref(minor))
        return b.raw, f"{major.value}.{minor.value}", root

def text_sections(elf):
    shoff, = struct.unpack_from("<Q", elf, 0x28); shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
    secs = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    strtab = secs[shstrndx]
    name = lambda s: elf[strtab[4] + s[0]: elf.index(b"\0", strtab[4] + s[0])].decode()
    return {name(s): elf[s[4]: s[4] + s[5]] for s in secs if name(s).startswith(".text")}

out = {}
for prog in sys.argv[1:]:
    for launch in k.capture_launches(prog):
        elf, version, root = cubin(launch.source, launch.name)
        out.setdefault(launch.name, []).append(text_sections(elf))
print("NVRTC", version, "from", root)
for name, (a, b) in out.items():
    print(name, "machine code identical" if a == b else "machine code DIFFERS",
          {s: hashlib.sha1(v).hexdigest()[:10] for s, v in a.items()}, {s: hashlib.sha1(v).hexdigest()[:10] for s, v in b.items()})
