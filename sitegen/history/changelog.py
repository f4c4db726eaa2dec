"""Data releases in words, for the Changes page, council pages and feeds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sitegen.data import fmt
from sitegen.errors import plural

if TYPE_CHECKING:
    from sitegen.history.diff import FieldChange, FigureChange
    from sitegen.history.releases import Release

MAX_LINES = 25  # a release that re-curates everything is summarised, not listed in full


def exact(text: str, unit: str) -> str:
    """A value as precisely as the data holds it, in its unit: £13,000,000, 5%."""
    try:
        number = float(text)
    except ValueError:
        return text or "(blank)"
    shown = fmt.number(number)
    return f"£{shown}" if unit == "GBP" else f"{shown}%" if unit == "percent" else shown


def field_words(c: FieldChange, unit: str) -> str:
    """`value £13,000,000 → £13,500,000`."""
    if c.field == "value":
        return f"value {exact(c.old, unit)} → {exact(c.new, unit)}"
    return f"{c.field.replace('_', ' ')} {c.old or '(blank)'} → {c.new or '(blank)'}"


def figure_words(f: FigureChange, labels: dict[str, str]) -> str:
    """One figure's change in words, naming the measure and the period (not the council)."""
    what = f"{labels.get(f.measure, f.measure)}, {f.period}"
    if f.kind == "changed":
        return f"{what}: changed, " + "; ".join(field_words(c, f.unit) for c in f.changes) + "."
    return f"{what}: {exact(f.value, f.unit)} {f.kind}."


def figure_sentence(f: FigureChange, labels: dict[str, str]) -> str:
    """One figure's change in words, naming the council, the measure and the period."""
    return f"{f.area_name}: {figure_words(f, labels)}"


def counts(figures: list[FigureChange], sources: int) -> str:
    """`1 figure added, 2 changed, 0 removed; 1 source added or changed`."""
    n = {kind: sum(1 for f in figures if f.kind == kind) for kind in ("added", "changed", "removed")}
    text = f"{plural(n['added'], 'figure')} added, {n['changed']} changed, {n['removed']} removed"
    return text + (f"; {plural(sources, 'source')} added or changed" if sources else "")


def release_lines(release: Release, labels: dict[str, str], area_code: str = "", measure: str = "") -> list[str]:
    """The release's figure changes (for one council or measure when given), at most MAX_LINES of them."""
    figures = release.figures_for(area_code, measure)
    lines = [figure_sentence(f, labels) for f in figures[:MAX_LINES]]
    if len(figures) > MAX_LINES:
        lines.append(f"… and {len(figures) - MAX_LINES} more figure changes.")
    return lines


def release_summary(release: Release, area_code: str = "", measure: str = "") -> str:
    """The counts line for a release (for one council or measure when given)."""
    sources = 0 if area_code or measure else len(release.diff.sources)
    return counts(release.figures_for(area_code, measure), sources)
