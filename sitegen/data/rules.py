"""Project rules frictionless cannot express; they read typed rows only, never files.

Over a table held as columns (sitegen.data.columns), a rule reads only the rows a polars expression picks out
(sitegen.data.rule_rows, through sitegen.data.pick.rows_where): every row that could break it, and perhaps a few
more, read by the same Python as any row, so its problems do not depend on how the table was read. Rules that stay
wholly in Python: check_contract (it reads descriptors, not rows) and check_shared_sources, check_topics and
check_shared_measures (they compare whole rows of small tables across packages: sources, topics and measures hold
tens of rows, not millions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sitegen.data.descriptors import MAX_SLUG
from sitegen.data.periods import FORMS, period_dates
from sitegen.data.pick import FIGURE_PACKAGES_RESOURCE, at, codes, combos, figure_tables, outside, rows_where, test
from sitegen.data.rows import Packages, Resource
from sitegen.data.rule_rows import (
    FIGURE_KEY,
    RESERVED_SLUGS,
    formula_rows,
    id_text,
    repeated_figures,
    shared_ids,
    slug_rows,
    value_rows,
)
from sitegen.errors import Problem, problem
from sitegen.files import display
from sitegen.text import FORMULA_START, SLUG, is_web_url

Rule = Callable[[Packages], Iterator[Problem]]


def check_references(packages: Packages) -> Iterator[Problem]:
    """Area and counterparty codes exist in the reference package."""
    areas = codes(packages, "councils", "nations", "predecessors")
    bodies = codes(packages, "icbs", "former_ccgs")
    if areas is None or bodies is None:
        # a lone figures package may be validated by itself; a folder of them must bring the reference
        alone = packages.root.is_file() or (packages.root / "datapackage.json").is_file()
        for _, table in [] if alone else figure_tables(packages):
            yield problem("missing-reference", "figures name areas, but there is no readable reference "
                          "package to check them against", display(table.path))
        return
    def picker(cells: Any) -> list[int]:
        return list(cells.pick(test(cells, "area_code", lambda v: outside(v, areas))
                               | test(cells, "counterparty_code", lambda v: outside(v, bodies))))
    known = f"references {sorted(map(repr, areas))} {sorted(map(repr, bodies))}"  # the picker's rows, for these codes
    for _, table in figure_tables(packages):
        for i, row in rows_where(table, picker, known):
            if row.get("area_code") and row["area_code"] not in areas:
                yield at(table, i, "unknown-area", "area_code is not a council, former council or England in "
                         "the reference package", "area_code", row["area_code"])
            if row.get("counterparty_code") and row["counterparty_code"] not in bodies:
                yield at(table, i, "unknown-counterparty", "counterparty_code is not an ICB or former CCG in "
                         "the reference package", "counterparty_code", row["counterparty_code"])


def check_periods(packages: Packages) -> Iterator[Problem]:
    """Start is on or before end, and the label names exactly those dates."""
    def bad(start: Any, end: Any, label: Any) -> bool:
        return bool(start and end and (start > end or (label and period_dates(label) != (start, end))))
    picker = combos(("period_start", "period_end", "period_label"), bad)
    for _, table in figure_tables(packages):
        for i, row in rows_where(table, picker, "periods"):
            start, end, label = row.get("period_start"), row.get("period_end"), row.get("period_label")
            if start and end and start > end:
                yield at(table, i, "period-order", f"period_end {end} is before period_start {start}",
                         "period_end", end)
            elif start and end and label:
                yield from _label_problem(table, i, label, start, end)


def _label_problem(table: Resource, i: int, label: str, start: Any, end: Any) -> Iterator[Problem]:
    """A problem when the label is not a known form or names other dates."""
    dates = period_dates(label)
    if dates is None:
        yield at(table, i, "period-label", "period_label is not one of: " + "; ".join(FORMS),
                 "period_label", label)
    elif dates != (start, end):
        yield at(table, i, "period-label", f"label means {dates[0]} to {dates[1]} but the dates are "
                 f"{start} to {end}", "period_label", label)


def check_sources(packages: Packages) -> Iterator[Problem]:
    """Every figure names a source; every source URL is http(s)."""
    for _, table in figure_tables(packages):
        def picker(cells: Any) -> list[int]:
            return list(cells.pick(test(cells, "source_id", lambda v: v.is_null())))
        for i, row in rows_where(table, picker, "sources"):
            if not row.get("source_id"):
                yield at(table, i, "missing-source", "the figure has no source_id", "source_id", "")
    for _, package in sorted(packages.packages.items()):
        sources = package.resources.get("sources")
        if sources is None:
            continue
        for i, row in rows_where(sources, combos(("url",), lambda url: not is_web_url(url or "")), "urls"):
            url = row.get("url") or ""
            if not is_web_url(url):
                yield at(sources, i, "url-scheme", "the source URL must be an http(s) address", "url", url)


def check_formulas(packages: Packages) -> Iterator[Problem]:
    """No text cell of any resource, whatever its field type, nor any column name could run as a formula."""
    for _, package in sorted(packages.packages.items()):
        for table in package.resources.values():
            for field in table.fields:
                if str(field["name"]).startswith(FORMULA_START):
                    yield problem("formula", f"column name begins with {_shown(field['name'])}",
                                  display(table.path), 1, field["name"], field["name"])
            for i, row in rows_where(table, formula_rows, "formulas"):
                for name, value in row.items():
                    if isinstance(value, str) and value.startswith(FORMULA_START):
                        yield at(table, i, "formula", f"text begins with {_shown(value)}", name, value)


def _shown(text: str) -> str:
    """The first character of text, named so a reader can see it."""
    return {"\t": "a tab", "\r": "a carriage return"}.get(text[0], repr(text[0]))


def check_duplicates(packages: Packages) -> Iterator[Problem]:
    """No figure repeats the same area, measure, period, counterparty and source."""
    for _, table in figure_tables(packages):
        seen: dict[tuple[Any, ...], int] = {}
        for i, row in rows_where(table, repeated_figures, "duplicates"):
            key = tuple(row.get(k) for k in FIGURE_KEY)
            if key in seen:
                yield at(table, i, "duplicate-figure", f"same figure as line {table.lines[seen[key]]}",
                         "id", row.get("id"))
            seen.setdefault(key, i)


def check_values(packages: Packages) -> Iterator[Problem]:
    """Signs, percentage ranges and units agree with the measure."""
    for name, table in figure_tables(packages):
        measures = {m["id"]: m for m in packages.rows(name, "measures")}
        # the picker's rows, for these measures (rows of plain values, so their repr is the same for the same rows)
        for i, row in rows_where(table, value_rows(measures), f"values {sorted(map(repr, measures.values()))}"):
            measure, value = measures.get(row.get("measure")), row.get("value")
            if measure is None or not isinstance(value, int | float):
                continue
            if value < 0 and not measure.get("allows_negative"):
                yield at(table, i, "negative", f"{measure['id']} cannot be negative", "value", value)
            if measure.get("unit") == "percent" and not 0 <= value <= 100:
                yield at(table, i, "percent-range", "a percentage must lie within 0-100", "value", value)
            if row.get("unit") and measure.get("unit") and row["unit"] != measure["unit"]:
                yield at(table, i, "unit-mismatch", f"{measure['id']} is measured in {measure['unit']}",
                         "unit", row["unit"])


def check_claims(packages: Packages) -> Iterator[Problem]:
    """A claim says whose claim it is."""
    def picker(cells: Any) -> list[int]:
        return list(cells.pick(test(cells, "status", lambda v: v == "claim")
                               & test(cells, "claimant", lambda v: v.is_null())))
    for _, table in figure_tables(packages):
        for i, row in rows_where(table, picker, "claims"):
            if row.get("status") == "claim" and not row.get("claimant"):
                yield at(table, i, "missing-claimant", "status is claim but claimant is blank", "claimant", "")


def check_disputes(packages: Packages) -> Iterator[Problem]:
    """A figure's `dispute` names a row of some package's `disputes` (any package: a dispute spans packages)."""
    known = {str(row["id"]) for _, package in sorted(packages.packages.items())
             for row in (package.resources["disputes"].rows if "disputes" in package.resources else [])}
    def picker(cells: Any) -> list[int]:
        return list(cells.pick(test(cells, "dispute", lambda v: outside(v, known)))) if "dispute" in cells.names else []
    for _, table in figure_tables(packages):
        for i, row in rows_where(table, picker):
            if row.get("dispute") and row["dispute"] not in known:
                yield at(table, i, "unknown-dispute", "dispute is not the id of any row of a disputes.csv",
                         "dispute", row["dispute"])


def check_shared_sources(packages: Packages) -> Iterator[Problem]:
    """A source id used by several packages has the same details in each."""
    first: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, package in sorted(packages.packages.items()):
        table = package.resources.get("sources")
        if table is None:
            continue
        for i, row in enumerate(table.rows):
            earlier = first.setdefault(str(row.get("id")), (name, row))
            if earlier[1] != row:
                yield at(table, i, "source-conflict", f"differs from source {row.get('id')!r} in package "
                         f"{earlier[0]}", "id", row.get("id"))


def check_slugs(packages: Packages) -> Iterator[Problem]:
    """Slugs and ids that become URLs are safe path segments, not too long, and name no page of the site."""
    for _, package in sorted(packages.packages.items()):
        for table in package.resources.values():
            names = [f["name"] for f in table.fields if f["name"] == "slug"]
            names += ["id"] if table.name in ("figures", "measures", "sources", "disputes") else []
            for i, row in rows_where(table, slug_rows(names), "slugs"):
                for name in names:
                    yield from _slug_problems(table, i, name, row.get(name))


def _slug_problems(table: Resource, i: int, name: str, value: Any) -> Iterator[Problem]:
    """What is wrong with one slug."""
    if not isinstance(value, str):
        return
    if not SLUG.match(value):
        yield at(table, i, "bad-slug", f"{name} is not a safe URL segment", name, value)
    elif len(value) > MAX_SLUG:
        yield at(table, i, "too-long", f"{name} is longer than {MAX_SLUG} characters", name, value)
    elif value in RESERVED_SLUGS and table.name != "nations" and (name == "slug" or table.name == "measures"):
        yield at(table, i, "reserved-slug", f"{value!r} names a page of the site", name, value)


def check_unique_ids(packages: Packages) -> Iterator[Problem]:
    """A figure id names one figure across every package (Markdown refers to it by id alone)."""
    first: dict[str, tuple[Resource, int]] = {}
    shared = shared_ids(packages)
    if not shared:  # the usual case: no table need be looked through
        return
    for _, table in figure_tables(packages):
        for i, row in rows_where(table, lambda cells: list(cells.pick(id_text(cells).is_in(shared)))):
            earlier = first.setdefault(str(row.get("id")), (table, i))
            if earlier[0] is not table:
                yield at(table, i, "duplicate-id", f"figure id also used in {earlier[0].shown} line "
                         f"{earlier[0].lines[earlier[1]]}", "id", row.get("id"))


def check_shared_measures(packages: Packages) -> Iterator[Problem]:
    """A measure id used by several packages means one thing: the same row in each measures.csv."""
    first: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, package in sorted(packages.packages.items()):
        table = package.resources.get("measures")
        for i, row in enumerate(table.rows if table else []):
            earlier = first.setdefault(str(row.get("id")), (name, row))
            if earlier[1] != row and table is not None:
                field = next((k for k in row if row[k] != earlier[1].get(k)), "id")
                yield at(table, i, "measure-conflict", f"measure {row.get('id')!r} has another {field} in package "
                         f"{earlier[0]}", field, row.get(field))


# What the site model reads: package -> resource -> fields ("*" stands for every figures package)
CONTRACT: dict[str, dict[str, tuple[str, ...]]] = {
    "reference": {"councils": ("code", "name", "short_name", "slug", "type", "region"),
                  "icbs": ("code", "ods_code", "name", "short_name", "slug")},
    "*": {"topics": ("id", "label", "order"),
          "measures": ("id", "label", "unit", "definition", "topic", "allows_negative"),
          "sources": ("id", "title", "publisher", "url", "kind", "confidence"),
          "figures": ("id", "area_code", "measure", "value", "unit", "period_start", "period_end", "period_label",
                      "qualifier", "status", "source_id")},
}
OPTIONAL: dict[str, tuple[str, ...]] = {"disputes": ("id", "title", "parties", "first_reported", "status", "note")}


def check_contract(packages: Packages) -> Iterator[Problem]:
    """The resources and fields the site is built from exist, so valid data can never crash a build."""
    for name, package in sorted(packages.packages.items()):
        wanted = CONTRACT.get(name) or (CONTRACT["*"] if FIGURE_PACKAGES_RESOURCE in package.resources else {})
        wanted = wanted | {r: fields for r, fields in OPTIONAL.items() if r in package.resources}
        shown = display(package.path)
        declared = declared_tables(package.descriptor)
        for resource, fields in wanted.items():
            table = package.resources.get(resource)
            if table is None and resource in declared:
                continue  # declared but not read: the problem that stopped it is reported, not its absence
            if table is None:
                yield problem("contract", f"package {name} needs a `{resource}` resource", shown, 0, "resources",
                              resource)
                continue
            have = {f.get("name") for f in table.fields}
            for missing in (f for f in fields if f not in have):
                yield problem("contract", f"resource {resource} needs a field `{missing}`", shown, 0, "fields",
                              missing)


def declared_tables(descriptor: dict[str, Any]) -> set[str]:
    """Names of the tabular resources a descriptor declares (any of them missing from a package was not read)."""
    return {str(r.get("name")) for r in descriptor.get("resources", [])
            if isinstance(r, dict) and r.get("profile", "tabular-data-resource") == "tabular-data-resource"}


def check_topics(packages: Packages) -> Iterator[Problem]:
    """A topic id shared by packages has the same heading and order in each (pages show one of them)."""
    first: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, table in ((n, p.resources["topics"]) for n, p in sorted(packages.packages.items())
                        if "topics" in p.resources):
        for i, row in enumerate(table.rows):
            earlier = first.setdefault(str(row.get("id")), (name, row))
            if earlier[1] != row:
                yield at(table, i, "topic-conflict", f"differs from topic {row.get('id')!r} in package "
                         f"{earlier[0]}", "id", row.get("id"))


RULES: tuple[Rule, ...] = (
    check_contract, check_references, check_periods, check_sources, check_formulas, check_duplicates,
    check_values, check_claims, check_disputes, check_shared_sources, check_topics, check_slugs, check_unique_ids,
    check_shared_measures,
)


def apply_rules(packages: Packages) -> list[Problem]:
    """Every project rule's problems."""
    return [found for rule in RULES for found in rule(packages)]
