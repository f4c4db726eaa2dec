"""Charts: Altair specs, text descriptions and data tables; static SVG rendered at build time."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen import fmt
from sitegen.output import write_atomic

WIDTH = 560
PALETTE = ["#1d4f91", "#b4400b", "#2f6f3e", "#6b3fa0", "#8a5a00", "#a3195b"]  # AA on white
SPEC_VERSION = 3  # bump when spec() changes, so cached specs are rebuilt
QUALIFIER_WORDS = {"approximate": "approximate", "at_least": "at least", "range_lower_bound": "lower bound"}


@dataclass(frozen=True)
class Point:
    """One bar: a value for a category (a period, or an area) in a series."""

    category: str
    order: str
    series: str
    value: float
    unit: str
    qualifier: str = "exact"
    status: str = "reported"
    claimant: str = ""

    @property
    def value_text(self) -> str:
        """The value with its qualifier: `about £5.0m`."""
        return fmt.qualified(fmt.value(self.value, self.unit), self.qualifier)

    @property
    def shown(self) -> str:
        """The value as a reader should take it: `about £5.0m`, `£10.0m (claim by X)`."""
        return f"{self.value_text} (claim by {self.claimant})" if self.status == "claim" else self.value_text

    @property
    def status_text(self) -> str:
        """`reported`, or whose claim it is."""
        return f"claim by {self.claimant}" if self.status == "claim" else "reported"


@dataclass(frozen=True)
class Chart:
    """A chart and everything needed to show it without JavaScript."""

    id: str
    title: str
    kind: str  # "time" (by period) or "compare" (across areas)
    points: tuple[Point, ...]
    subject: str = ""  # e.g. "owed to Cambridgeshire", used in the description

    @property
    def unit(self) -> str:
        """The one unit of the chart."""
        return self.points[0].unit

    def ordered(self) -> list[Point]:
        """Points in display order."""
        if self.kind == "compare":
            return sorted(self.points, key=lambda p: (-p.value, p.category))
        return sorted(self.points, key=lambda p: (p.order, p.series, p.category))

    def scale(self) -> tuple[float, str]:
        """Divisor and axis title so money reads in £bn, £m or £k."""
        if self.unit != "GBP":
            return 1.0, "Per cent" if self.unit == "percent" else "Count"
        top = max(abs(p.value) for p in self.points)
        for divisor, title in ((1e9, "£ billion"), (1e6, "£ million"), (1e3, "£ thousand")):
            if top >= divisor:
                return divisor, title
        return 1.0, "£"

    def rows(self) -> list[dict[str, Any]]:
        """The chart's data as Vega-Lite values, scaled to the axis unit."""
        divisor, _ = self.scale()
        return [{"category": p.category, "series": p.series or self.title, "amount": round(p.value / divisor, 6),
                 "shown": p.value_text,
                 "kind": "claim" if p.status == "claim" else QUALIFIER_WORDS.get(p.qualifier, "reported")}
                for p in self.ordered()]

    def spec(self) -> dict[str, Any]:
        """A deterministic Vega-Lite spec built with Altair."""
        import altair as alt  # heavy: only on a spec-cache miss

        rows, (_, axis_title) = self.rows(), self.scale()
        order = list(dict.fromkeys(r["category"] for r in rows))
        series = sorted({r["series"] for r in rows})
        compare = self.kind == "compare"
        value = alt.X("amount:Q", title=axis_title) if compare else alt.Y("amount:Q", title=axis_title)
        category = (alt.Y("category:N", sort=order, title=None) if compare
                    else alt.X("category:N", sort=order, title="Period", axis=alt.Axis(labelAngle=0)))
        colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=series, range=PALETTE[: len(series)]),
                           legend=alt.Legend(orient="bottom") if len(series) > 1 else None)
        chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
            value, category, colour,
            opacity=alt.condition(alt.datum.kind == "reported", alt.value(1.0), alt.value(0.55)),
            tooltip=[alt.Tooltip("category:N", title="Area" if compare else "Period"),
                     alt.Tooltip("series:N", title="Measure"), alt.Tooltip("shown:N", title="Value"),
                     alt.Tooltip("kind:N", title="Status")])
        if not compare and len(series) > 1:
            chart = chart.encode(xOffset="series:N")
        chart = chart.properties(width=WIDTH - 160 if compare else WIDTH, title=self.title,
                                 height=max(120, 22 * len(order)) if compare else 260)
        # labelLimit 0: labels are shown whole (no council name cut short), and vl-convert, which reopens its
        # font file for every text measurement, no longer measures each label to truncate it: ~45% faster
        spec = chart.configure_axis(labelLimit=0).configure_legend(labelLimit=0).to_dict()
        spec.pop("$schema", None)
        return spec

    def spec_json(self) -> str:
        """The spec as canonical JSON (the SVG cache key and the file served to the browser)."""
        return json.dumps(self.spec(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def content_key(self) -> str:
        """A hash of everything the spec is made from, so an unchanged chart skips Altair entirely."""
        made_of = [SPEC_VERSION, library_version("altair"), self.title, self.kind, self.rows()]
        return hashlib.sha256(json.dumps(made_of, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def description(self) -> str:
        """What the chart shows, in words generated from its data."""
        return describe_compare(self) if self.kind == "compare" else describe_time(self)

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Headers and formatted rows of the chart's data."""
        first = "Area" if self.kind == "compare" else "Period"
        rows = [[p.category, p.series or self.title, p.value_text, p.status_text] for p in self.ordered()]
        return [first, "Measure", "Value", "Status"], rows


@functools.cache
def library_version(name: str) -> str:
    """An installed library's version, looked up once (it is part of every chart's cache key)."""
    return importlib.metadata.version(name)


def caveat(points: Sequence[Point]) -> str:
    """A closing sentence when some values are approximate or claims."""
    notes = []
    if any(p.qualifier != "exact" for p in points):
        notes.append("some values are approximate or minimums")
    if any(p.status == "claim" for p in points):
        notes.append("some are one side's claim")
    return f" Paler bars: {' and '.join(notes)}." if notes else ""


def when(category: str) -> str:
    """`at 31 March 2024` for a day, `in 2023-24` for a span."""
    day = category[:1].isdigit() and " " in category and " to " not in category
    return f"at {category}" if day else f"in {category}"


def describe_time(chart: Chart) -> str:
    """Per series: first and last value and the change between them."""
    sentences = []
    for series in sorted({p.series for p in chart.points}):
        pts = [p for p in chart.ordered() if p.series == series]
        name = series or chart.title
        first, last = pts[0], pts[-1]
        if len(pts) == 1:
            sentences.append(f"{name}: {first.shown} {when(first.category)}.")
            continue
        if first.value == last.value:
            sentences.append(f"{name} was {last.shown} both {when(first.category)} and {when(last.category)}.")
            continue
        verb = "rose" if last.value > first.value else "fell"
        sentences.append(
            f"{name} {verb} from {first.shown} {when(first.category)} to {last.shown} {when(last.category)}, "
            f"{fmt.change(first.value, last.value, first.unit)}, across {len(pts)} periods.")
    return " ".join(sentences) + caveat(chart.points)


def describe_compare(chart: Chart) -> str:
    """Highest, lowest and how many areas."""
    pts = chart.ordered()
    top, bottom = pts[0], pts[-1]
    if len(pts) == 1:
        return f"One area with a figure: {top.category}, {top.shown}." + caveat(pts)
    text = f"{len(pts)} areas with a figure. Highest: {top.category}, {top.shown}."
    text += f" Lowest: {bottom.category}, {bottom.shown}."
    return text + caveat(pts)


def chart_specs(charts: Sequence[Chart], cache_dir: Path) -> dict[str, str]:
    """Chart id -> spec JSON; built with Altair only for charts whose content is not in the cache."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    out = {}
    for chart in charts:
        path = cache_dir / f"{chart.content_key()}.vl.json"
        if not path.exists():
            write_atomic(path, chart.spec_json())
        out[chart.id] = path.read_text(encoding="utf-8")
    return out


def _render(spec_json: str) -> str:
    """Render one spec to SVG (runs in a worker process)."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(json.loads(spec_json)))


def render_svgs(specs: dict[str, str], cache_dir: Path, workers: int = 2) -> dict[str, str]:
    """Chart id -> SVG for each chart's spec JSON, cached by the spec's hash; misses rendered in processes."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    keys = {cid: hashlib.sha256(s.encode()).hexdigest() for cid, s in specs.items()}
    missing = sorted({keys[cid]: specs[cid] for cid in specs if not (cache_dir / f"{keys[cid]}.svg").exists()}.items())
    if len(missing) > 8 and workers > 1:
        # spawn, not fork: forking a process that has started threads can deadlock;
        # processes, not threads: vl-convert holds the GIL
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            rendered = list(pool.map(_render, [s for _, s in missing], chunksize=8))
    else:
        rendered = [_render(s) for _, s in missing]
    for (key, _), svg in zip(missing, rendered, strict=True):
        write_atomic(cache_dir / f"{key}.svg", svg)
    return {cid: (cache_dir / f"{keys[cid]}.svg").read_text(encoding="utf-8") for cid in specs}


ENHANCE = """
const figures = document.querySelectorAll("figure.chart[data-spec]");
figures.forEach(async (figure) => {
  const view = figure.querySelector(".chart-view");
  try {
    const response = await fetch(figure.dataset.spec, {credentials: "same-origin"});
    if (!response.ok) return;
    const spec = await response.json();
    const holder = document.createElement("div");
    // ast: expressions run in vega-embed's bundled interpreter, so the CSP needs no eval;
    // no injected <style> elements either (the CSP forbids them): site.css styles the tooltip
    await vegaEmbed(holder, spec, {renderer: "svg", actions: false, ast: true, defaultStyle: false,
                                   tooltip: {disableDefaultStyle: true}});
    view.replaceChildren(holder);
    figure.classList.add("chart-interactive");
  } catch (error) {
    // the static SVG stays: the enhancement is optional
    console.warn("chart enhancement skipped", error);
  }
});
"""


def script_assets(cache_dir: Path) -> dict[str, bytes]:
    """The progressive enhancement: vega-embed and our code, bundled, served from the site itself."""
    return {"static/js/charts.js": javascript_bundle(cache_dir).encode("utf-8")}


def javascript_bundle(cache_dir: Path) -> str:
    """vl-convert's bundle of ENHANCE, cached on disk: bundling takes a second and only changes with either."""
    version = library_version("vl-convert-python")
    key = hashlib.sha256(f"{version}\n{ENHANCE}".encode()).hexdigest()
    path = cache_dir / f"charts-{key}.js"
    if not path.exists():
        import vl_convert  # heavy: only on a cache miss

        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, vl_convert.javascript_bundle(snippet=ENHANCE))
    return path.read_text(encoding="utf-8")
