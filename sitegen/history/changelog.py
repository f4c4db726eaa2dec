"""Data releases in the data's words, for the Changes page, council pages and feeds: never the commit's own words."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from sitegen.data import fmt
from sitegen.data.model import ENGLAND

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sitegen.history.diff import FigureChange, SourceChange, TableChange
    from sitegen.history.releases import Release

LISTED = 25  # figure changes told one by one in a release; beyond that they are counted, never cut off
EACH = 5  # additions from one source told one by one when they are this few (and the release lists them)
# what a reader weighs: a change of these is told figure by figure; the rest is detail, only counted
TOLD = ("value", "unit", "qualifier", "status", "claimant", "said_by", "period_label", "period_start", "period_end",
        "measure", "area_code", "note", "flag")
DETAIL_WORDS = {"precision": "how finely the source gave the value", "published_value": "the value as published",
                "published_unit": "the unit as published", "source_item": "where in the source the value sits",
                "counterparty_code": "the NHS body", "counterparty_name": "the NHS body",
                "counterparty_inferred": "the NHS body", "source_id": "the source", "package": "the data package",
                "area_name_reported": "the council's name as reported"}

@dataclass(frozen=True)
class Told:
    """One line of a release in words: a figure's change (naming its council and measure) or a count."""

    text: str  # the whole line
    figure: FigureChange | None = None  # the figure it is about, when it is about one
    rest: str = ""  # for a figure: the words after its measure's label


@dataclass(frozen=True)
class Names:
    """What the words name things by: measure labels and package titles, by id."""

    measures: dict[str, str]
    packages: dict[str, str]

    def measure(self, measure: str) -> str:
        """A measure's label (its id when the site no longer has it)."""
        return self.measures.get(measure, measure)

    def package(self, package: str) -> str:
        """A package's title (its name when it has none)."""
        return self.packages.get(package, package)


def shown(f: FigureChange, side: str = "new") -> str:
    """A figure's value, before or after the change, as the site shows it: to its precision, with its unit."""
    get = f.before if side == "old" else (lambda name: str(getattr(f, name)))
    text, unit = get("value"), get("unit")
    try:
        number = float(text)
    except ValueError:
        return text or "(blank)"
    precision = fmt.shown_precision(float(get("precision") or 0) or None, get("published_value"),
                                    get("published_unit"))
    return fmt.qualified(fmt.value(number, unit, precision), get("qualifier"))


def field_words(f: FigureChange, name: str) -> str:
    """One told field's change: `changed from £13m to £13.5m`, `status now claim (was reported)`, `note added`."""
    c = next(c for c in f.changes if c.field == name)
    if name in ("value", "unit", "qualifier"):
        return f"changed from {shown(f, 'old')} to {shown(f)}"
    label = "said by" if name == "said_by" else name.replace("_", " ")
    if name == "note":
        return "note revised" if c.old and c.new else "note added" if c.new else "note removed"
    if name == "said_by":
        return f"said by {fmt.in_sentence(c.new)}" + (f" (was {fmt.in_sentence(c.old)})" if c.old else "")
    if not c.old:
        return f"{label} {c.new} recorded"
    return f"{label} now {c.new or 'not recorded'} (was {c.old})"


def figure_words(f: FigureChange, names: Names) -> str:
    """One figure's change in words, naming the measure and the period (not the council)."""
    what = f"{names.measure(f.measure)}, {f.period}"
    if f.kind != "changed":
        return f"{what}: {shown(f)} {f.kind}."
    told = [c.field for c in f.changes if c.field in TOLD]
    # a value, unit and qualifier are one change of what the figure says: told once, old and new in full
    value = [n for n in told if n in ("value", "unit", "qualifier")][:1]
    words = [field_words(f, n) for n in [*value, *(n for n in told if n not in ("value", "unit", "qualifier"))]]
    return f"{what}: {'; '.join(words)}."


def figure_sentence(f: FigureChange, names: Names) -> str:
    """One figure's change in words, naming the council, the measure and the period."""
    return f"{f.area_name}: {figure_words(f, names)}"


def told_figure(f: FigureChange, names: Names) -> Told:
    """A figure's change as a line."""
    rest = figure_words(f, names).removeprefix(names.measure(f.measure))
    return Told(figure_sentence(f, names), f, rest)


