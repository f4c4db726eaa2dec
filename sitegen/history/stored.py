"""Each release's diff kept in the cache between processes: a commit never changes, so a build in a fresh process
reads back the diffs it made before rather than exporting and comparing every data commit again."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from sitegen.history.diff import DataDiff, FieldChange, FigureChange, SourceChange, TableChange

if TYPE_CHECKING:
    from collections.abc import Callable

    from sitegen.cache import Cache

SUFFIX = ".diff.json"
T = TypeVar("T")


def diff_key(settings: str, before: str, after: str) -> str:
    """The cache key of the diff from one data commit (before; "" for none) to the next, under these settings."""
    return json.dumps(["release", settings, before, after])


def stored_diff(cache: Cache | None, key: str) -> DataDiff | None:
    """The diff kept under key, or None when there is none or it is not one (made afresh then)."""
    text = cache.get(key, SUFFIX) if cache is not None else None
    if text is None:
        return None
    try:
        return diff_of(json.loads(text))
    except (ValueError, TypeError, KeyError, RecursionError):
        return None


def store_diff(cache: Cache | None, key: str, diff: DataDiff) -> None:
    """Keep a diff under key."""
    if cache is not None:
        cache.put(key, SUFFIX, json.dumps(plain(diff), separators=(",", ":")))


FIGURE = tuple(FigureChange.__dataclass_fields__)  # a figure change's fields in their order
SOURCE = tuple(SourceChange.__dataclass_fields__)
TABLE = tuple(TableChange.__dataclass_fields__)


def plain(diff: DataDiff) -> dict[str, Any]:
    """A diff as JSON values: each change as the list of its fields, in their order (field changes as lists)."""
    return {"figures": [[json_of(getattr(f, name)) for name in FIGURE] for f in diff.figures],
            "sources": [[json_of(getattr(s, name)) for name in SOURCE] for s in diff.sources],
            "tables": [[getattr(t, name) for name in TABLE] for t in diff.tables]}


def json_of(value: Any) -> Any:
    """A field's value as JSON: field changes as [field, old, new] lists, text as it is."""
    return [[c.field, c.old, c.new] for c in value] if isinstance(value, tuple) else value


def diff_of(body: dict[str, Any]) -> DataDiff:
    """The diff `plain` wrote (a KeyError, TypeError or ValueError when it is not one)."""
    figures = changes_of(FigureChange, FIGURE, body["figures"], (str,) * (len(FIGURE) - 1))
    sources = changes_of(SourceChange, SOURCE, body["sources"], (str,) * (len(SOURCE) - 1))
    tables = changes_of(TableChange, TABLE, body["tables"], (str, str, str, int, int, int))
    return DataDiff(figures, sources, tables)


def changes_of(cls: Callable[..., T], names: tuple[str, ...], rows: list[Any], kinds: tuple[type, ...]) -> list[T]:
    """Each row a change of cls, its fields checked: of their kinds, in order, with field changes as tuples where
    cls has them.

    Checked a field at a time over all rows, not a row at a time: the release that imported the delayed transfers
    adds 48,000 figures, and reading its diff back took 0.4 s.
    """
    if type(rows) is not list or any(type(row) is not list or len(row) != len(names) for row in rows):
        raise TypeError("a change is not a list of its fields")
    columns = list(zip(*rows, strict=True)) or [() for _ in names]  # each field's values, in the rows' order
    at = names.index("changes") if "changes" in names else None
    plain = [i for i in range(len(names)) if i != at]
    for i, kind in zip(plain, kinds, strict=True):
        if not set(map(type, columns[i])) <= {kind}:
            raise TypeError(f"a change's {names[i]} is not of its type")
    if at is not None:
        held = columns[at]
        shaped = (type(c) is list and len(c) == 3 and set(map(type, c)) <= {str} for changes in held for c in changes)
        if not set(map(type, held)) <= {list} or not all(shaped):
            raise ValueError("a field change of another shape")
        columns[at] = tuple(tuple(FieldChange(*c) for c in changes) if changes else () for changes in held)
    return list(map(cls, *columns))
