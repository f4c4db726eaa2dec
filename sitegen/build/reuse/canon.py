"""Canonical forms of model objects and the values pages are planned with, hashed to compare one build with the next.

A model object (a figure, an area, an ICB, a measure, a topic, a source) is known by its kind and key and valued
by its own fields, the objects it links to named by key only; anything else by its parts, or by its repr where
that is canonical.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import operator
import re
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from sitegen.data.model import Area, Council, Figure, Icb, Measure, Predecessor, Site, Source, Topic

KINDS: dict[type, str] = {Figure: "figure", Area: "area", Council: "area", Predecessor: "area", Icb: "icb",
                          Measure: "measure", Topic: "topic", Source: "source", Site: "site"}
# how each kind's key (entity_key) is read, where many of one kind are listed by key alone
KEYS: dict[type, Callable[[Any], str]] = {kind: operator.attrgetter("code" if name in ("area", "icb") else "id")
                                          for kind, name in KINDS.items() if kind is not Site}
MISSING = object()
SCALARS = {type(None), bool, int, str}
TEXTUAL = {float, date, datetime, Decimal}  # hashed as their type's name and str(), as any instance of these
MARSHALLED = SCALARS | {float}  # a model object's fields of these types are hashed as they are (see digest)
DATACLASS_MADE = ("<string>", dataclasses.__file__)  # where the methods dataclasses writes say they come from
PLAIN_NAMES = frozenset({"str", "int", "float", "bool", "date", "None", "tuple", "ClassVar"})
MAX_DEPTH = 24  # planned contexts nest a few levels; deeper is a cycle, hashed as unknown (so never reused)


def entity_key(obj: Any) -> str:
    """The key that finds a model object again in the next build's model."""
    return "" if type(obj) is Site else str(KEYS[type(obj)](obj))  # the site: one of its kind


