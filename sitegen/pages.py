"""Plan every page (and its charts) from the model, then render them with Jinja2."""

from __future__ import annotations

import hashlib
import json
import re
import traceback
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

import sitegen
from sitegen import fmt
from sitegen.charts import Chart, Point
from sitegen.config import Config
from sitegen.content import CONTENT_PAGES, Page
from sitegen.data import Package
from sitegen.errors import Problem, ProblemsFound, problem
from sitegen.model import TOPICS, Council, Figure, Site
from sitegen.narrative import council_narrative
from sitegen.readers import display

BUILTIN_TEMPLATES = Path(sitegen.__file__).resolve().parent.parent / "templates"


@dataclass
class PageSpec:
    """One HTML page to write: where, which templates (specific first), what it shows."""

    path: str  # e.g. "councils/cambridgeshire/index.html"
    templates: list[str]
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    description: str = ""


def make_env(config: Config) -> jinja2.Environment:
    """Project templates override built-in ones; `default:NAME` always reaches the built-in."""
    builtin = jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES))
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(config.root / config.templates_dir)),
        jinja2.PrefixLoader({"default": builtin}, delimiter=":"),
        builtin,
    ])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals |= {"fmt": fmt, "TOPICS": TOPICS, "link": link, "asset": asset}
    env.filters["slug"] = lambda s: re.sub(r"[^a-z0-9]+", "-", str(s).lower()).strip("-")
    return env


@jinja2.pass_context
def link(context: Any, path: str) -> str:
    """A relative link to a page folder, ending in index.html so it also works from disk."""
    return f"{context['root']}{path}index.html" if path.endswith("/") or not path else f"{context['root']}{path}"


@jinja2.pass_context
def asset(context: Any, path: str) -> str:
    """A relative link to a file of the site."""
    return f"{context['root']}{path}"


def root_for(path: str) -> str:
    """`../../` for councils/x/index.html."""
    return "../" * path.count("/")


def time_points(figures: list[Figure]) -> tuple[Point, ...]:
    """Figures as chart points by period."""
    return tuple(Point(f.period_label, f"{f.period_end}|{f.period_start}", series_name(f), f.value, f.unit,
                       f.qualifier, f.status, f.claimant) for f in figures)


def years_covered(f: Figure) -> int:
    """Whole years a figure's period spans (0 for a day, 1 for a year or less)."""
    return round((f.period_end - f.period_start).days / 365.25)


def series_name(f: Figure) -> str:
    """The measure's label, marked when the figure is a total over several years."""
    years = years_covered(f)
    return f"{f.measure.label} (total over {years} years)" if years > 1 else f.measure.label


def council_charts(council: Council) -> list[tuple[str, Chart]]:
    """(topic heading, chart) per topic and unit with figures; multi-year totals on a chart of their own."""
    out = []
    key = lambda f: (list(TOPICS).index(f.measure.topic), f.unit, years_covered(f) > 1)  # noqa: E731
    for (rank, unit, totals), group in groupby(sorted(council.figures, key=key), key=key):
        topic = list(TOPICS)[rank]
        qualifiers = ([unit] if unit != "GBP" else []) + (["totals over several years"] if totals else [])
        title = f"{TOPICS[topic]}: {council.short_name}" + (f" ({', '.join(qualifiers)})" if qualifiers else "")
        chart_id = f"council-{council.slug}-{topic}-{unit.lower()}" + ("-totals" if totals else "")
        out.append((TOPICS[topic], Chart(chart_id, title, "time", time_points(list(group)))))
    return out


def key_figures(council: Council) -> list[Figure]:
    """The latest figure of each measure, NHS debt first: what a reader looks for."""
    latest: dict[str, Figure] = {}
    for f in council.figures:
        if f.measure.id not in latest or f.period_end > latest[f.measure.id].period_end:
            latest[f.measure.id] = f
    return sorted(latest.values(), key=lambda f: (list(TOPICS).index(f.measure.topic), f.measure.label))[:6]


