"""The bench's memory sampler (bench.run_all.TreeMemory) over a real process tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not an installed package

from bench.run_all import TreeMemory

# touches 60 MB of its own, starts itself once more as a child (argument "child"), and holds them for 2.5 s
HOLD = """
import subprocess, sys, time
held = bytearray(60 * 2**20)
held[::4096] = b"x" * len(held[::4096])
if sys.argv[1:] != ["child"]:
    subprocess.run([sys.executable, __file__, "child"], check=True)
else:
    time.sleep(2.5)
"""


def test_tree_memory_sums_the_rss_of_a_process_and_its_child_and_samples_their_pss(tmp_path):
    script = tmp_path / "hold.py"
    script.write_text(HOLD, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)])
    memory = TreeMemory(proc.pid, interval=0.1, pss_interval=0.5)
    assert proc.wait(timeout=30) == 0
    memory.stop()
    peaks = memory.peaks_mb()
    assert peaks["peak_rss_mb"] >= 120  # both processes' 60 MB at once
    assert 100 <= peaks["peak_pss_mb"] <= peaks["peak_rss_mb"]  # sampled less often, never above the RSS
    assert len(memory.cpu) == 2  # the parent and its child, each with its CPU seconds
