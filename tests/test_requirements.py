"""The requirements files: the CPU and CUDA files pin the same versions of everything but MLX's build."""

from conftest import ROOT


def requirement_lines(name):
    lines = [line.split("#")[0].strip() for line in (ROOT / name).read_text().splitlines()]
    return [line for line in lines if line]


def test_cpu_and_cuda_requirements_agree():
    cpu, cuda = requirement_lines("requirements.txt"), requirement_lines("requirements-cuda.txt")
    assert 'mlx==0.32.4 ; sys_platform == "darwin"' in cpu
    assert 'mlx[cpu]==0.32.4 ; sys_platform == "linux"' in cpu
    assert 'mlx[cuda13]==0.32.4 ; sys_platform == "linux"' in cuda
    assert [l for l in cpu if not l.startswith("mlx")] == [l for l in cuda if not l.startswith("mlx")]
    assert "mlx-lm==0.32.2" in cpu and "openevolve==0.4.1" in cpu
