"""The publishing loop on the site: the Changes page, recent changes, feeds, embeds, chart zips, framing rules."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sitegen.data import fmt
from sitegen.history.changelog import figure_words, release_summary
from sitegen.publish.downloads import deterministic_zip, figure_row, figures_csv
from sitegen.publish.feeds import areas, plan_feeds, render_feed
from sitegen.site.page import PageSpec

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from sitegen.build.reuse.cache import Made
    from sitegen.build.staging import Writer
    from sitegen.data.model import Figure, Site, Source
    from sitegen.history.diff import FigureChange
    from sitegen.history.releases import History, Release
    from sitegen.site.charts.model import Chart

RECENT = 5  # releases shown on a council page
MAX_ITEMS = 25  # figure changes listed per release before "and N more"


@dataclass(frozen=True)
class ChangeItem:
    """One figure's change, with what to link: its council's page and its measure's page (when they exist)."""

    area_name: str
    area_slug: str
    measure_id: str
    measure_label: str
    rest: str  # the words after the measure's label: ", 31 March 2024: changed, value £1 → £2."


@dataclass(frozen=True)
class ReleaseView:
    """A data release as a page shows it."""

    anchor: str
    day: date
    subject: str
    body: str
    summary: str
    items: tuple[ChangeItem, ...]
    more: int

    @property
    def date_text(self) -> str:
        """`25 November 2026`."""
        return fmt.long_date(self.day)


@dataclass(frozen=True)
class Publishing:
    """What every page shows of the publishing loop: its feeds, the data's last change, recent changes."""

    feeds: tuple[tuple[str, str], ...]  # (title, path within the site)
    last_changed: date
    recent: tuple[ReleaseView, ...] = ()
    history_missing: str = ""


def change_item(f: FigureChange, site: Site, labels: dict[str, str]) -> ChangeItem:
    """A figure change, linked to its council and measure where the site has them."""
    slugs = {a.code: a.slug for a in areas(site)}
    label = labels.get(f.measure, f.measure)
    return ChangeItem(f.area_name, slugs.get(f.area_code, ""), f.measure if f.measure in labels else "", label,
                      figure_words(f, labels).removeprefix(label))


def release_view(release: Release, site: Site, area_code: str = "") -> ReleaseView:
    """A release for the Changes page (every council) or for one council's page."""
    labels = {m.id: m.label for m in site.measures}
    figures = release.figures_for(area_code)
    items = tuple(change_item(f, site, labels) for f in figures[:MAX_ITEMS])
    return ReleaseView(f"release-{release.short}", release.day, release.subject, release.body,
                       release_summary(release, area_code), items, max(0, len(figures) - MAX_ITEMS))


def last_changed(site: Site, history: History) -> date:
    """When the data last changed: the newest data commit, else the site's own date (never the clock)."""
    return history.last_changed or site.updated


def page_feeds(site: Site) -> dict[str, tuple[tuple[str, str], ...]]:
    """Page path -> its feeds: the site's on every page (key ""), and a council's or measure's own on its page."""
    whole, *own = plan_feeds(site)
    feeds: dict[str, tuple[tuple[str, str], ...]] = {"": ((whole.title, whole.path),)}
    feeds |= {feed.page + "index.html": (*feeds[""], (feed.title, feed.path)) for feed in own}
    return feeds


def annotate(specs: list[PageSpec], site: Site, history: History) -> None:
    """Give every page its `publishing` context: feeds, last change, and a council's recent changes."""
    changed, feeds = last_changed(site, history), page_feeds(site)
    pages = {f"councils/{a.slug}/index.html": a.code for a in areas(site)}
    for spec in specs:
        code = pages.get(spec.path, "")
        recent = tuple(release_view(r, site, code) for r in history.for_area(code)[:RECENT]) if code else ()
        spec.context["publishing"] = Publishing(feeds.get(spec.path, feeds[""]), changed, recent, history.missing)


def chart_pages(specs: list[PageSpec]) -> dict[str, str]:
    """Chart id -> the path of the page it first appears on."""
    found: dict[str, str] = {}
    for spec in specs:
        for chart in spec.charts:
            found.setdefault(chart.id, spec.path)
    return found


@dataclass(frozen=True)
class Order:
    """Where each figure and source is in the site's order, by id: worked out once, for every chart."""

    figures: dict[str, int]
    sources: dict[str, int]

    @classmethod
    def of(cls, site: Site) -> Order:
        """The site's order."""
        return cls(positions(site.figures), positions(site.sources))


def positions(items: Sequence[Figure | Source]) -> dict[str, int]:
    """Where each figure or source is in a list, by id."""
    return {item.id: i for i, item in enumerate(items)}


def chart_figures(chart: Chart, site: Site, order: Order) -> list[Figure]:
    """The figures a chart draws, in the site's order."""
    index = order.figures
    found = sorted(index[p.figure_id] for p in {p.figure_id: p for p in chart.points}.values() if p.figure_id in index)
    return [site.figures[i] for i in found]


def chart_sources(chart: Chart, site: Site, order: Order) -> list[Source]:
    """The sources of a chart's figures, each once, in the site's order."""
    index = order.sources
    return [site.sources[i] for i in sorted({index[f.source.id] for f in chart_figures(chart, site, order)})]


