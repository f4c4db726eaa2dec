"""The sources page: each source, and the editions of one publication (a monthly return) together as a series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.data.model import Measure, Source

MIN_EDITIONS = 3  # from this many editions of one publication ("Title: April 2011"), they are shown as a series
LISTED_AT_MOST = 20  # a source citing more figures than this is summed up, not listed figure by figure


def source_summary(source: Source) -> tuple[str, list[Measure]]:
    """`455 figures for 152 areas, April 2011`, and the measures they are of: a source too large to list."""
    areas = {f.area.code for f in source.figures}
    periods = sorted({(f.period_start, f.period_label) for f in source.figures})
    span = periods[0][1] if len(periods) == 1 else f"{periods[0][1]} to {periods[-1][1]}"
    measures = sorted({f.measure.id: f.measure for f in source.figures}.values(), key=lambda m: m.label)
    return f"{len(source.figures):,} figures for {len(areas)} areas, {span}", measures


@dataclass(frozen=True)
class Series:
    """Sources shown together: one source, or the editions of one publication (titles `<title>: <edition>`); what
    the page shows of their figures is worked out with them, so that it is part of the page's plan (a page reading
    the figures themselves would depend on every field of every one of them)."""

    title: str
    sources: tuple[Source, ...]
    measures: tuple[Measure, ...] = ()  # the measures its figures are of, by label
    summary: tuple[str, tuple[Measure, ...]] | None = None  # a lone source too large to list: source_summary's

    @property
    def editions(self) -> bool:
        """Several editions of one publication, each listed in a line of its own."""
        return len(self.sources) > 1

    @property
    def url(self) -> str:
        """The address every edition shares, or "" when each has its own."""
        urls = {s.url for s in self.sources}
        return urls.pop() if len(urls) == 1 else ""

    def edition(self, source: Source) -> str:
        """What tells an edition from the others: its title after the publication's (`April 2011 (…)`)."""
        return source.title.removeprefix(self.title).removeprefix(": ") or source.title


def publication(source: Source) -> tuple[str, str, str, str]:
    """What the editions of one publication share: publisher, kind, confidence, and the title before its last `: `."""
    title = source.title.rpartition(": ")[0] or source.title
    return source.publisher, source.kind, source.confidence, title


def first_period(source: Source) -> tuple[date, str]:
    """An edition's place in its series: the earliest period its figures are for (then its id)."""
    return min((f.period_start for f in source.figures), default=source.published or date.min), source.id


def series(sources: list[Source]) -> list[Series]:
    """The sources in their order; the editions of one publication together, oldest first, where the first is."""
    runs: dict[tuple[str, str, str, str], list[Source]] = {}
    for s in sources:
        runs.setdefault(publication(s), []).append(s)
    out: list[Series] = []
    for (_, _, _, title), found in runs.items():
        if len(found) >= MIN_EDITIONS and all(s.title != title for s in found):
            out.append(made(title, tuple(sorted(found, key=first_period))))
        else:
            out += [made(s.title, (s,)) for s in found]
    return out


def made(title: str, sources: tuple[Source, ...]) -> Series:
    """A series of these sources, with the measures of their figures, and a lone large source's summary."""
    measures = {f.measure.id: f.measure for s in sources for f in s.figures}
    summary = None
    if len(sources) == 1 and len(sources[0].figures) > LISTED_AT_MOST:
        text, of = source_summary(sources[0])
        summary = (text, tuple(of))
    return Series(title, sources, tuple(sorted(measures.values(), key=lambda m: m.label)), summary)