class Canon:
    """Canonical JSON-able forms of values, memoised for one model (one build)."""

    def __init__(self) -> None:
        self.own: dict[int, Any] = {}
        self.parts: dict[tuple[int, bool], Any] = {}  # objects met again on other pages: hashed once
        self.keep: list[Any] = []  # objects memoised by id stay alive, so an id is never reused within a build
        self.plain_types: dict[type, bool] = {}  # which value types are hashed by their repr (see plain_type)
        self.getters: dict[type, tuple[str, Any, bool]] = {}  # each model type's field names, getter, how many
        self.plain_getters: dict[type, tuple[str, Any, bool]] = {}  # each plain type's name, getter, how many
        self.shown: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]] | None] = {}  # parts_of's
        self.inline: dict[type, bool] = {}  # which value types are hashed inline (see plain)

    def fork(self) -> Canon:
        """A canon that knows what this one does, for a build of the same model objects and planned values (a
        session's next build, sitegen.build.reuse.planned); what it hashes besides is its own."""
        other = Canon()
        other.own, other.parts = dict(self.own), dict(self.parts)
        other.plain_types, other.getters = dict(self.plain_types), dict(self.getters)
        other.plain_getters, other.shown, other.inline = dict(self.plain_getters), dict(self.shown), dict(self.inline)
        other.keep = [self]  # the objects known by id stay alive while the fork is in use
        return other

    def value(self, value: Any, depth: int = 0) -> Any:
        """A value in full; a model object as its own fields, with the objects it links to by key."""
        kind = type(value)
        if kind in SCALARS:
            return value
        if kind in KINDS:
            return ["E", KINDS[kind], entity_key(value), self.fields(value)]
        return self.plain(value, depth, False)

    def shallow(self, value: Any, depth: int = 0) -> Any:
        """A value with model objects named by kind and key only (what a page reads of them is traced)."""
        kind = type(value)
        if kind in SCALARS:
            return value
        if kind in KINDS:
            return ["R", KINDS[kind], entity_key(value)]
        return self.plain(value, depth, True)

    def fields(self, obj: Any) -> Any:
        """A model object's own fields; the site's are named only (each read of them is traced on its own)."""
        if isinstance(obj, Site):
            return None
        found = self.own.get(id(obj))
        if found is None:
            known = self.getters.get(type(obj))
            if known is None:
                names = tuple(f.name for f in dataclasses.fields(obj))
                known = self.getters[type(obj)] = (repr(names), operator.attrgetter(*names), len(names) > 1)
            head, getter, many = known
            values = getter(obj) if many else (getter(obj),)
            # every field of a figure, at once: most are scalars or floats, as they are, or dates, as day numbers
            found = digest([head, [v if type(v) in MARSHALLED else (v.toordinal(),) if type(v) is date
                                   else self.shallow(v) for v in values]])
            self.own[id(obj)] = found
            self.keep.append(obj)
        return found

    def plain(self, value: Any, depth: int, shallow: bool) -> Any:
        """Anything that is not a model object, its parts canonical (shallow: model objects by key only)."""
        if depth > MAX_DEPTH:
            return ["?", id(value)]  # never equal across builds: such a page is always rendered again
        kind = type(value)
        inline = self.inline.get(kind)
        if inline is None:
            inline = self.inline[kind] = (getattr(kind, "canonical_inline", False) is True
                                          and hasattr(kind, "canonical_parts"))
        if inline:  # small and many (48,000 positions): its parts at once, in its container's hash, not its own
            walked, rest = value.canonical_parts()
            inner = self.shallow if shallow else self.value
            return [kind.__name__, [inner(v, depth + 1) for v in walked], rest]
        if kind is str:
            return value
        if kind in TEXTUAL or isinstance(value, float | Decimal | date | datetime | PurePath):
            return [kind.__name__, str(value)]
        if isinstance(value, bytes):
            return ["bytes", hashlib.sha256(value).hexdigest()]
        if isinstance(value, str):
            return value
        key = (id(value), shallow)
        found = self.parts.get(key)
        if found is None:  # once per build: nothing changes while pages render
            listed = getattr(kind, "canonical_parts", None)
            if listed is not None:  # a value that lists what it is (a chart, a map): values to walk,
                # and the rest as plain values, hashed as they are
                inner, (walked, rest) = self.shallow if shallow else self.value, listed(value)
                found = self.parts[key] = digest([kind.__name__, [inner(v, depth + 1) for v in walked], rest])
                self.keep.append(value)
                return found
            # a value object of plain fields only (a map, its hexes) is its repr: far quicker than walking it
            plain = self.plain_types.get(kind)
            if plain is None:
                plain = plain_type(kind, self.plain_types)
            found = self.parts[key] = digest(repr(value) if plain else self.parts_of(value, depth, shallow))
            self.keep.append(value)
        return found

    def parts_of(self, value: Any, depth: int, shallow: bool) -> Any:
        """A container by its items, a dataclass or plain object by its fields, anything else by its repr."""
        inner, depth = self.shallow if shallow else self.value, depth + 1
        if isinstance(value, list | tuple):
            if shallow and value and (kind := type(value[0])) in KEYS and all(type(v) is kind for v in value):
                return ["R*", KINDS[kind], list(map(KEYS[kind], value))]  # an area's, a measure's figures: by key
            return [inner(v, depth) for v in value]
        if isinstance(value, set | frozenset):
            return sorted((inner(v, depth) for v in value), key=repr)
        if isinstance(value, dict):
            return [[inner(k, depth), inner(v, depth)] for k, v in value.items()]
        kind = type(value)
        if kind in self.shown:
            known = self.shown[kind]
        else:
            known = self.shown[kind] = shown_fields(value)
        if known is not None:
            names, getter = known
            field = self.field  # 48,000 positions on the measure pages: their scalars need no call
            return [kind.__name__, names, [v if type(v) in SCALARS else field(v, depth, inner) for v in getter(value)]]
        if hasattr(value, "__dict__"):
            return [kind.__name__, [[k, inner(v, depth)] for k, v in sorted(vars(value).items())]]
        return [kind.__name__, repr(value)]


    def field(self, value: Any, depth: int, inner: Callable[[Any, int], Any]) -> Any:
        """A dataclass's field; a small value of plain fields (a spread, a rate per head), met in one object only,
        is its repr rather than hashed and memoised on its own."""
        kind = type(value)
        if kind in SCALARS:
            return value
        if kind is float or kind is date:
            return [kind.__name__, repr(value)]
        plain = self.plain_types.get(kind)
        if plain is None:
            plain = self.plain_types[kind] = kind not in KINDS and plain_type(kind, self.plain_types)
        if not plain:
            return inner(value, depth)
        getter = self.plain_getters.get(kind)
        if getter is None:  # its fields in order, as its repr shows them, without the repr's cost
            names = tuple(f.name for f in dataclasses.fields(value) if f.repr)
            getter = self.plain_getters[kind] = (kind.__name__, operator.attrgetter(*names), len(names) > 1)
        name, values, many = getter
        return [name, values(value) if many else (values(value),)]


