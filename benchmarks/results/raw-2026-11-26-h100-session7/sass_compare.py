"""SASS of the cluster kernel of each program, compiled here with NVRTC 13.0.88 (requirements-test.txt) for
sm_90a and disassembled by nvdisasm (pip download nvidia-cuda-nvdisasm==13.2.51, unzipped to /tmp/nvdx), symbol
names normalised; the first program against the others. Run from the repository root:
    python sass_compare.py runs/split32k/best_program_cuda_v0.py runs/split32k/best_program_cuda_inline.py ...
"""
import ctypes, re, subprocess, sys, tempfile, hashlib
sys.path.insert(0, '/work/main')
import kernel_compile_check as kcc
NVDISASM = '/tmp/nvdx/nvidia/cu13/bin/nvdisasm'

def cubin(source):
    with kcc.nvrtc_program(source, 'sm_90a', []) as (nvrtc, program, ok):
        assert ok, kcc.program_log(nvrtc, program)
        size = ctypes.c_size_t(); nvrtc.nvrtcGetCUBINSize(program, ctypes.byref(size))
        buf = ctypes.create_string_buffer(size.value); nvrtc.nvrtcGetCUBIN(program, buf)
        return buf.raw

def sass(source):
    with tempfile.NamedTemporaryFile(suffix='.cubin') as f:
        f.write(cubin(source)); f.flush()
        out = subprocess.run([NVDISASM, '-c', f.name], capture_output=True, text=True, check=True).stdout
    # instruction lines only, without addresses/comments: /*0010*/  INSTR ;
    lines = [re.sub(r'/\*[0-9a-f]+\*/', '', l).split(';')[0].strip() for l in out.splitlines() if re.match(r'\s*/\*[0-9a-f]{4,}\*/', l)]
    return [l for l in lines if l]

progs = sys.argv[1:]
res = {}
for p in progs:
    launches = {l.name: l.source for l in kcc.capture_launches(p)}
    name = [n for n in launches if 'cluster' in n][0]
    s = sass(launches[name])
    # names of symbols differ: normalise anything that looks like a mangled name
    norm = [re.sub(r'_Z\w+|custom_kernel_\w+', 'SYM', l) for l in s]
    res[p] = norm
    print(p.split('/')[-1], name, len(s), hashlib.sha1('\n'.join(norm).encode()).hexdigest()[:12])
base = res[progs[0]]
import difflib
for p in progs[1:]:
    d = [l for l in difflib.unified_diff(base, res[p], lineterm='', n=0) if l[:1] in '+-' and not l.startswith(('+++', '---'))]
    print(p.split('/')[-1], 'differs in', len(d), 'lines'); print('\n'.join(d[:12]))
