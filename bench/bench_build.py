"""Benchmark `sitegen build` on the real site and a SYNTHETIC one: cold, no change, forced, one figure changed."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from measure import BenchError, Sample, Stats, run
from report import Row, Target
from synthetic import change_one_figure

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1767225600"  # fixed build date, as in the tests: output must not depend on the clock
# (site, scenario) -> issue 24's target in CPU seconds; BEFORE: the issue's figure when it was filed
TARGETS = {("synthetic", "cold"): 40.0, ("synthetic", "one figure changed"): 2.0, ("real", "no change"): 0.2}
BEFORE = {("synthetic", "cold"): "issue: 195 s CPU", ("real", "one figure changed"): "issue: 0.25× forced (CPU)",
          ("synthetic", "one figure changed"): "issue: 68 s", ("real", "no change"): "issue: 0.20 s"}
# (site, scenario) -> issue 24's target as a fraction of a forced rebuild measured in the same run, CPU and wall
RATIOS = {("real", "one figure changed"): 0.10}


@dataclass(frozen=True)
class Built:
    """One build: its measures, pages and charts, and whether it found nothing to do."""

    sample: Sample
    pages: int
    charts: int
    up_to_date: bool
    kept: int = 0  # pages the dependency record found unchanged (copied, not rendered)


def copy_project(src: Path, dest: Path) -> Path:
    """A buildable copy (data, content, settings) without build/ or .cache/, as tests/conftest.py makes."""
    dest.mkdir(parents=True)
    for name in ("datapackages", "content"):
        if (src / name).is_dir():
            shutil.copytree(src / name, dest / name)
    shutil.copy(src / "sitegen.toml", dest / "sitegen.toml")
    return dest


def build(project: Path, *flags: str) -> Built:
    """`sitegen build` in a fresh process, as a user runs it; raises if it fails."""
    env = os.environ | {"SOURCE_DATE_EPOCH": EPOCH}
    sample, out = run([sys.executable, "-m", "sitegen", "build", "--project", str(project), *flags], env=env)
    found = re.search(r"(Built|Up to date:) (\d+) pages (?:\((\d+) of them unchanged, copied\) )?and (\d+) charts", out)
    if not found:
        raise BenchError(f"build of {project} printed no summary:\n{out}")
    return Built(sample, int(found.group(2)), int(found.group(4)), found.group(1) != "Built", int(found.group(3) or 0))


def digest(folder: Path) -> str:
    """One hash over every file's path and bytes."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def expect(built: Built, up_to_date: bool, what: str) -> Sample:
    """The sample, once the build did (or skipped) its work as the scenario means it to."""
    if built.up_to_date != up_to_date:
        raise BenchError(f"{what}: the build {'skipped' if built.up_to_date else 'redid'} its work")
    return built.sample


def measure_site(name: str, source: Path, work: Path, runs: int, cold_runs: int,
                 inspect: Callable[[Path], list[Row]] | None = None) -> list[Row]:
    """Cold builds of fresh copies; then, on the first copy, no-change, one-figure-changed and forced builds.

    inspect, if given, looks at the built site before the copy is deleted.
    """
    cold = cold_builds(name, source, work, cold_runs)
    project = work / f"{name}-0"
    first = digest(project / "build")
    unchanged = [expect(build(project), True, "no change") for _ in range(runs)]
    changed, rendered = one_figure_changed(project, runs)
    restored = digest(project / "build") == first
    forced = [expect(build(project, "--force"), False, "forced") for _ in range(runs)]
    identical = digest(project / "build") == first
    extra = inspect(project / "build") if inspect else []
    shutil.rmtree(project)
    one = scenario_row(name, "one figure changed", changed, f"{rendered:,} of {cold[0].pages:,} pages rendered again; "
                       f"edits undone, then output byte-identical to the cold build: {'yes' if restored else '**NO**'}")
    if (name, "one figure changed") in RATIOS:
        one.targets += ratio_targets(Stats(tuple(changed)), Stats(tuple(forced)), RATIOS[name, "one figure changed"])
    return [
        scenario_row(name, "cold", [c.sample for c in cold], f"{cold[0].pages:,} pages, {cold[0].charts:,} charts"),
        scenario_row(name, "no change", unchanged, "nothing rebuilt"),
        one,
        scenario_row(name, "forced", forced, "`--force`, warm caches; output byte-identical: "
                     + ("yes" if identical else "**NO**")),
    ] + extra


def cold_builds(name: str, source: Path, work: Path, runs: int) -> list[Built]:
    """Builds of fresh copies (no .cache/, no build/); the first copy is kept for the other scenarios."""
    out = []
    for n in range(runs):
        project = copy_project(source, work / f"{name}-{n}")
        out.append(build(project))
        progress(f"{name} cold build {n + 1}/{runs}", out[-1].sample)
        if n:
            shutil.rmtree(project)
    return out


def one_figure_changed(project: Path, runs: int) -> tuple[list[Sample], int]:
    """Builds after changing one figure's value (+1, then -1, ...), and the most pages one rendered again."""
    samples, rendered = [], 0
    for n in range(runs):
        change_one_figure(project, n)
        built = build(project)
        samples.append(expect(built, False, "one figure changed"))
        rendered = max(rendered, built.pages - built.kept)
    if runs % 2:
        change_one_figure(project, runs)
        build(project)
    return samples, rendered


def progress(what: str, sample: Sample) -> None:
    """A line on stderr while a long benchmark runs."""
    print(f"  {what}: {sample.cpu:.2f} s CPU, {sample.wall:.2f} s wall, {sample.peak_mb:.0f} MB", file=sys.stderr,
          flush=True)


def ratio_targets(changed: Stats, forced: Stats, limit: float) -> list[Target]:
    """The changed build's medians as fractions of the forced rebuild's, CPU and wall, each against limit."""
    return [Target(f"≤ {limit:.2f}× forced ({what}: {changed.median(name) / forced.median(name):.2f}×)",
                   changed.median(name) / forced.median(name), limit, "×")
            for name, what in (("cpu", "CPU"), ("wall", "wall"))]


def scenario_row(site: str, scenario: str, samples: list[Sample], note: str) -> Row:
    """A table row, judged on median CPU time (the machine is shared, so wall time is noisy)."""
    stats = Stats(tuple(samples))
    label = f"{'real' if site == 'real' else 'SYNTHETIC'} site, {scenario}"
    before = BEFORE.get((site, scenario))
    targets = []
    if (site, scenario) in TARGETS:
        limit = TARGETS[site, scenario]
        targets.append(Target(f"≤ {limit:g} s CPU", stats.median("cpu"), limit, "s"))
    return Row(label, stats, note + (f"; {before}" if before else ""), targets)