def span(figures: list[FigureChange]) -> str:
    """The periods figures cover: `April 2011 to December 2019`, or the one period."""
    first = min(figures, key=lambda f: (f.period_start, f.period_end)).period
    last = max(figures, key=lambda f: (f.period_end, f.period_start)).period
    # a period may be a span itself (`2008-09 to 2014-15`): its start and the last one's end
    return first if first == last else f"{first.split(' to ')[0]} to {last.split(' to ')[-1]}"


def whom(figures: list[FigureChange], scoped: bool) -> str:
    """`, for 151 councils and England` (nothing when the lines are about one council already)."""
    if scoped:
        return ""
    if len({f.area_code for f in figures}) == 1:
        return f", for {figures[0].area_name}"
    return f", for {areas_words(figures)}"


def common_title(titles: list[str]) -> str:
    """The words every title starts with (`Delayed Transfer of Care, NHS Organisations, England`), or ""."""
    words = [t.split() for t in titles]
    common = []
    for column in zip(*words, strict=False):
        if len(set(column)) > 1:
            break
        common.append(column[0])
    text = " ".join(common).rstrip(",:;–- (")
    return text if len(text.split()) >= 3 else ""  # three words name a series; fewer do not


def by_series(figures: list[FigureChange]) -> list[tuple[str, list[FigureChange]]]:
    """Figures grouped by their source; the editions of one series (titles alike) of one package as one group."""
    out: list[tuple[str, list[FigureChange]]] = []
    for _, in_package in groupby(sorted(figures, key=lambda f: (f.package, f.source_title)), key=lambda f: f.package):
        group = list(in_package)
        sources = sorted({f.source_title for f in group})
        series = common_title(sources) if len(sources) > 1 else ""
        if series:
            out.append((f"{series} ({len(sources)} editions)", group))
        else:
            out += [(title, list(items)) for title, items in groupby(group, key=lambda f: f.source_title)]
    return out


def counted(figures: list[FigureChange], kind: str, scoped: bool, names: Names) -> list[Told]:
    """Added or removed figures as one line per source: `47,820 figures added from X, April 2011 to June 2019`;
    when the sources are many, the small ones (a few figures each) counted together, per package."""
    groups = by_series(figures)
    small = [g for g in groups if len(g[1]) <= EACH] if len(groups) > LISTED else []
    lines = [Told(words(len(group), kind, title, span(group) + whom(group, scoped))) for title, group in groups
             if (title, group) not in small]
    for package, in_package in groupby(sorted((f for _, g in small for f in g), key=lambda f: f.package),
                                       key=lambda f: f.package):
        group = list(in_package)
        sources = f"{many(len({f.source_id for f in group}), 'other source')} ({names.package(package)})"
        lines.append(Told(words(len(group), kind, sources, span(group) + whom(group, scoped))))
    return lines


def words(n: int, kind: str, source: str, where: str) -> str:
    """`47,820 figures added from X, April 2011 to June 2019, for 151 councils.`, `2 figures from X removed, …`."""
    if kind == "added":
        return f"{many(n, 'figure')} added from {source}, {where}."
    return f"{many(n, 'figure')} from {source} removed, {where}."


def details(changed: list[FigureChange]) -> list[Told]:
    """The detail of changed figures (how finely given, where in the file): counted, in one line, never first."""
    fields: Counter[str] = Counter()
    for f in changed:
        fields.update({DETAIL_WORDS[c.field] for c in f.changes if c.field in DETAIL_WORDS})
    if not fields:
        return []
    parts = [f"{words} ({many(n, 'figure')})" for words, n in sorted(fields.items(), key=lambda x: (-x[1], x[0]))]
    return [Told(f"Details recorded or corrected, no value changed by them: {'; '.join(parts)}.")]


def figure_lines(figures: list[FigureChange], names: Names, scoped: bool = False) -> list[Told]:
    """A release's figure changes in words: told one by one while few, else counted by source and measure."""
    added = [f for f in figures if f.kind == "added"]
    removed = [f for f in figures if f.kind == "removed"]
    changed = [f for f in figures if f.kind == "changed"]
    told = [f for f in changed if any(c.field in TOLD for c in f.changes)]
    out: list[Told] = []
    few = len(added) + len(removed) + len(told) <= LISTED
    each = [f for _, group in by_series(added) if few and len(group) <= EACH for f in group]
    out += [told_figure(f, names) for f in each]
    out += counted([f for f in added if f not in each], "added", scoped, names) if len(each) < len(added) else []
    if len(told) <= LISTED:
        out += [told_figure(f, names) for f in told]
    else:
        out += [told_figure(f, names) for f in told[:LISTED]]
        rest = Counter(names.measure(f.measure) for f in told[LISTED:])
        out.append(Told(f"{many(len(told) - LISTED, 'more figure')} changed: " + "; ".join(
            f"{label} ({n})" for label, n in sorted(rest.items())) + "."))
    out += [told_figure(f, names) for f in removed] if few else counted(removed, "removed", scoped, names)
    return out + details(changed)


