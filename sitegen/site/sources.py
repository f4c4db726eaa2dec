"""The sources page: each source, and the editions of one publication (a monthly return) together as a series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.data.model import Measure, Source

MIN_EDITIONS = 3  # from this many editions of one publication ("Title: April 2011"), they are shown as a series


@dataclass(frozen=True)
class Series:
    """Sources shown together: one source, or the editions of one publication (titles `<title>: <edition>`)."""

    title: str
    sources: tuple[Source, ...]

    @property
    def editions(self) -> bool:
        """Several editions of one publication, each listed in a line of its own."""
        return len(self.sources) > 1

    @property
    def url(self) -> str:
        """The address every edition shares, or "" when each has its own."""
        urls = {s.url for s in self.sources}
        return urls.pop() if len(urls) == 1 else ""

    @property
    def measures(self) -> list[Measure]:
        """The measures its figures are of, by label."""
        found = {f.measure.id: f.measure for s in self.sources for f in s.figures}
        return sorted(found.values(), key=lambda m: m.label)

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
            out.append(Series(title, tuple(sorted(found, key=first_period))))
        else:
            out += [Series(s.title, (s,)) for s in found]
    return out
