"""A chart's zip: the figures it draws with every attribute, its SVG, and a README citing the page it is on."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from sitegen.data import fmt
from sitegen.publish.charted import Order, chart_figures, chart_pages, chart_sources
from sitegen.publish.downloads import deterministic_zip, figures_csv
from sitegen.publish.fingerprint import digest_of

if TYPE_CHECKING:
    from datetime import date

    from sitegen.build.reuse.cache import Made
    from sitegen.build.staging import Writer
    from sitegen.data.model import Site
    from sitegen.site.charts.model import Chart
    from sitegen.site.page import PageSpec


def citation(site: Site, title: str, url: str, changed: date) -> str:
    """How to cite a page or chart, with the date its data last changed."""
    return f"{site.config.title}, \"{title}\", {url} (data last changed {fmt.long_date(changed)})."


def chart_readme(chart: Chart, site: Site, order: Order, changed: date, home: str, description: str) -> str:
    """README of a chart's zip: what it shows (its description), its columns, sources, licence and a citation of the
    page it is on."""
    sources = "\n".join(f"- {s.publisher}: {s.title} ({s.date_text}). {s.url}"
                        for s in chart_sources(chart, site, order))
    url = site.config.base_url + home.removesuffix("index.html")
    return (f"# {chart.title}\n\n{description}\n\nPublished at {url} (the chart alone, to embed: "
            f"{site.config.base_url}embed/{chart.id}/).\n\n## Files\n\n- data.csv: the figures drawn, one row "
            "each, with every attribute the data gives them: the value at the precision its source gave "
            "(`precision`, in the row's unit; blank when not recorded), `qualifier` (exact, approximate, at_least, "
            "range_lower_bound), `status` (reported, claim, planned), `claimant` and `said_by` (whose claim or words "
            "it is), `flag` and `note`, the value as the official file gives it, and its source's title and URL\n"
            f"- chart.svg: the chart as published\n\n## Sources\n\n{sources}\n\n## Licence\n\n"
            f"{site.config.licence}\n\n## How to cite\n\n{citation(site, chart.title, url, changed)}\n")


def write_chart_zip(writer: Writer, chart: Chart, svg: str, drawn_from: str, site: Site, order: Order,
                    changed: date, made: Made, home: str, digests: dict[str, bytes], description: str) -> None:
    """A chart's data as CSV, its SVG and a README, with fixed timestamps (same input, same bytes). drawn_from: the
    chart's content key, which its SVG is drawn from (Chart.content_key)."""
    # what the zip is made of (the settings aside, which the cache keys carry, the code among them), known without
    # making it: the README's words, the SVG by the content key it is drawn from (not its 20 kB of text, hashed
    # again for every chart of a site), and its figures by their digests (sitegen.publish.fingerprint)
    sources = [(s.publisher, s.title, s.date_text, s.url) for s in chart_sources(chart, site, order)]
    inputs = [b"chart-zip", chart.id.encode(), chart.title.encode(), description.encode(), drawn_from.encode(),
              changed.isoformat().encode(), home.encode(), digest_of(chart_figures(chart, site, order), digests),
              repr(sources).encode()]
    made.write(writer, f"charts/{chart.id}.zip", inputs, partial(make_chart_zip, chart, svg, site, order, changed,
                                                                 home, description))


def make_chart_zip(chart: Chart, svg: str, site: Site, order: Order, changed: date, home: str,
                   description: str) -> bytes:
    """The zip of write_chart_zip."""
    files = {"data.csv": figures_csv(chart_figures(chart, site, order)), "chart.svg": svg,
             "README.md": chart_readme(chart, site, order, changed, home, description)}
    return deterministic_zip(chart.id, {name: text.encode("utf-8") for name, text in files.items()})


def write_chart_zips(writer: Writer, site: Site, specs: list[PageSpec], svgs: dict[str, str], keys: dict[str, str],
                     made: Made, digests: dict[str, bytes], order: Order) -> None:
    """Every chart's zip (unchanged ones from the cache), citing the page the chart is on; svgs and keys: each
    chart's SVG and the content key it is drawn from, by chart id."""
    changed = site.updated
    charts, homes = {c.id: c for spec in specs for c in spec.charts}, chart_pages(specs)
    # each chart's description as its embed page has it (sitegen.publish.extras): worked out once, not again here
    described = {spec.context["chart"].id: spec.description for spec in specs
                 if spec.path.startswith("embed/") and "chart" in spec.context}
    for chart_id in sorted(charts):
        if made.carried(writer, f"charts/{chart_id}.zip"):
            continue  # what it is made of is not even worked out: the follow-up build does that
        chart = charts[chart_id]
        write_chart_zip(writer, chart, svgs[chart_id], keys[chart_id], site, order, changed, made, homes[chart_id],
                        digests, described.get(chart_id) or chart.description())
