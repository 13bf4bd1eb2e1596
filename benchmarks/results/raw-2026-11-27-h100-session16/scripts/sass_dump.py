"""Dump each kernel's SASS (NVRTC cubin for sm_90a through nvdisasm) of a program: /tmp/sass/<tag>.<kernel>.sass"""
import ctypes, sys, subprocess, os
sys.path.insert(0, ".")
import kernel_compile_check as kc
program, tag = sys.argv[1:3]
os.makedirs("/tmp/sass", exist_ok=True)
for launch in kc.capture_launches(program):
    with kc.nvrtc_program(launch.source, "sm_90a", []) as (nvrtc, prog, ok):
        assert ok, kc.program_log(nvrtc, prog)
        size = ctypes.c_size_t(); nvrtc.nvrtcGetCUBINSize(prog, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value); nvrtc.nvrtcGetCUBIN(prog, buf)
    kind = "cluster" if "cluster" in launch.name else "one_block"
    cubin = f"/tmp/sass/{tag}.{kind}.cubin"
    open(cubin, "wb").write(buf.raw)
    sass = subprocess.run(["/tmp/nvd/x/nvidia/cu13/bin/nvdisasm", "-c", "-hex", cubin], capture_output=True, text=True).stdout
    open(f"/tmp/sass/{tag}.{kind}.sass", "w").write(sass)
    print(tag, kind, launch.name, len(sass.splitlines()))
