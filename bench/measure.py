"""Run a command in its own process and measure it: wall time, CPU time and peak memory of that process tree."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class BenchError(Exception):
    """Something the benchmark ran failed: the benchmark fails too, rather than time a failing run."""


@dataclass(frozen=True)
class Sample:
    """One run: wall seconds, CPU seconds (user + sys, the process and the children it waited for), peak MB, and
    the machine's 1-minute load average as it ended (other people's work on a shared machine)."""

    wall: float
    cpu: float
    peak_mb: float
    load: float = 0.0

    def __add__(self, other: Sample) -> Sample:
        """Two runs one after the other: times add up, the peak and the load are the larger ones."""
        return Sample(self.wall + other.wall, self.cpu + other.cpu, max(self.peak_mb, other.peak_mb),
                      max(self.load, other.load))


@dataclass(frozen=True)
class Stats:
    """Median, min and max of each measure over several runs."""

    samples: tuple[Sample, ...]

    def of(self, name: str) -> tuple[float, float, float]:
        """(median, min, max) of wall, cpu, peak_mb or load."""
        values = [getattr(s, name) for s in self.samples]
        return statistics.median(values), min(values), max(values)

    def median(self, name: str) -> float:
        """The median of wall, cpu or peak_mb."""
        return self.of(name)[0]


def run(command: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[Sample, str]:
    """Run command to completion; its measures and output. A non-zero exit raises BenchError with the output.

    os.wait4 gives the rusage of this one child, which includes the grandchildren it waited for (chart
    workers): CPU time is theirs summed; ru_maxrss is the largest single process of the tree, not a sum.
    """
    with tempfile.TemporaryFile(mode="w+") as out:  # a file, not a pipe: a chatty child never blocks
        start = time.perf_counter()
        child = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if child.returncode:
        raise BenchError(f"`{' '.join(command)}` exited with {child.returncode}:\n{text[-4000:]}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.getloadavg()[0]), text


def machine() -> str:
    """CPU model, cores, memory, load and Python: what the figures were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    return (f"{cpu}, {os.cpu_count()} cores, {memory_mb() / 1024:.1f} GB memory; {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}; load average {load()}")


def memory_mb() -> float:
    """The machine's memory in MB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load() -> str:
    """The 1, 5 and 15 minute load averages (other people's work on a shared machine)."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())