def source_lines(sources: Iterable[SourceChange]) -> list[Told]:
    """Sources added, revised or removed: named while few, else counted."""
    out = []
    for kind, group in groupby(sorted(sources, key=lambda s: (s.kind, s.title)), key=lambda s: s.kind):
        items = list(group)
        verb = "revised" if kind == "changed" else kind
        if len(items) <= 3:  # a few are named
            out += [Told(f"Source {verb}: {s.title}.") for s in items]
        else:
            out.append(Told(f"{many(len(items), 'source')} {verb}."))
    return out


def many(n: int, word: str) -> str:
    """`1 figure`, `47,820 figures`."""
    return f"{fmt.number(n)} {word}{'' if n == 1 else 's'}"


def tally(n: Counter[str], noun: str) -> str:
    """`3 figures added, 2 changed, 1 removed`, leaving out what did not happen ("" when nothing did)."""
    kinds = [kind for kind in ("added", "changed", "removed") if n[kind]]
    if not kinds:
        return ""
    first, *others = kinds
    return ", ".join([f"{many(n[first], noun)} {first}", *(f"{fmt.number(n[k])} {k}" for k in others)])


def counts(figures: list[FigureChange], sources: int = 0) -> str:
    """`3 figures added, 2 changed, 1 removed`; `18 sources added or revised` when no figure changed."""
    return (tally(Counter(f.kind for f in figures), "figure")
            or (f"{many(sources, 'source')} added or revised" if sources else "No figure changed"))


def headline(release: Release, area_code: str = "", measure: str = "") -> str:
    """A release in a few words: `47,820 figures added`, `1 figure changed`; for one council or measure when given."""
    if area_code or measure:
        return counts(release.figures_for(area_code, measure))
    text = counts(release.figures_for(), len(release.diff.sources))
    tables = sorted({t.title for t in release.diff.tables})
    if text == "No figure changed" and tables:
        return f"{text}: {tables[0] if len(tables) == 1 else many(len(tables), 'table')} revised"
    return text


def areas_words(figures: list[FigureChange]) -> str:
    """`151 councils and England`, `1 council`, `England`."""
    codes = {f.area_code for f in figures}
    councils = len(codes - {ENGLAND})
    if not councils:
        return "England"
    return many(councils, "council") + (" and England" if ENGLAND in codes else "")


def by_package(release: Release, names: Names, area_code: str = "", measure: str = "") -> str:
    """Where the figures changed: `Better Care Fund: 3 figures added, 1 changed (4 councils)`, per package."""
    parts = []
    figures = release.figures_for(area_code, measure)
    for package, group in groupby(sorted(figures, key=lambda f: f.package), key=lambda f: f.package):
        items = list(group)
        where = "" if area_code else f" ({areas_words(items)})"
        parts.append(f"{names.package(package)}: {counts(items)}{where}")
    return "; ".join(parts) + "." if parts else ""


def table_lines(tables: Iterable[TableChange], names: Names) -> list[Told]:
    """Other tables' rows counted, per package: `Reference: Populations: 4,530 rows added; Neighbours: 1 changed.`"""
    out = []
    for package, group in groupby(tables, key=lambda t: t.package):
        parts = [f"{t.title}: {tally(Counter(added=t.added, changed=t.changed, removed=t.removed), 'row')}"
                 for t in group]
        out.append(Told(f"{names.package(package)}: " + "; ".join(parts) + "."))
    return out


def release_lines(release: Release, names: Names, area_code: str = "", measure: str = "") -> list[Told]:
    """Everything a release did (to one council's or measure's figures when given), in words."""
    lines = figure_lines(release.figures_for(area_code, measure), names, scoped=bool(area_code))
    if not (area_code or measure):
        lines += source_lines(release.diff.sources) + table_lines(release.diff.tables, names)
        if not lines:
            lines.append(Told("No figure, source or table row changed: the packages' descriptions only."))
    return lines
