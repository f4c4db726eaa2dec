"""The publishing loop on the site: the Changes page, recent changes, feeds, embeds, chart zips, framing rules."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sitegen.history.changelog import Names, Told, by_package, headline, release_lines
from sitegen.publish.charted import Order, chart_pages, chart_sources
from sitegen.publish.feeds import areas, names_of, plan_feeds, render_feed
from sitegen.publish.released import ChangeItem, ReleaseView
from sitegen.site.page import PageSpec

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from sitegen.build.reuse.cache import Made
    from sitegen.build.staging import Writer
    from sitegen.data.model import Site
    from sitegen.history.releases import History, Release
    from sitegen.site.charts.model import Chart

RECENT = 5  # releases shown on a council page


@dataclass(frozen=True)
class Publishing:
    """What every page shows of the publishing loop: its feeds, the data's last change, recent changes."""

    feeds: tuple[tuple[str, str], ...]  # (title, path within the site)
    last_changed: date
    recent: tuple[ReleaseView, ...] = ()
    history_missing: str = ""


def change_item(line: Told, slugs: dict[str, str], names: Names) -> ChangeItem:
    """A line of a release, linked to its figure's council and measure where the site has them."""
    f = line.figure
    if f is None:
        return ChangeItem(line.text)
    return ChangeItem(line.text, f.area_name, slugs.get(f.area_code, ""),
                      f.measure if f.measure in names.measures else "", names.measure(f.measure), line.rest)


def release_view(release: Release, site: Site, area_code: str = "",
                 views: dict[tuple[str, str], ReleaseView] | None = None) -> ReleaseView:
    """A release for the Changes page (every council) or for one council's page; views: those made before for this
    model and history, by (commit, council), kept by a session (sitegen.build.reuse.planned)."""
    if views is not None:
        found = views.get((release.sha, area_code))
        if found is None:
            found = views[release.sha, area_code] = release_view(release, site, area_code)
        return found
    names, slugs = names_of(site), {a.code: a.slug for a in areas(site)}
    items = tuple(change_item(line, slugs, names) for line in release_lines(release, names, area_code))
    return ReleaseView(f"release-{release.short}", release.day, headline(release, area_code),
                       by_package(release, names, area_code), items)


def views_key(site: Site) -> str:
    """All a release's view takes from the site (release_view): the names and slugs it links, and the settings."""
    names = names_of(site)
    return repr((names.measures, names.packages, {a.code: a.slug for a in areas(site)}, site.config))


def last_changed(site: Site, history: History) -> date:
    """When the data last changed: the newest commit that touched the data, else the site's own date (never the
    clock). Worked out once a build, into `site.updated`, which every page, download and feed prints."""
    return history.last_changed or site.updated


def page_feeds(site: Site) -> dict[str, tuple[tuple[str, str], ...]]:
    """Page path -> its feeds: the site's on every page (key ""), and a council's or measure's own on its page."""
    whole, *own = plan_feeds(site)
    feeds: dict[str, tuple[tuple[str, str], ...]] = {"": ((whole.title, whole.path),)}
    feeds |= {feed.page + "index.html": (*feeds[""], (feed.title, feed.path)) for feed in own}
    return feeds


def annotate(specs: list[PageSpec], site: Site, history: History,
             views: dict[tuple[str, str], ReleaseView] | None = None) -> None:
    """Give every page its `publishing` context: feeds, last change, and recent changes (a council's; the home page's
    "latest additions", the whole site's); views: see release_view."""
    changed, feeds = site.updated, page_feeds(site)
    pages = {f"councils/{a.slug}/index.html": a.code for a in areas(site)}
    for spec in specs:
        code = pages.get(spec.path, "")
        recent = (tuple(release_view(r, site, code, views) for r in history.for_area(code)[:RECENT]) if code else
                  tuple(release_view(r, site, "", views) for r in history.releases[:RECENT])
                  if spec.path == "index.html" else ())
        spec.context["publishing"] = Publishing(feeds.get(spec.path, feeds[""]), changed, recent, history.missing)


def plan_publishing(site: Site, history: History, specs: list[PageSpec],
                    views: dict[tuple[str, str], ReleaseView] | None = None,
                    order: Order | None = None, describe: Callable[[Chart], str] | None = None) -> list[PageSpec]:
    """The Changes page and an embed page for every chart; views: see release_view; order: the site's, where known;
    describe: each chart's description (a build's keeps them from the last build: sitegen.build.reuse.described)."""
    shown, order = [release_view(r, site, "", views) for r in history.releases], order or Order.of(site)
    out = [PageSpec("changes/index.html", ["changes.html"], "Data changes", {"releases": shown},
                    description="Every change to the data, newest first, from the project's history.")]
    charts = {c.id: c for spec in specs for c in spec.charts}
    for chart_id, home in sorted(chart_pages(specs).items()):
        chart = charts[chart_id]
        out.append(PageSpec(f"embed/{chart_id}/index.html", ["embed.html"], chart.title,
                            {"chart": chart, "home": home.removesuffix("index.html"),
                             "sources": chart_sources(chart, site, order)},
                            description=describe(chart) if describe else chart.description()))
    return out


def frame_headers(site: Site, specs: list[PageSpec]) -> str:
    """`_headers` (Netlify, Cloudflare Pages): main pages refuse framing, embed pages allow any framer, and any site's
    scripts may fetch the JSON API and the catalogue.

    One rule per top-level folder rather than `/*`, so no host has to merge or detach rules for /embed/.
    """
    prefix = urlsplit(site.config.base_url).path or "/"
    deny = "  X-Frame-Options: DENY\n  Content-Security-Policy: frame-ancestors 'none'\n"
    tops = sorted({spec.path.split("/", 1)[0] for spec in specs if "/" in spec.path} - {"embed"})
    rules = [f"{prefix}\n{deny}", *(f"{prefix}{name}\n{deny}" for name in ("index.html", "404.html"))]
    rules += [f"{prefix}{top}/*\n{deny}" for top in tops]
    rules.append(f"{prefix}embed/*\n  Content-Security-Policy: frame-ancestors *\n")
    # the JSON API and the catalogue are for scripts on any site to fetch (GitHub Pages allows that by default)
    rules += [f"{prefix}{path}\n  Access-Control-Allow-Origin: *\n" for path in ("api/*", "catalog.jsonld")]
    return "# Framing and fetching: what the host must send (GitHub Pages cannot send headers; see README)\n" + \
        "".join(rules)


def write_publishing(writer: Writer, site: Site, history: History, specs: list[PageSpec], made: Made) -> None:
    """Feeds (unchanged ones from the cache) and the framing rules; the chart zips are `publish.chartzip`'s."""
    # a feed is made of the history, the measures' and packages' names and the date of the data (the rest is
    # settings)
    shared = [b"feed", site.updated.isoformat().encode(), *(r.sha.encode() for r in history.releases),
              history.missing.encode(), *(f"{m.id}\0{m.label}".encode() for m in site.measures),
              *(f"{name}\0{title}".encode() for name, title in sorted(names_of(site).packages.items()))]
    for feed in plan_feeds(site):
        made.write(writer, feed.path, [*shared, repr(feed).encode()], partial(render_feed, site, history, feed))
    writer.write("_headers", frame_headers(site, specs))
