"""Benchmark drawing the real site's charts: CPU a chart, as a build draws them and as they were drawn before.

A child process plans the real site's charts (as a build does), then draws every one of them in that one warm
process, job by job as a build's workers do: a shape's Vega compiled once a job, filled with each chart's data
(`sitegen.site.charts.draw.draw`). A job's CPU is shared equally among its charts. For comparison, in the same
process, the same charts drawn as before: each whole spec compiled and drawn by `vl_convert.vegalite_to_svg`.
Both must give the same SVGs. Run alone: `python bench/bench_charts.py`.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench_build import copy_project
from measure import BenchError, Sample, Stats, load, run
from report import Row, Target

if TYPE_CHECKING:
    from sitegen.site.charts.model import Chart

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_MS = 8.0  # the target: CPU a chart drawn


def rows(work: Path, source: Path = ROOT) -> list[Row]:
    """Two rows: CPU a chart drawn as a build draws it (with the issue's target), and as it was drawn before.
    The site is planned from a copy of the project in `work` (planning caches validation verdicts)."""
    project = copy_project(source, work / "charts-project")
    sample, out = run([sys.executable, str(HERE / "bench_charts.py"), "--child", str(project)], cwd=HERE)
    found = json.loads(out.strip().splitlines()[-1])
    if found["differ"]:
        raise BenchError(f"charts drawn from their shape's Vega differ from charts drawn whole: {found['differ']}")
    now, before = found["now_ms"], found["before_ms"]
    mean_now, mean_before = statistics.fmean(now), statistics.fmean(before)
    note = (f"{len(now)} charts; mean {mean_now:.1f} ms CPU a chart ({sum(now) / 1000:.1f} s), "
            f"{mean_before / mean_now:.2f}× faster than drawn whole; the child process: {sample.cpu:.0f} s CPU "
            f"with planning the site; load average {load()}")
    return [Row("real site, per chart drawn (ms CPU; a shape's Vega, filled)", per_chart(now), note,
                [Target(f"≤ {TARGET_MS:g} ms CPU a chart (mean)", mean_now, TARGET_MS, "ms")]),
            Row("real site, per chart drawn whole from Vega-Lite, as before (ms CPU)", per_chart(before),
                f"mean {mean_before:.1f} ms CPU a chart ({sum(before) / 1000:.1f} s)")]


def per_chart(ms: list[float]) -> Stats:
    """Each chart's CPU as a sample (the table's CPU column: median, min and max over the charts)."""
    return Stats(tuple(Sample(m / 1000, m / 1000, 0.0) for m in ms))


def child(project: Path) -> None:
    """Plan the project's charts, draw them both ways, print each chart's CPU in ms as one JSON line."""
    import vl_convert

    from sitegen.site.charts.draw import draw, draw_here, drawing_jobs
    from sitegen.site.charts.specs import Shape, spec_json

    charts = planned(project)
    templates: dict[Shape, str] = {}
    texts = {chart.id: spec_json(chart, templates) for chart in charts}
    jobs = drawing_jobs({chart.id: (chart, texts[chart.id]) for chart in charts}, templates, 1)

    def timed(job: tuple[list[str], tuple[str, list[dict[str, object]] | None]]) -> list[tuple[str, float, float]]:
        """Each chart of a job: whether both ways drew the same SVG, and its CPU ms each way (one after the other,
        so both are measured under the same load of a shared machine)."""
        start = time.process_time()  # the whole process: vl-convert draws in a thread of its own
        svgs = draw(job[1])
        now = (time.process_time() - start) * 1000 / len(job[0])
        out = []
        for key, svg in zip(job[0], svgs, strict=True):
            start = time.process_time()
            whole = str(vl_convert.vegalite_to_svg(json.loads(texts[key])))  # as before: a dict, compiled whole
            out.append((key if whole != svg else "", now, (time.process_time() - start) * 1000))
        return out

    drawn = [chart for job in draw_here(timed, jobs) for chart in job]
    print(json.dumps({"now_ms": [now for _, now, _ in drawn], "before_ms": [before for _, _, before in drawn],
                      "differ": [key for key, _, _ in drawn if key][:10]}))


def planned(project: Path) -> list[Chart]:
    """Every chart a build of the project draws, as the build plans them (nothing is written)."""
    from sitegen.build.pipeline import read_project
    from sitegen.build.session import Session
    from sitegen.config import load_config
    from sitegen.history.releases import load_history
    from sitegen.publish.extras import annotate, plan_publishing
    from sitegen.site.plan import plan_pages

    config = load_config(project)
    site, pages, rendered = read_project(config, Session())
    history = load_history(config)
    specs = plan_pages(site, pages, rendered)
    specs += plan_publishing(site, history, specs)
    annotate(specs, site, history)
    return [chart for page in specs for chart in page.charts]


if __name__ == "__main__":
    import tempfile

    if sys.argv[1:2] == ["--child"]:
        child(Path(sys.argv[2]))
    else:
        with tempfile.TemporaryDirectory(prefix="sitegen-bench-charts-") as tmp:
            for row in rows(Path(tmp)):
                print(f"{row.label}: {row.note}; " + "; ".join(t.verdict() for t in row.targets))