def shown_fields(value: Any) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]] | None:
    """A dataclass's fields in its repr, sorted, and a getter of their values in that order; None for others."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return None
    # a field left out of repr is derived from the others (a cache, the parsed form of bytes kept too)
    names = tuple(sorted(f.name for f in dataclasses.fields(value) if f.repr))
    if len(names) < 2:  # attrgetter gives a tuple for two names or more
        return names, lambda v: tuple(getattr(v, name) for name in names)
    return names, operator.attrgetter(*names)


def plain_type(cls: type, known: dict[type, bool]) -> bool:
    """Whether a type's repr is canonical: a frozen dataclass, its repr generated, whose fields hold only plain
    values (str, numbers, dates, tuples) or values of such types."""
    params = getattr(cls, "__dataclass_params__", None)
    made = getattr(getattr(cls, "__repr__", None), "__code__", None)
    if params is None or not params.frozen or made is None or made.co_filename not in DATACLASS_MADE:
        return False  # not a frozen dataclass, or its repr written by hand
    if hasattr(cls, "canonical_parts"):  # hashed by the parts it lists (Canon.plain), never by a repr
        known[cls] = False
        return False
    known[cls] = False  # until shown plain: a type that holds itself is walked
    names = vars(sys.modules[cls.__module__])
    for f in dataclasses.fields(cls):
        for token in re.findall(r"[A-Za-z_]+", str(f.type)):  # the annotation as written (postponed: a string)
            if token in PLAIN_NAMES:
                continue
            inner = names.get(token)
            if not isinstance(inner, type) or not known.get(inner, plain_type(inner, known) if inner not in known
                                                            else False):
                return False
    known[cls] = True
    return True


def shown(value: Any) -> str:
    """A read's value for the record: a short scalar as itself, anything else by its hash."""
    if type(value) in SCALARS and len(text := repr(value)) <= 64:
        return text
    return digest(value)


def digest(value: Any) -> str:
    """A hash of a canonical form."""
    try:  # marshal's version 2 writes equal lists, tuples, strings and numbers as equal bytes (it has no references
        # to earlier objects), a float as its 8 bytes: several times quicker than repr, which spells each float out
        data = b"m" + marshal.dumps(value, 2)
    except ValueError:  # something else in it (a date, a str subclass): its repr, canonical for the types canon keeps
        data = b"r" + repr(value).encode()
    return hashlib.sha256(data).hexdigest()


def linked(value: Any, found: set[Any], depth: int = 0) -> None:
    """Add to found the model objects in a value (in its containers and plain objects), not those they link to:
    what `Canon.value` values by their own fields."""
    kind = type(value)
    if kind in KINDS:
        found.add(value)
    elif kind in SCALARS or kind in TEXTUAL or depth > MAX_DEPTH:
        return
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            linked(item, found, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            linked(key, found, depth + 1)
            linked(item, found, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.repr:
                linked(getattr(value, f.name), found, depth + 1)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        for item in vars(value).values():
            linked(item, found, depth + 1)