def measure_charts(site: Site) -> dict[str, list[Chart]]:
    """Per measure, a comparison across councils for each period with figures (England's totals stay in tables)."""
    out: dict[str, list[Chart]] = {}
    for m in site.measures:
        local = [f for f in m.figures if f.area is not site.england]
        in_order = sorted(local, key=lambda f: (f.period_end, f.period_label))
        by_period = groupby(in_order, key=lambda f: f.period_label)
        out[m.id] = [
            Chart(f"measure-{m.id}-{re.sub(r'[^a-z0-9]+', '-', label.lower())}", f"{m.label}, {label}", "compare",
                  tuple(Point(f.area.short_name, f.area.short_name, "", f.value, f.unit, f.qualifier, f.status,
                              f.claimant) for f in figures))
            for label, figures in ((label, list(g)) for label, g in by_period)
        ]
    return out


def plan_pages(site: Site, pages: dict[str, Page], rendered: dict[str, Markup]) -> list[PageSpec]:
    """Every page of the site, in a stable order."""
    specs = [PageSpec("index.html", ["home.html"], site.config.title, {"map": england_map(site)},
                      description=site.config.description)]
    for c in site.councils:
        charts = council_charts(c)
        specs.append(PageSpec(
            f"councils/{c.slug}/index.html", [f"council-{c.slug}.html", "council.html"], c.name,
            {"council": c, "chart_groups": charts, "narrative": council_narrative(c), "key_figures": key_figures(c),
             "written": rendered.get(f"councils/{c.slug}")},
            [chart for _, chart in charts], f"Care funding figures for {c.name}, each with its source."))
    specs.append(PageSpec("councils/index.html", ["councils.html"], "All councils"))
    specs.append(PageSpec("councils/england/index.html", ["england.html"], "England: national figures",
                          {"council": site.england}))
    for i in site.icbs:
        specs.append(PageSpec(f"icbs/{i.slug}/index.html", ["icb.html"], i.name, {"icb": i}))
    specs.append(PageSpec("icbs/index.html", ["icbs.html"], "Integrated Care Boards"))
    by_measure = measure_charts(site)
    for m in site.measures:
        specs.append(PageSpec(f"measures/{m.id}/index.html", ["measure.html"], m.label,
                              {"measure": m, "charts": by_measure[m.id]}, by_measure[m.id], m.definition))
    specs.append(PageSpec("measures/index.html", ["measures.html"], "Measures"))
    specs += dataset_pages(site)
    specs.append(PageSpec("sources/index.html", ["sources.html"], "Sources"))
    local = [m for m in site.measures if any(f.area is not site.england for f in m.figures)]
    specs.append(PageSpec("coverage/index.html", ["coverage.html"], "Coverage: what is known and what is missing",
                          {"columns": local}))
    for name in CONTENT_PAGES:
        if name in rendered:
            page = pages[name]
            specs.append(PageSpec(f"{name}/index.html", ["page.html"], str(page.meta.get("title", name.title())),
                                  {"body": rendered[name]}, description=str(page.meta.get("description", ""))))
    specs.append(PageSpec("404.html", ["404.html"], "Page not found"))
    return specs


def dataset_pages(site: Site) -> list[PageSpec]:
    """A page per package and per resource."""
    specs = [PageSpec("data/index.html", ["datasets.html"], "Data")]
    for name, package in sorted(site.packages.packages.items()):
        title = str(package.descriptor.get("title", name))
        specs.append(PageSpec(f"data/{name}/index.html", ["dataset.html"], title,
                              {"package": package, "jsonld": dataset_jsonld(package, site)},
                              description=str(package.descriptor.get("description", ""))[:300]))
        for rname, resource in sorted(package.resources.items()):
            digest = hashlib.sha256(resource.path.read_bytes()).hexdigest()
            specs.append(PageSpec(f"data/{name}/{rname}/index.html", ["resource.html"],
                                  f"{resource.descriptor.get('title', rname)} ({title})",
                                  {"package": package, "resource": resource, "sha256": digest}))
    return specs


