"""Benchmark what a fresh process does (issue 24): Jinja's CPU per page of the real site, rendered as the build
renders it (recording what each page reads), and `sitegen build` with nothing changed: its CPU and the libraries it
loads (none of charts, data frames or validation may be).

As a module: rows(). As a script: `python bench/bench_render.py PROJECT [--untraced]` renders every page of PROJECT
and prints {"pages": {template: [CPU seconds per page, ...]}} as JSON on its last line (run by rows() in its own
process); --untraced renders without recording reads.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from measure import BenchError, Sample, Stats, run
from report import Row, Target

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EPOCH = "1767225600"  # as bench_build: the output must not depend on the clock
PER_PAGE_MS, NO_CHANGE_S = 3.0, 0.2  # the targets
HEAVY = ("altair", "vl_convert", "polars", "frictionless", "pandas", "numpy", "jinja2", "pyarrow", "markdown")
# sitegen build in a fresh process, printing at exit the modules it loaded (as JSON, on the last line)
WATCHED = ("import atexit, json, runpy, sys\n"
           "atexit.register(lambda: print(json.dumps(sorted(sys.modules))))\n"
           "sys.argv = ['sitegen', *sys.argv[1:]]\n"
           "runpy.run_module('sitegen', run_name='__main__')\n")


def render_times(project: Path, traced: bool = True) -> dict[str, list[float]]:
    """CPU seconds of each page's rendering, by its template, as the build renders it (in this process); traced
    false renders without recording reads, to tell how much of the time the record's tracing takes."""
    from sitegen.build.pipeline import read_project
    from sitegen.build.reuse.record import TracingEnvironment
    from sitegen.build.session import Session
    from sitegen.config import load_config
    from sitegen.history.releases import load_history
    from sitegen.publish.datasets import about_packages
    from sitegen.publish.extras import annotate, last_changed, plan_publishing
    from sitegen.publish.jsonld import describe_pages
    from sitegen.site.plan import plan_pages
    from sitegen.site.render import make_env, render_page

    config = load_config(project)
    site, pages, rendered = read_project(config, Session())
    history = load_history(config)
    site.updated = last_changed(site, history)
    specs = plan_pages(site, pages, rendered)
    specs += plan_publishing(site, history, specs)  # every page a build renders, planned as the pipeline plans them
    annotate(specs, site, history)
    describe_pages(specs, about_packages(site, history), site)
    for spec in specs:  # a measure's rankings and maps, made at its first page's render, are planning: made
        spec.whole_context()  # before the clock starts, as they were when every page was planned ahead
    env = make_env(config, TracingEnvironment)
    for names in sorted({tuple(spec.templates) for spec in specs}):
        env.select_template(list(names))  # compiled once per build (a page's own template, else its kind's)
    times: dict[str, list[float]] = {}
    enabled = gc.isenabled()
    gc.disable()  # as `sitegen build` renders (sitegen.cli): with the collector on, its collections fell on a few
    try:  # pages (one of 0.3 s on the real site), pauses the build never has
        for spec in specs:
            env.reads = set() if traced else None  # as the build does: every read of the model recorded
            started = time.process_time()
            render_page(env, spec, site)
            times.setdefault(spec.templates[-1], []).append(time.process_time() - started)
    finally:
        if enabled:
            gc.enable()
    return times


def render_row(project: Path, runs: int) -> Row:
    """Jinja on every page of the project, in a process of its own: CPU per page, over all pages and by template."""
    samples: list[Sample] = []
    means: list[float] = []
    found: dict[str, list[float]] = {}
    for _ in range(runs):
        sample, out = run([sys.executable, str(HERE / "bench_render.py"), str(project)], env=build_env())
        found = json.loads(out.strip().splitlines()[-1])["pages"]
        every = [t for ts in found.values() for t in ts]
        samples.append(sample)
        means.append(1000 * sum(every) / len(every))
    kinds = {name: 1000 * statistics.mean(ts) for name, ts in found.items()}
    costliest = max(found.items(), key=lambda kv: sum(kv[1]))
    every = sorted(t for ts in found.values() for t in ts)
    note = (f"{len(every):,} pages: {statistics.median(means):.2f} ms CPU a page (mean; median page "
            f"{1000 * statistics.median(every):.2f} ms); by template, mean {min(kinds.values()):.2f}–"
            f"{max(kinds.values()):.2f} ms (median {statistics.median(kinds.values()):.2f}); costliest: "
            f"{costliest[0]}, {len(costliest[1])} pages, {sum(costliest[1]):.2f} s; the columns are the whole process, "
            "reading the data included; issue: 7.9 ms")
    return Row("real site, Jinja rendering of every page", Stats(tuple(samples)), note,
               [Target(f"≤ {PER_PAGE_MS:g} ms CPU a page", statistics.median(means), PER_PAGE_MS, "ms")])


def build_env() -> dict[str, str]:
    """The environment of a build: a fixed date."""
    return os.environ | {"SOURCE_DATE_EPOCH": EPOCH}


def no_change_row(project: Path, runs: int) -> Row:
    """`sitegen build` of an already built project, in a fresh process: CPU, and which libraries it loaded."""
    samples: list[Sample] = []
    loaded: set[str] = set()
    for _ in range(runs):
        sample, out = run([sys.executable, "-c", WATCHED, "build", "--project", str(project)], env=build_env())
        if "Up to date: " not in out:
            raise BenchError(f"a build of {project} with nothing changed did not find it up to date:\n{out[-2000:]}")
        modules = json.loads(out.strip().splitlines()[-1])
        loaded |= {m.split(".")[0] for m in modules if m.split(".")[0] in HEAVY}
        samples.append(sample)
    stats = Stats(tuple(samples))
    note = (f"loads {', '.join(sorted(loaded))}" if loaded else f"loads none of {', '.join(HEAVY)}") + \
        "; issue: 0.20 s"
    return Row("real site, nothing changed (imports checked)", stats, note,
               [Target(f"≤ {NO_CHANGE_S:g} s CPU", stats.median("cpu"), NO_CHANGE_S, "s"),
                Target("no heavy library loaded", len(loaded), 0, "libraries")])


def rows(work: Path, runs: int = 3, built: Path | None = None) -> list[Row]:
    """Both rows for the real site; built: a copy of it already built (else one is copied and built here)."""
    project = built
    if project is None:
        project = work / "render-real"
        project.mkdir(parents=True)
        for name in ("datapackages", "content"):
            shutil.copytree(ROOT / name, project / name)
        shutil.copy(ROOT / "sitegen.toml", project / "sitegen.toml")
        run([sys.executable, "-m", "sitegen", "build", "--project", str(project)], env=build_env())
    return [render_row(project, runs), no_change_row(project, runs)]


if __name__ == "__main__":
    print(json.dumps({"pages": render_times(Path(sys.argv[1]), "--untraced" not in sys.argv[2:])}))
