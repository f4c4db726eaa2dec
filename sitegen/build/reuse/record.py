"""The dependency record: what each page read of the model, so an edit rewrites only the pages that read it.

While a page renders, every attribute a template reads of a model object (a figure, an area, an ICB, a measure,
a topic, a source, the site) is recorded as (kind, key, attribute). The record keeps every read once with a
digest of its value, and per page: the numbers of its reads, a digest of everything it was planned with (its
path, templates, title and context), and the hash of the HTML written. The next build reuses a page's HTML from
the last build only when all of that is unchanged and the file in build/ is still the one written; anything
else renders it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

import jinja2

from sitegen.data.model import Area, Council, Figure, Icb, Measure, Predecessor, Site, Source, Topic
from sitegen.errors import SitegenError
from sitegen.files import tree_digest, write_atomic

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

RECORD = "pages-record"
FORMAT = 7  # bump when what a page's digest covers changes, so every record made before is ignored
Read = tuple[str, str, str]  # (kind, key, attribute)
SEP = "\x1f"  # between kind, key and attribute in the record (no id, code or attribute holds a control)
TEMPLATE = "template"  # a read of a template by name: (TEMPLATE, name, ""), its value the text found for it
KINDS: dict[type, str] = {Figure: "figure", Area: "area", Council: "area", Predecessor: "area", Icb: "icb",
                          Measure: "measure", Topic: "topic", Source: "source", Site: "site"}
MISSING = object()
SCALARS = {type(None), bool, int, str}
TEXTUAL = {float, date, datetime, Decimal}  # hashed as their type's name and str(), as any instance of these
DATACLASS_MADE = ("<string>", dataclasses.__file__)  # where the methods dataclasses writes say they come from
PLAIN_NAMES = frozenset({"str", "int", "float", "bool", "date", "None", "tuple", "ClassVar"})
MAX_DEPTH = 24  # planned contexts nest a few levels; deeper is a cycle, hashed as unknown (so never reused)


def entity_key(obj: Any) -> str:
    """The key that finds a model object again in the next build's model."""
    kind = KINDS[type(obj)]
    if kind == "site":
        return ""
    return str(obj.code if kind in ("area", "icb") else obj.id)


