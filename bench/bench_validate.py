"""Benchmark `sitegen validate` against the frictionless CLI on the same SYNTHETIC files, in the same run."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from measure import BenchError, Sample, Stats, memory_mb, run
from report import Row, Target

HERE = Path(__file__).resolve().parent
RATE, RATIO, PEAK_MB = 500_000, 20.0, 600.0  # the targets for 1M rows


def sitegen_validate(project: Path) -> Sample:
    """`sitegen validate` of every package of a project (its own settings); it must find no problem."""
    sample, out = run([sys.executable, "-m", "sitegen", "validate", "--project", str(project)])
    if "no problems" not in out:
        raise BenchError(f"sitegen validate --project {project} did not report valid data:\n{out[-2000:]}")
    return sample


def frictionless_validate(folder: Path) -> Sample:
    """`frictionless validate` of each package descriptor in folder, one after the other: their sum."""
    total = Sample(0.0, 0.0, 0.0)
    for descriptor in sorted(folder.glob("*/datapackage.json")):
        total += run([str(Path(sys.executable).with_name("frictionless")), "validate", str(descriptor)])[0]
    return total


def rows(sizes: Sequence[int] = (100_000, 1_000_000), runs: int = 3, big_runs: int = 3,
         work: Path | None = None) -> list[Row]:
    """The validation rows of `make bench`: for each size, both validators on one SYNTHETIC project (a million rows
    or more are measured big_runs times: each frictionless run takes about a minute)."""
    if work is None:
        with tempfile.TemporaryDirectory(prefix="sitegen-bench-validate-") as tmp:
            return rows(sizes, runs, big_runs, Path(tmp))
    return [row for size in sizes for row in measure_rows(size, runs if size < 1_000_000 else big_runs, work)]


def measure_rows(rows: int, runs: int, work: Path) -> list[Row]:
    """Both validators on one SYNTHETIC project of `rows` figures, alternating, `runs` times each."""
    project = synthetic_project(work / f"validate-{rows}", rows)
    ours, theirs = [], []
    for n in range(runs):
        ours.append(sitegen_validate(project))
        theirs.append(frictionless_validate(project / "datapackages"))
        print(f"  validate {rows:,} rows, run {n + 1}/{runs}: sitegen {ours[-1].cpu:.1f} s CPU, frictionless "
              f"{theirs[-1].cpu:.1f} s CPU", file=sys.stderr, flush=True)
    ours_stats, theirs_stats = Stats(tuple(ours)), Stats(tuple(theirs))
    return [validate_row(rows, ours_stats, theirs_stats), frictionless_row(rows, theirs_stats)]


def synthetic_project(dest: Path, rows: int) -> Path:
    """Write the SYNTHETIC project in a child process, so this process stays small.

    Linux counts the size of the parent at fork in each child's ru_maxrss: generating a million rows here made
    every measured process (sitegen and frictionless alike) report this process's ~950 MB as its peak.
    """
    code = ("import sys; from pathlib import Path; from synthetic import write_synthetic_project; "
            "write_synthetic_project(Path(sys.argv[1]), rows=int(sys.argv[2]))")
    subprocess.run([sys.executable, "-c", code, str(dest), str(rows)], cwd=HERE, check=True)
    return dest


def validate_row(rows: int, ours: Stats, theirs: Stats) -> Row:
    """sitegen's row: rows/s by CPU and wall time, times faster than frictionless, and the issue's targets."""
    rate = rows / ours.median("cpu")
    ratio = theirs.median("cpu") / ours.median("cpu")
    note = (f"{rate:,.0f} rows/s CPU, {rows / ours.median('wall'):,.0f} rows/s wall; "
            f"{ratio:.2f}× frictionless (CPU)")
    targets = []
    if rows == 1_000_000:
        targets = [Target(f"≥ {RATE:,} rows/s", rate, RATE, "rows/s", at_least=True),
                   Target(f"≥ {RATIO:g}× frictionless", ratio, RATIO, "×", at_least=True),
                   Target(f"≤ {PEAK_MB:g} MB", ours.of("peak_mb")[2], PEAK_MB, "MB")]
    elif rows > 1_000_000:
        targets = [Target("within the machine's memory", ours.of("peak_mb")[2], memory_mb(), "MB")]
    return Row(f"`sitegen validate`, {rows:,} SYNTHETIC rows", ours, note, targets)


def frictionless_row(rows: int, theirs: Stats) -> Row:
    """The reference: the frictionless CLI on the same files."""
    return Row(f"`frictionless validate`, same {rows:,} rows", theirs,
               f"{rows / theirs.median('cpu'):,.0f} rows/s CPU; one process per package, summed")
