"""A page to write: where it goes, which templates draw it (the most specific first), what it shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitegen.site.charts.model import Chart


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
