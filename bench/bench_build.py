"""Benchmark `sitegen build`: cold build and no-change rebuild, real site and a SYNTHETIC one (medians)."""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from synthetic import write_synthetic_project

ROOT = Path(__file__).resolve().parent.parent
SITEGEN = [sys.executable, "-m", "sitegen", "build", "--project"]
EPOCH = "1767225600"  # fixed build date, as in the tests: output must not depend on the clock
TARGETS = {"real": (15.0, 2.0), "synthetic": (40.0, 2.0)}  # cold, rebuild seconds (issue's targets, 2 cores)


@dataclass
class Result:
    """One site's medians."""

    pages: int
    charts: int
    cold: float
    rebuild: float
    forced: float
    identical: bool


def copy_project(src: Path, dest: Path) -> Path:
    """A buildable copy (data, content, settings) without build/ or .cache/, as tests/conftest.py makes."""
    dest.mkdir(parents=True)
    for name in ("datapackages", "content"):
        if (src / name).is_dir():
            shutil.copytree(src / name, dest / name)
    shutil.copy(src / "sitegen.toml", dest / "sitegen.toml")
    return dest


def build(project: Path, *flags: str) -> tuple[float, int, int]:
    """Wall seconds, pages and charts of `sitegen build` in a fresh process (as a user runs it)."""
    env = os.environ | {"SOURCE_DATE_EPOCH": EPOCH}
    start = time.perf_counter()
    done = subprocess.run([*SITEGEN, str(project), *flags], env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    found = re.search(r"(?:Built|Up to date:) (\d+) pages and (\d+) charts", done.stdout)
    if done.returncode or not found:
        raise SystemExit(f"build of {project} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, int(found.group(1)), int(found.group(2))


def digest(folder: Path) -> str:
    """One hash over every file's path and bytes."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def measure(source: Path, work: Path, runs: int) -> Result:
    """Per run: a fresh copy (empty cache, no build/), a cold build, a rebuild of the same input (which finds
    nothing changed), and a forced rebuild that redoes every step with warm chart caches."""
    cold, rebuild, forced, identical = [], [], [], True
    pages = charts = 0
    for n in range(runs):
        project = copy_project(source, work / f"run-{n}")
        seconds, pages, charts = build(project)
        cold.append(seconds)
        first = digest(project / "build")
        rebuild.append(build(project)[0])
        identical &= digest(project / "build") == first
        forced.append(build(project, "--force")[0])
        identical &= digest(project / "build") == first
        shutil.rmtree(project)
    return Result(pages, charts, statistics.median(cold), statistics.median(rebuild), statistics.median(forced),
                  identical)


def report(name: str, result: Result) -> None:
    """One table row, with the targets."""
    cold_target, rebuild_target = TARGETS[name]
    label = "synthetic (SYNTHETIC)" if name == "synthetic" else "real site"
    ok = "yes" if result.cold <= cold_target and result.rebuild <= rebuild_target else "NO"
    print(f"{label:<22}{result.pages:>7}{result.charts:>8}{result.cold:>9.2f}{result.rebuild:>10.2f}"
          f"{result.forced:>9.2f}"
          f"{f'{cold_target:.0f} / {rebuild_target:.0f}':>10}{ok:>6}{'yes' if result.identical else 'NO':>11}",
          flush=True)


def main() -> None:
    """Print pages, charts and median seconds of cold builds and no-change rebuilds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per site; medians are printed")
    parser.add_argument("--sites", default="real,synthetic", help="comma-separated: real, synthetic")
    parser.add_argument("--years", type=int, default=10, help="financial years of SYNTHETIC figures")
    args = parser.parse_args()
    print(f"medians of {args.runs} runs; cold = empty .cache/ and no build/; rebuild = same input again; "
          f"forced = --force with warm caches; {os.cpu_count()} cores")
    print(f"{'site':<22}{'pages':>7}{'charts':>8}{'cold s':>9}{'rebuild s':>10}{'forced s':>9}{'target s':>10}"
          f"{'ok':>6}"
          f"{'identical':>11}")
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as tmp:
        work = Path(tmp)
        for name in args.sites.split(","):
            source = ROOT
            if name == "synthetic":  # SYNTHETIC figures for the 153 real councils: never in datapackages/
                source = write_synthetic_project(work / "synthetic-source", years=args.years)
            report(name, measure(source, work, args.runs))


if __name__ == "__main__":
    main()