def plan_publishing(site: Site, history: History, specs: list[PageSpec]) -> list[PageSpec]:
    """The Changes page and an embed page for every chart."""
    views, order = [release_view(r, site) for r in history.releases], Order.of(site)
    out = [PageSpec("changes/index.html", ["changes.html"], "Data changes", {"releases": views},
                    description="Every change to the data, newest first, from the project's history.")]
    charts = {c.id: c for spec in specs for c in spec.charts}
    for chart_id, home in sorted(chart_pages(specs).items()):
        chart = charts[chart_id]
        out.append(PageSpec(f"embed/{chart_id}/index.html", ["embed.html"], chart.title,
                            {"chart": chart, "home": home.removesuffix("index.html"),
                             "sources": chart_sources(chart, site, order)}, description=chart.description()))
    return out


def citation(site: Site, title: str, url: str, changed: date) -> str:
    """How to cite a page or chart, with the date its data last changed."""
    return f"{site.config.title}, \"{title}\", {url} (data last changed {fmt.long_date(changed)})."


def chart_readme(chart: Chart, site: Site, order: Order, changed: date) -> str:
    """README of a chart's zip: what it shows, its sources, licence and a citation."""
    sources = "\n".join(f"- {s.publisher}: {s.title} ({s.date_text}). {s.url}"
                        for s in chart_sources(chart, site, order))
    url = f"{site.config.base_url}embed/{chart.id}/"
    return (f"# {chart.title}\n\n{chart.description()}\n\n## Files\n\n- data.csv: the figures drawn, at the "
            f"precision their sources gave, each with its source\n- chart.svg: the chart as published\n\n"
            f"## Sources\n\n{sources}\n\n## Licence\n\n{site.config.licence}\n\n"
            f"## How to cite\n\n{citation(site, chart.title, url, changed)}\n")


def write_chart_zip(writer: Writer, chart: Chart, svg: str, site: Site, order: Order, changed: date,
                    made: Made) -> None:
    """A chart's data as CSV, its SVG and a README, with fixed timestamps (same input, same bytes)."""
    # what the zip is made of (the settings aside, which the cache keys carry): known without making it
    sources = [(s.publisher, s.title, s.date_text, s.url) for s in chart_sources(chart, site, order)]
    inputs = [b"chart-zip", repr(chart).encode(), svg.encode(), changed.isoformat().encode(),
              repr([figure_row(f) for f in chart_figures(chart, site, order)]).encode(), repr(sources).encode()]
    made.write(writer, f"charts/{chart.id}.zip", inputs, partial(make_chart_zip, chart, svg, site, order, changed))


def make_chart_zip(chart: Chart, svg: str, site: Site, order: Order, changed: date) -> bytes:
    """The zip of write_chart_zip."""
    files = {"data.csv": figures_csv(chart_figures(chart, site, order)), "chart.svg": svg,
             "README.md": chart_readme(chart, site, order, changed)}
    return deterministic_zip(chart.id, {name: text.encode("utf-8") for name, text in files.items()})


def frame_headers(site: Site, specs: list[PageSpec]) -> str:
    """`_headers` (Netlify, Cloudflare Pages): main pages refuse framing, embed pages allow any framer.

    One rule per top-level folder rather than `/*`, so no host has to merge or detach rules for /embed/.
    """
    prefix = urlsplit(site.config.base_url).path or "/"
    deny = "  X-Frame-Options: DENY\n  Content-Security-Policy: frame-ancestors 'none'\n"
    tops = sorted({spec.path.split("/", 1)[0] for spec in specs if "/" in spec.path} - {"embed"})
    rules = [f"{prefix}\n{deny}", *(f"{prefix}{name}\n{deny}" for name in ("index.html", "404.html"))]
    rules += [f"{prefix}{top}/*\n{deny}" for top in tops]
    rules.append(f"{prefix}embed/*\n  Content-Security-Policy: frame-ancestors *\n")
    return "# Framing: what the host must send (GitHub Pages cannot send headers; see README)\n" + "".join(rules)


def write_publishing(writer: Writer, site: Site, history: History, specs: list[PageSpec],
                     svgs: dict[str, str], made: Made) -> None:
    """Feeds, chart zips and the framing rules (unchanged ones from the cache)."""
    # a feed is made of the history, the measures' labels and the date of the data (the rest is settings)
    shared = [b"feed", site.updated.isoformat().encode(), *(r.sha.encode() for r in history.releases),
              history.missing.encode(), *(f"{m.id}\0{m.label}".encode() for m in site.measures)]
    for feed in plan_feeds(site):
        made.write(writer, feed.path, [*shared, repr(feed).encode()], partial(render_feed, site, history, feed))
    changed, order = last_changed(site, history), Order.of(site)
    charts = {c.id: c for spec in specs for c in spec.charts}
    for chart_id in sorted(charts):
        if made.carried(writer, f"charts/{chart_id}.zip"):
            continue  # what it is made of is not even worked out: the follow-up build does that
        write_chart_zip(writer, charts[chart_id], svgs[chart_id], site, order, changed, made)
    writer.write("_headers", frame_headers(site, specs))
