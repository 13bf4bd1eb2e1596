"""benchmarks/loaded_images.c: the LD_PRELOAD shim of `gpu_session.sh images`, against a stand-in libcuda
loaded the way MLX's is (by a library that Python opens with RTLD_LOCAL)."""

import shutil
import struct
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")

FAKE_CUDA = "int cuModuleLoadDataEx(void **m, const void *image, unsigned n, void *o, void **v) { *m = 0; return 7; }\n"
CALLER = """int cuModuleLoadDataEx(void **m, const void *image, unsigned n, void *o, void **v);
int load(const void *image) { void *m; return cuModuleLoadDataEx(&m, image, 0, 0, 0); }
"""
RUN = """import ctypes, sys
caller = ctypes.CDLL(sys.argv[1])  # RTLD_LOCAL, as Python loads MLX
for image in (sys.argv[2].encode(), bytes.fromhex(sys.argv[3])):
    print(caller.load(ctypes.c_char_p(image)))
"""


def cubin_header(section_table_at, sections):
    """A 64-bit ELF header whose section table ends at section_table_at + sections * 64 bytes."""
    header = bytearray(64)
    header[:4] = b"\x7fELF"
    header[4] = 2  # 64-bit
    struct.pack_into("<QHH", header, 0x28, section_table_at, 0, 64)  # e_shoff; e_flags, e_ehsize unused
    struct.pack_into("<HHHH", header, 0x36, 0, 0, 64, sections)  # e_phentsize, e_phnum, e_shentsize, e_shnum
    return bytes(header)


def build(tmp_path):
    cc = ["cc", "-O2", "-shared", "-fPIC"]
    (tmp_path / "fake_cuda.c").write_text(FAKE_CUDA)
    (tmp_path / "caller.c").write_text(CALLER)
    subprocess.run(cc + ["-Wl,-soname,libcuda.so.1", "-o", tmp_path / "libcuda.so.1", tmp_path / "fake_cuda.c"], check=True)
    subprocess.run(cc + ["-o", tmp_path / "libcaller.so", tmp_path / "caller.c", f"-L{tmp_path}", "-l:libcuda.so.1",
                         f"-Wl,-rpath,{tmp_path}"], check=True)
    subprocess.run(cc + ["-o", tmp_path / "shim.so", ROOT / "benchmarks" / "loaded_images.c", "-ldl"], check=True)


def test_every_image_is_written_whole_and_still_loaded(tmp_path):
    build(tmp_path)
    images = tmp_path / "images"
    images.mkdir()
    ptx = "// a PTX module\n.version 8.8\n"
    cubin = cubin_header(section_table_at=64, sections=2) + bytes(range(128)) + b"after the image"
    run = subprocess.run([sys.executable, "-c", RUN, tmp_path / "libcaller.so", ptx, cubin.hex()],
                         env={"LD_PRELOAD": str(tmp_path / "shim.so"), "LOADED_IMAGES_DIR": str(images)},
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["7", "7"]  # the real cuModuleLoadDataEx ran, its result passed on
    written = sorted(images.iterdir())
    assert [p.suffix for p in written] == [".ptx", ".cubin"]
    assert written[0].read_text() == ptx
    assert written[1].read_bytes() == cubin[:64 + 2 * 64]  # up to the end of its section table


def test_without_a_folder_it_only_loads(tmp_path):
    build(tmp_path)
    run = subprocess.run([sys.executable, "-c", RUN, tmp_path / "libcaller.so", "ptx", cubin_header(64, 0).hex()],
                         env={"LD_PRELOAD": str(tmp_path / "shim.so")}, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.split() == ["7", "7"], run.stderr
