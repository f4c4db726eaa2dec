"""A page to write: where it goes, which templates draw it (the most specific first), what it shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sitegen.data.model import Figure
    from sitegen.site.charts.model import Chart


@dataclass(frozen=True)
class Later:
    """Part of a page's context made only when the page is rendered (a measure's rankings and maps). It is made from
    the figures given and the packages' other data alone (reference, measures, sources, disputes, descriptors), so
    the page record knows it by those without making it (sitegen.build.reuse.later)."""

    make: Callable[[], dict[str, Any]]  # the same part each call: made once (functools.cache)
    figures: Sequence[Figure]  # of one measure: its pages share the list, which the record values once


@dataclass
class PageSpec:
    """One HTML page to write: where, which templates (specific first), what it shows."""

    path: str  # e.g. "councils/cambridgeshire/index.html"
    templates: list[str]
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    description: str = ""
    later: Later | None = None  # more of what it shows, made when it is rendered

    def whole_context(self) -> dict[str, Any]:
        """What the page shows: its context, and the part made later, made."""
        return self.context | self.later.make() if self.later else self.context


def root_for(path: str) -> str:
    """`../../` for councils/x/index.html."""
    return "../" * path.count("/")
