"""Each release's diff kept in the cache between processes: a commit never changes, so a build in a fresh process
reads back the diffs it made before rather than exporting and comparing every data commit again."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sitegen.history.diff import DataDiff, FieldChange, FigureChange, SourceChange, TableChange

if TYPE_CHECKING:
    from sitegen.cache import Cache

SUFFIX = ".diff.json"


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
    except (ValueError, TypeError, KeyError):
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
    figures = [FigureChange(**fields(FIGURE, row, str)) for row in body["figures"]]
    sources = [SourceChange(**fields(SOURCE, row, str)) for row in body["sources"]]
    tables = [TableChange(**fields(TABLE, row, (str, str, str, int, int, int))) for row in body["tables"]]
    return DataDiff(figures, sources, tables)


def fields(names: tuple[str, ...], row: list[Any], kinds: type | tuple[type, ...]) -> dict[str, Any]:
    """A change's fields by name, each checked: text (or numbers, as kinds says), field changes as tuples."""
    found = dict(zip(names, row, strict=True))
    held = found.pop("changes", None)
    expected = [kinds] * len(found) if isinstance(kinds, type) else kinds
    if not all(type(value) is kind for value, kind in zip(found.values(), expected, strict=True)):
        raise TypeError("a change's field is not of its type")
    if held is not None:
        if not all(isinstance(c, list) and len(c) == 3 and all(type(x) is str for x in c) for c in held):
            raise ValueError("a field change of another shape")
        found["changes"] = tuple(FieldChange(*c) for c in held)
    return found
