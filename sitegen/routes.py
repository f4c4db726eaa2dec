"""Plan every page of the site (where it goes, which templates, what it shows), in a stable order."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from sitegen.charts import Chart
from sitegen.content import CONTENT_PAGES, Page
from sitegen.englandmap import england_map
from sitegen.jsonld import dataset_jsonld
from sitegen.model import Council, Site
from sitegen.narrative import council_narrative
from sitegen.views import council_charts, key_figures, measure_charts


@dataclass
class PageSpec:
    """One HTML page to write: where, which templates (specific first), what it shows."""

    path: str  # e.g. "councils/cambridgeshire/index.html"
    templates: list[str]
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    description: str = ""


def root_for(path: str) -> str:
    """`../../` for councils/x/index.html."""
    return "../" * path.count("/")


def plan_pages(site: Site, pages: dict[str, Page], rendered: dict[str, Markup]) -> list[PageSpec]:
    """Every page of the site, in a stable order."""
    specs = [PageSpec("index.html", ["home.html"], site.config.title, {"map": england_map(site)},
                      description=site.config.description)]
    specs += [council_page(c, rendered.get(f"councils/{c.slug}")) for c in site.councils]
    specs.append(PageSpec("councils/index.html", ["councils.html"], "All councils"))
    specs.append(PageSpec(f"councils/{site.england.slug}/index.html", ["england.html"], "England: national figures",
                          {"council": site.england}))
    specs += [PageSpec(f"icbs/{i.slug}/index.html", ["icb.html"], i.name, {"icb": i}) for i in site.icbs]
    specs.append(PageSpec("icbs/index.html", ["icbs.html"], "Integrated Care Boards"))
    specs += measure_pages(site)
    specs += dataset_pages(site)
    specs.append(PageSpec("sources/index.html", ["sources.html"], "Sources"))
    local = [m for m in site.measures if any(f.area is not site.england for f in m.figures)]
    specs.append(PageSpec("coverage/index.html", ["coverage.html"], "Coverage: what is known and what is missing",
                          {"columns": local}))
    specs += content_pages(pages, rendered)
    specs.append(PageSpec("404.html", ["404.html"], "Page not found"))
    return specs


def council_page(c: Council, written: Markup | None) -> PageSpec:
    """A council's page: identity, narrative, written background, key figures, charts."""
    charts = council_charts(c)
    return PageSpec(
        f"councils/{c.slug}/index.html", [f"council-{c.slug}.html", "council.html"], c.name,
        {"council": c, "chart_groups": charts, "narrative": council_narrative(c), "key_figures": key_figures(c),
         "written": written},
        [chart for _, chart in charts], f"Care funding figures for {c.name}, each with its source.")


def measure_pages(site: Site) -> list[PageSpec]:
    """A page per measure, with its comparison charts, then the list of measures."""
    by_measure = measure_charts(site)
    specs = [PageSpec(f"measures/{m.id}/index.html", ["measure.html"], m.label,
                      {"measure": m, "charts": by_measure[m.id]}, by_measure[m.id], m.definition)
             for m in site.measures]
    return specs + [PageSpec("measures/index.html", ["measures.html"], "Measures")]


def content_pages(pages: dict[str, Page], rendered: dict[str, Markup]) -> list[PageSpec]:
    """About, methodology: written pages with a place on the site."""
    return [PageSpec(f"{name}/index.html", ["page.html"], str(pages[name].meta.get("title", name.title())),
                     {"body": rendered[name]}, description=str(pages[name].meta.get("description", "")))
            for name in CONTENT_PAGES if name in rendered]


def dataset_pages(site: Site) -> list[PageSpec]:
    """A page per package and per resource."""
    specs = [PageSpec("data/index.html", ["datasets.html"], "Data")]
    for name, package in sorted(site.packages.packages.items()):
        title = str(package.descriptor.get("title", name))
        specs.append(PageSpec(f"data/{name}/index.html", ["dataset.html"], title,
                              {"package": package, "jsonld": dataset_jsonld(package, site)},
                              description=str(package.descriptor.get("description", ""))[:300]))
        for rname, resource in sorted(package.resources.items()):
            specs.append(PageSpec(f"data/{name}/{rname}/index.html", ["resource.html"],
                                  f"{resource.descriptor.get('title', rname)} ({title})",
                                  {"package": package, "resource": resource,
                                   "sha256": hashlib.sha256(resource.raw).hexdigest()}))
    return specs
