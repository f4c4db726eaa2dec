"""The column expressions that pick, for each project rule (sitegen.data.rules), the rows it must read: every row
that could break it, and perhaps a few more, which the rule then judges exactly in Python."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sitegen.data.descriptors import MAX_SLUG
from sitegen.data.pick import Picker, col, figure_tables, twins
from sitegen.text import SLUG

if TYPE_CHECKING:
    from sitegen.data.rows import Packages

# Slugs that name pages of the site: a council, ICB or measure called so would overwrite one
RESERVED_SLUGS = frozenset({"england", "index", "councils", "icbs", "measures", "sources", "coverage", "data",
                            "charts", "static", "js", "404", "about", "methodology", "sitemap", "robots"})


def formula_rows(cells: Any) -> list[int]:
    """Rows with a text cell that begins like a formula."""
    import polars as pl

    # the text as written, not typed: blank cells match nothing; the rule passes over ones with a control character
    text, known = [], set()
    for i, type_ in enumerate(cells.types):
        if type_ not in ("string", "any"):
            continue
        name = cells.names[i]
        # a cell the slug expression matches begins with a letter or a digit: where that is the field's pattern
        # constraint, only the cells validation found it may not match can begin like a formula (in a file with no
        # control character, whose typed cells are its text)
        kept = cells.unmatched.get((name, SLUG.pattern)) if cells.clean and cells.names.count(name) == 1 else None
        if kept is not None:
            known.update(kept)
        else:
            text.append(cells.test(i, lambda c: c.str.contains(r"^[=+\-@\t\r]")))
    return sorted(known.union(cells.pick(pl.any_horizontal(text)) if text else []))


FIGURE_KEY = ("area_code", "measure", "period_start", "period_end", "counterparty_code", "counterparty_name",
              "source_id")


def repeated_figures(cells: Any) -> list[int]:
    """Rows whose figure key appears more than once."""
    import polars as pl

    # by the key's hash, of its fields' numbers where their text is an Enum (Cells.code): no copy of seven columns
    # to compare (90 MB at 500,000 rows); a collision only adds a row that the rule then reads and passes
    key = [(cells.code(k) if k in cells.names else pl.lit(None)).alias(k) for k in FIGURE_KEY]
    return list(twins(cells.data, pl.struct(key)).to_list())


def value_rows(measures: dict[Any, dict[str, Any]]) -> Picker:
    """A picker for values that may have the wrong sign, range or unit for their measure."""
    def pick(cells: Any) -> list[int]:
        import polars as pl

        known = [k for k in measures if isinstance(k, str)]
        numeric = "value" in cells.names and cells.types[cells.names.index("value")] in ("integer", "number")
        if len(known) != len(measures) or not numeric:
            return list(range(cells.data.height))
        def by_measure(fn: Callable[[Any], Any]) -> Any:
            """fn of each row's measure: once a measure where its text is an Enum (Cells.expr_map)."""
            return cells.expr_map("measure", fn) if "measure" in cells.names else fn(pl.lit(None, pl.String))

        value, unit = col(cells, "value"), col(cells, "unit")
        negative = by_measure(lambda ids: ids.replace_strict({k: bool(m.get("allows_negative")) for k, m in
                                                              measures.items()}, default=None, return_dtype=pl.Boolean))
        wanted = by_measure(lambda ids: ids.replace_strict({k: m.get("unit") for k, m in measures.items()},
                                                           default=None, return_dtype=pl.String))
        wrong = ((value < 0) & ~negative) | ((wanted == "percent") & ((value < 0) | (value > 100))) | (
            unit.is_not_null() & wanted.is_not_null() & (unit.cast(pl.String) != wanted))
        return list(cells.pick(by_measure(lambda ids: ids.is_in(known)) & value.is_not_null() & wrong))
    return pick


def slug_rows(names: list[str]) -> Picker:
    """A picker for slugs that are unsafe, too long or reserved."""
    def pick(cells: Any) -> list[int]:
        import polars as pl

        wrong, known = [], set()
        for n in names:
            text = col(cells, n).cast(pl.String)
            bad = (text.str.len_bytes() > MAX_SLUG) | text.is_in(sorted(RESERVED_SLUGS))  # a slug is ASCII, or picked
            # where the field's pattern constraint is this very expression, validation found its rows already
            unmatched = cells.unmatched.get((n, SLUG.pattern))
            if unmatched is None:
                bad = bad | ~text.str.contains(SLUG.pattern)
            else:
                known.update(unmatched)
            wrong.append(col(cells, n).is_not_null() & bad)
        return sorted(known.union(cells.pick(pl.any_horizontal(wrong)))) if wrong else []
    return pick


def id_text(cells: Any) -> Any:
    """A figure id as the rule compares it: its text, or 'None' when blank."""
    import polars as pl

    return col(cells, "id").cast(pl.String).fill_null("None")


def shared_ids(packages: Packages) -> list[str]:
    """Figure ids found in more than one figures table (every id when a table is not held as columns)."""
    import polars as pl

    tables = [t for _, t in figure_tables(packages)]
    if any(t.cells is None for t in tables):
        return sorted({str(row.get("id")) for t in tables for row in t.rows})
    # each id with its hash: the tables' ids are compared by their hashes (comparing 500,000 texts costs twice as
    # much), then the few whose hash another table has too, by their text
    ids = [t.cells.data.select(id_text(t.cells).alias("i")).with_columns(h=pl.col("i").hash())  # type: ignore[union-attr]
           for t in tables]
    found: set[str] = set()
    for k in range(len(ids) - 1):  # each table's ids against the later tables' (no id is null)
        later = pl.concat(ids[k + 1:])
        maybe = ids[k].filter(pl.col("h").is_in(later["h"].implode()))
        if maybe.height:
            alike = later.filter(pl.col("h").is_in(maybe["h"].implode()))
            found.update(maybe.filter(pl.col("i").is_in(alike["i"].implode()))["i"].to_list())
    return sorted(found)