def dataset_jsonld(package: Package, site: Site) -> Markup:
    """schema.org Dataset from datapackage.json, safe inside a script data block."""
    d = package.descriptor
    base = f"{site.config.base_url}data/{package.name}/"
    body = {
        "@context": "https://schema.org", "@type": "Dataset", "name": d.get("title", package.name),
        "description": d.get("description", ""), "url": base,
        "license": [x.get("path") for x in d.get("licenses", []) if x.get("path")],
        "creator": {"@type": "Organization", "name": site.config.title},
        "dateModified": site.updated.isoformat(),
        "distribution": [{"@type": "DataDownload", "encodingFormat": "text/csv",
                          "contentUrl": f"{base}{r.path.name}"} for r in package.resources.values()],
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def england_map(site: Site) -> dict[str, Any]:
    """Projected points for the England map: councils with figures filled, the rest hollow."""
    placed = [(c, c.latitude, c.longitude) for c in site.councils]
    located = [(c, lat, lon) for c, lat, lon in placed if lat is not None and lon is not None]
    if not located:
        return {"points": [], "width": 0, "height": 0}
    lat0 = 52.8
    points = [c for c, _, _ in located]
    xs = [lon * 0.6 for _, _, lon in located]  # cos(52.8°) ≈ 0.6: keeps the shape of England
    ys = [-lat for _, lat, _ in located]
    scale = 400 / (max(xs) - min(xs) or 1)
    out = [{"x": round((x - min(xs)) * scale + 10, 1), "y": round((y - min(ys)) * scale + 10, 1),
            "has": bool(c.figures), "name": c.short_name} for c, x, y in zip(points, xs, ys, strict=True)]
    return {"points": out, "width": 420, "height": round((max(ys) - min(ys)) * scale + 20), "lat0": lat0,
            "with": sum(p["has"] for p in out), "without": sum(not p["has"] for p in out)}


def figure_ref(site: Site, figure_id: str, root: str) -> str:
    """HTML for a `{{ figure:ID }}` shortcode: the value, linked to its row."""
    figure = next(f for f in site.figures if f.id == figure_id)
    href = f"{root}councils/{figure.area.slug}/index.html#figure-{figure.id}"
    return str(Markup('<a class="figref" href="{}">{}</a>').format(href, figure.value_text))


def render_page(env: jinja2.Environment, spec: PageSpec, site: Site, svgs: dict[str, str]) -> str:
    """One page's HTML."""
    # 404.html is served at any depth, so its links are absolute paths under the published base URL
    root = (urlsplit(site.config.base_url).path or "/") if spec.path == "404.html" else root_for(spec.path)
    canonical = site.config.base_url + spec.path.removesuffix("index.html")
    try:
        template = env.select_template(spec.templates)
        return template.render(site=site, config=site.config, root=root, canonical=canonical, page=spec,
                               title=spec.title, description=spec.description or site.config.description,
                               svgs=svgs, **spec.context)
    except Exception as exc:  # noqa: BLE001 - any error in a template is the template's, reported as one
        raise ProblemsFound([template_problem(exc, spec.templates)],
                            f"a template failed while rendering {spec.path}: nothing was published") from None


def template_problem(exc: Exception, names: list[str]) -> Problem:
    """The template file and line an error arose at, from the error or from jinja's rewritten traceback."""
    path, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not path:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml"))]
        path, line = (display(Path(frames[-1].filename)), frames[-1].lineno) if frames else (names[-1], 0)
    if isinstance(exc, jinja2.TemplateNotFound):
        wanted = " or ".join(str(t) for t in exc.templates)
        return problem("template", f"no template named {wanted}", path, line or 0, "template", exc.name)
    message = getattr(exc, "message", None) or str(exc)
    return problem("template", f"{type(exc).__name__}: {message}", display(Path(path)), line or 0)
