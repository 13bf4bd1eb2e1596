import ctypes, sys, subprocess, collections, re
sys.path.insert(0, ".")
import kernel_compile_check as kc
program = sys.argv[1]
for launch in kc.capture_launches(program):
    if "cluster" not in launch.name: continue
    with kc.nvrtc_program(launch.source, "sm_90a", []) as (nvrtc, prog, ok):
        assert ok, kc.program_log(nvrtc, prog)
        size = ctypes.c_size_t(); nvrtc.nvrtcGetCUBINSize(prog, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value); nvrtc.nvrtcGetCUBIN(prog, buf)
    out = f"/tmp/{sys.argv[2]}.cubin"; open(out, "wb").write(buf.raw)
    sass = subprocess.run(["/tmp/nvd/x/nvidia/cu13/bin/nvdisasm", "-c", out], capture_output=True, text=True).stdout
    open(f"/tmp/{sys.argv[2]}.sass", "w").write(sass)
    ops = [m.group(1).split(".")[0] for m in re.finditer(r"/\*[0-9a-f]{4,}\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_.]+)", sass)]
    print(launch.name, len(ops), collections.Counter(ops).most_common(12))
