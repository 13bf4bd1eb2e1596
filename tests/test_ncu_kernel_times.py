"""benchmarks/ncu_kernel_times.py: GPU time per kernel from Nsight Compute's CSV."""

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from ncu_kernel_times import kernel_times_us, table  # noqa: E402

HEADER = ('"ID","Process ID","Process Name","Host Name","Kernel Name","Context","Stream","Block Size","Grid Size",'
          '"Device","CC","Section Name","Metric Name","Metric Unit","Metric Value"')


def row(i, kernel, unit, value, metric="gpu__time_duration.sum"):
    return (f'"{i}","7","python3","host","{kernel}","1","13","(512, 1, 1)","(8, 1, 1)","0","9.0",'
            f'"Command line profiler metrics","{metric}","{unit}","{value}"')


def test_times_per_kernel_in_microseconds_after_the_programs_own_lines():
    text = "\n".join(["| shape | SDPA build / eval us |", "==PROF== Connected to process 7", HEADER,
                      row(0, "decode_one_block", "nsecond", "3,500"), row(1, "sdpa_vector", "usecond", "2.25"),
                      row(2, "decode_one_block", "nsecond", "4,500"),
                      row(3, "decode_one_block", "nsecond", "9", metric="sm__cycles_elapsed.avg")])
    times = kernel_times_us(text)
    assert times == {"decode_one_block": [3.5, 4.5], "sdpa_vector": [2.25]}
    assert "| decode_one_block | 2 | 4.00 |" in table(times)


def test_a_file_without_the_csv_or_with_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="no ncu CSV header"):
        kernel_times_us("==PROF== No kernels were profiled.")
    with pytest.raises(ValueError, match="unknown unit 'cycle'"):
        kernel_times_us("\n".join([HEADER, row(0, "k", "cycle", "9")]))
