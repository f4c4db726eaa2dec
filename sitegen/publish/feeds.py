"""Atom feeds of the data releases: the whole site, each council, each measure (dates from commits only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator

from sitegen.data import fmt
from sitegen.history.changelog import Names, by_package, headline, release_lines

if TYPE_CHECKING:
    from sitegen.data.model import Area, Site
    from sitegen.history.releases import History, Release

@dataclass(frozen=True)
class FeedSpec:
    """One feed: where it goes, what it is about, and which page it accompanies."""

    path: str  # e.g. "councils/cambridgeshire/feed.xml"
    title: str
    page: str  # the page the feed belongs to, e.g. "councils/cambridgeshire/"
    area_code: str = ""
    measure: str = ""


def areas(site: Site) -> list[Area]:
    """Every area with a page: councils, abolished predecessor councils, and England."""
    return [*site.councils, *site.predecessors, site.england]


def plan_feeds(site: Site) -> list[FeedSpec]:
    """The site's feed, then one per council (England included) and one per measure, in a stable order."""
    title = site.config.title
    feeds = [FeedSpec("feed.xml", f"{title}: data changes", "changes/")]
    feeds += [FeedSpec(f"councils/{c.slug}/feed.xml", f"{c.name}: data changes · {title}", f"councils/{c.slug}/",
                       area_code=c.code) for c in areas(site)]
    feeds += [FeedSpec(f"measures/{m.id}/feed.xml", f"{m.label}: data changes · {title}", f"measures/{m.id}/",
                       measure=m.id) for m in site.measures]
    return feeds


def fallback_time(site: Site) -> datetime:
    """When no release is known: the site's own date (SOURCE_DATE_EPOCH or newest source), never the clock."""
    return datetime.combine(site.updated, time(0), UTC)


def releases_for(history: History, spec: FeedSpec) -> list[Release]:
    """The releases this feed tells about, newest first."""
    if spec.area_code:
        return history.for_area(spec.area_code)
    if spec.measure:
        return history.for_measure(spec.measure)
    return history.releases


def names_of(site: Site) -> Names:
    """What the changelog names measures and packages by."""
    packages = {name: str(p.descriptor.get("title") or name) for name, p in site.packages.packages.items()}
    return Names({m.id: m.label for m in site.measures}, packages)


def entry_title(release: Release, spec: FeedSpec) -> str:
    """`3 January 2026: 1 figure added` (what it did, never the commit's subject)."""
    return f"{fmt.long_date(release.day)}: {headline(release, spec.area_code, spec.measure)}"


def entry_text(release: Release, spec: FeedSpec, names: Names) -> str:
    """The entry's content: where the figures changed, then each change (or count of many) in words."""
    where = by_package(release, names, spec.area_code, spec.measure)
    lines = release_lines(release, names, spec.area_code, spec.measure)
    return "\n".join([*([where] if where else []), *(line.text for line in lines)])


def render_feed(site: Site, history: History, spec: FeedSpec) -> bytes:
    """One Atom feed, byte-identical for the same history."""
    base = site.config.base_url
    names = names_of(site)
    releases = releases_for(history, spec)
    fg = FeedGenerator()
    fg.id(base + spec.path)
    fg.title(spec.title)
    fg.author({"name": site.config.title, "uri": base})
    fg.link(href=base + spec.path, rel="self", type="application/atom+xml")
    fg.link(href=base + spec.page, rel="alternate", type="text/html")
    fg.language(site.config.language)
    fg.generator("sitegen")
    fg.updated(releases[0].when if releases else fallback_time(site))
    for release in releases:
        entry = fg.add_entry(order="append")
        entry.id(f"{base}changes/#release-{release.sha}")
        entry.title(entry_title(release, spec))
        entry.updated(release.when)
        entry.published(release.when)
        entry.link(href=f"{base}changes/#release-{release.short}", rel="alternate", type="text/html")
        entry.content(entry_text(release, spec, names), type="text")
    return bytes(fg.atom_str(pretty=True))