class TracingEnvironment(jinja2.Environment):
    """A Jinja environment that records what templates read of model objects while `reads` is a set."""

    reads: set[Read] | None = None

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's `a.b`, recorded when `a` is a model object."""
        value = super().getattr(obj, attribute)
        if self.reads is not None and type(obj) in KINDS:
            self.reads.add((KINDS[type(obj)], entity_key(obj), attribute))
        return value

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        """A template by name (`extends`, `include`, `import`), recorded, found or not (adding one changes pages)."""
        if self.reads is not None and isinstance(name, str):
            self.reads.add((TEMPLATE, self.join_path(name, parent) if parent else name, ""))
        return super().get_template(name, parent, globals)

    def select_template(self, names: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        """The first of names there is (a page's specific template, else its general one), each name tried recorded."""
        template = super().select_template(names, parent, globals)
        if self.reads is not None:
            for name in names:
                if isinstance(name, str):
                    self.reads.add((TEMPLATE, self.join_path(name, parent) if parent else name, ""))
                if name == template.name:
                    break
        return template

    def getitem(self, obj: Any, argument: Any) -> Any:
        """Jinja's `a['b']`, and the attribute lookups of filters (sort, map, groupby), recorded likewise."""
        value = super().getitem(obj, argument)
        if self.reads is not None and type(obj) in KINDS and isinstance(argument, str):
            self.reads.add((KINDS[type(obj)], entity_key(obj), argument))
        return value


class Canon:
    """Canonical JSON-able forms of values, memoised for one model (one build)."""

    def __init__(self) -> None:
        self.own: dict[int, Any] = {}
        self.parts: dict[tuple[int, bool], Any] = {}  # objects met again on other pages: hashed once
        self.keep: list[Any] = []  # objects memoised by id stay alive, so an id is never reused within a build
        self.plain_types: dict[type, bool] = {}  # which value types are hashed by their repr (see plain_type)
        self.names: dict[type, tuple[str, ...]] = {}  # each model type's field names, looked up once a build
        self.shown: dict[type, tuple[str, ...] | None] = {}  # each type's fields in its repr, sorted (parts_of)

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
            names = self.names.get(type(obj))
            if names is None:
                names = self.names[type(obj)] = tuple(f.name for f in dataclasses.fields(obj))
            parts = []
            for name in names:  # a loop, not shallow() for each: a figure's fields are mostly scalars
                value = getattr(obj, name)
                parts.append([name, value if type(value) in SCALARS else self.shallow(value)])
            found = digest(parts)
            self.own[id(obj)] = found
            self.keep.append(obj)
        return found

    def plain(self, value: Any, depth: int, shallow: bool) -> Any:
        """Anything that is not a model object, its parts canonical (shallow: model objects by key only)."""
        if depth > MAX_DEPTH:
            return ["?", id(value)]  # never equal across builds: such a page is always rendered again
        kind = type(value)
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
            # a value object of plain fields only (a chart, its points) is its repr: far quicker than walking it
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
            return [inner(v, depth) for v in value]
        if isinstance(value, set | frozenset):
            return sorted((inner(v, depth) for v in value), key=repr)
        if isinstance(value, dict):
            return [[inner(k, depth), inner(v, depth)] for k, v in value.items()]
        kind = type(value)
        if kind not in self.shown:
            # a field left out of repr is derived from the others (a cache, the parsed form of bytes kept too)
            self.shown[kind] = (tuple(sorted(f.name for f in dataclasses.fields(value) if f.repr))
                                if dataclasses.is_dataclass(value) and not isinstance(value, type) else None)
        names = self.shown[kind]
        if names is not None:
            return [kind.__name__, [[name, inner(getattr(value, name), depth)] for name in names]]
        if hasattr(value, "__dict__"):
            return [kind.__name__, [[k, inner(v, depth)] for k, v in sorted(vars(value).items())]]
        return [kind.__name__, repr(value)]


def plain_type(cls: type, known: dict[type, bool]) -> bool:
    """Whether a type's repr is canonical: a frozen dataclass, its repr generated, whose fields hold only plain
    values (str, numbers, dates, tuples) or values of such types."""
    params = getattr(cls, "__dataclass_params__", None)
    made = getattr(getattr(cls, "__repr__", None), "__code__", None)
    if params is None or not params.frozen or made is None or made.co_filename not in DATACLASS_MADE:
        return False  # not a frozen dataclass, or its repr written by hand
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
    return hashlib.sha256(repr(value).encode()).hexdigest()  # reprs of str, int, float and lists are canonical


class Model:
    """The model objects of one build, by kind and key, and the canonical values of what pages read."""

    def __init__(self, site: Site, template_text: Callable[[str], str | None]) -> None:
        self.template_text = template_text  # a template's text as the build's loader finds it; None: there is none
        areas: Iterable[Any] = [*site.councils, *site.predecessors, site.england]
        self.objects: dict[tuple[str, str], Any] = {("site", ""): site}
        for group in (areas, site.icbs, site.measures, site.topics, site.sources, site.figures):
            self.objects |= {(KINDS[type(o)], entity_key(o)): o for o in group}
        self.canon = Canon()
        self.values: dict[str, str | None] = {}

    def read(self, read: str) -> str | None:
        """The value now of one read (`kind SEP key SEP attribute`), or None when the object is gone."""
        if read in self.values:
            return self.values[read]
        parts = read.split(SEP)
        if len(parts) != 3:  # a damaged record finds nothing
            found = None
        elif parts[0] == TEMPLATE:
            found = self.template(parts[1])
        else:
            obj = self.objects.get((parts[0], parts[1]), MISSING)
            value = getattr(obj, parts[2], MISSING)  # a template may ask for what an object lacks: it reads "none"
            found = None if obj is MISSING else shown(["missing"] if value is MISSING else self.canon.value(value))
        self.values[read] = found
        return found

    def template(self, name: str) -> str | None:
        """The value of a template read: a hash of its text, "none" where there is no such template; None (unknown:
        the page is rendered again, and reports why) where it cannot be read."""
        try:
            text = self.template_text(name)
        except SitegenError:  # the build stopped (SIGTERM) meanwhile: stop, never carry on as if unread
            raise
        except Exception:  # noqa: BLE001 - a link out of the project, a pipe: rendering the page reports it
            return None
        return "none" if text is None else digest(text)


class Record:
    """Last build's record (what to compare with) and this build's (what to save).

    The record holds each read once, with its value's digest; a page names its reads by number. A page is reused
    when nothing it was planned with changed and none of its reads is among those whose value changed.
    """

    def __init__(self, path: Path, setup: str, model: Model, use_last: bool) -> None:
        self.path, self.setup, self.model = path, setup, model
        self.last = load(path, setup) if use_last else Last()
        self.pages: dict[str, tuple[str, list[str], str]] = {}  # path -> (planned, reads by name, sha)
        self.changed: set[int] | None = None  # numbers of last build's reads whose value is not the same now
        self.reused = 0

    def reuse(self, path: str, planned: str) -> str | None:
        """The hash of last build's HTML for a page, if nothing it was made from has changed."""
        entry = self.last.pages.get(path)
        if not entry or entry[0] != planned:
            return None
        if self.changed is None:
            self.changed = self.changed_reads()
        return None if not self.changed.isdisjoint(entry[1]) else entry[2]

    def changed_reads(self) -> set[int]:
        """Last build's reads whose value now differs, or is unknown then or now (an object gone, a damaged
        record): each read of the whole site is valued once."""
        found = set()
        for number, (read, before) in enumerate(zip(self.last.reads, self.last.values, strict=True)):
            now = self.model.read(read)
            if before is None or now is None or now != before:
                found.add(number)
        return found

    def kept(self, path: str) -> None:
        """The page was kept from the last build: so is its entry."""
        planned, numbers, sha = self.last.pages[path]
        self.pages[path] = (planned, [self.last.reads[n] for n in numbers], sha)
        self.reused += 1

    def add(self, path: str, planned: str, reads: set[Read], sha: str) -> None:
        """What this build read and wrote for one page."""
        self.pages[path] = (planned, sorted(SEP.join(read) for read in reads), sha)

    def save(self) -> None:
        """Write this build's record (whole, or not at all): each read once with its value, pages by number."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        table: dict[str, int] = {}
        pages = {}
        for path, (planned, reads, sha) in sorted(self.pages.items()):
            numbers = ",".join(str(table.setdefault(read, len(table))) for read in reads)
            pages[path] = {"planned": planned, "reads": numbers, "sha": sha}
        values = [self.model.read(read) for read in table]
        body = {"format": FORMAT, "setup": self.setup, "reads": list(table), "values": values, "pages": pages}
        write_atomic(self.path, json.dumps(body, sort_keys=True, separators=(",", ":")))


@dataclasses.dataclass
class Last:
    """The last build's record: its reads, their values, and each page's (planned, read numbers, sha)."""

    reads: list[str] = dataclasses.field(default_factory=list)
    values: list[str | None] = dataclasses.field(default_factory=list)
    pages: dict[str, tuple[str, list[int], str]] = dataclasses.field(default_factory=dict)


def load(path: Path, setup: str) -> Last:
    """The record of a build made with the same templates, code and settings; else an empty one."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("format") != FORMAT or body.get("setup") != setup:
            return Last()
        reads, values = [str(r) for r in body["reads"]], [v if isinstance(v, str) else None for v in body["values"]]
        if len(reads) != len(values):
            return Last()
        pages = {}
        for page, entry in body["pages"].items():
            numbers = [int(n) for n in entry["reads"].split(",") if n]
            if any(not 0 <= n < len(reads) for n in numbers):
                continue  # damaged: rendered again
            pages[str(page)] = (str(entry["planned"]), numbers, str(entry["sha"]))
        return Last(reads, values, pages)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return Last()  # missing, torn or from elsewhere: every page is rendered again


def planned_digest(canon: Canon, path: str, templates: list[str], title: str, description: str,
                   context: dict[str, Any], charts: list[Any]) -> str:
    """A hash of everything a page was planned with (model objects in it by key: what it reads is traced)."""
    return digest([path, templates, title, description, canon.shallow(context), canon.shallow(charts)])


def setup_digest(config: Any, builtin_templates: Path, code: str) -> str:
    """What the Jinja environment is made of: the templates, sitegen's code, the libraries and the settings."""
    parts = [tree_digest(config.root / config.templates_dir, fence=config.root), tree_digest(builtin_templates)]
    return digest([parts, made_with(config, code)])


def made_with(config: Any, code: str) -> str:
    """What every file is made with, templates aside (each page records those it loads, and no download is made
    from one): sitegen's code and the libraries (code: sitegen.cache.code_digest), the settings."""
    return digest([code, Canon().value(config)])
