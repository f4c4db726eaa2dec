"""Benchmark `sitegen validate`: rows/s on the real data and on SYNTHETIC packages (medians)."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import write_synthetic_project

ROOT = Path(__file__).resolve().parent.parent
SITEGEN = [sys.executable, "-m", "sitegen", "validate"]


def time_validate(path: Path, runs: int) -> float:
    """Median wall seconds of `sitegen validate path` (a fresh process each time, as a user runs it)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*SITEGEN, str(path)], check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print a table of rows, median seconds and rows/s."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'data':<28}{'rows':>10}{'median s':>10}{'rows/s':>10}")
    real = sum(1 for p in (ROOT / "datapackages").glob("*/*.csv") for _ in p.open())
    seconds = time_validate(ROOT / "datapackages", args.runs)
    print(f"{'real datapackages/':<28}{real:>10}{seconds:>10.2f}{real / seconds:>10.0f}")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            project = write_synthetic_project(Path(tmp) / "project", rows=size)
            seconds = time_validate(project / "datapackages", 1 if size >= 1_000_000 else args.runs)
            print(f"{'synthetic (SYNTHETIC data)':<28}{size:>10}{seconds:>10.2f}{size / seconds:>10.0f}")


if __name__ == "__main__":
    main()
