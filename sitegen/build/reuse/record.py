"""The dependency record: what each page read of the model, so an edit rewrites only the pages that read it.

While a page renders, every attribute a template reads of a model object (a figure, an area, an ICB, a measure,
a topic, a source, the site) is recorded as (kind, key, attribute). The record keeps, per page: the model objects
it read (each valued once a build by its own fields, see canon.py, a figure by the digest of all it publishes;
for a field holding other objects, those too), the reads that are not an object's own fields (a property worked
out from other objects, the site's attributes, a template), each with its value's digest; a digest of everything
it was planned with (its path, templates, title and context; a part made later, by its key: later.py); and the
hash of the HTML written. The next build reuses a page's HTML from the last build only when all of that is
unchanged and the file in build/ is still the one written; anything else renders it again.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

import jinja2

from sitegen.build.reuse.canon import KINDS, MISSING, SCALARS, TEXTUAL, Canon, digest, entity_key, linked, shown
from sitegen.data.model import Figure, Site, Source
from sitegen.errors import SitegenError
from sitegen.files import tree_digest, write_atomic

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

RECORD = "pages-record"
FORMAT = 11  # bump when what a page's digest covers changes, so every record made before is ignored
Read = tuple[str, str, str]  # (kind, key, attribute)
SEP = "\x1f"  # between kind, key and attribute in the record (no id, code or attribute holds a control)
TEMPLATE = "template"  # a read of a template by name: (TEMPLATE, name, ""), its value the text found for it
# properties worked out from their object's own fields alone: a page reading one depends on the object's fields
OWN: dict[type, frozenset[str]] = {
    Figure: frozenset({"shown_precision", "value_text", "speaker", "status_text", "source_line"}),
    Source: frozenset({"date_text"})}


class TracingEnvironment(jinja2.Environment):
    """A Jinja environment that records what templates read of model objects while `reads` is a set."""

    reads: set[Read] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # names no loader has: a page's own template is looked for on every page (`council-york.html`); the
        # templates cannot change under an environment (sitegen.site.render.env_for), so none is looked for twice
        self.missing: set[str] = set()

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's `a.b`, recorded when `a` is a model object."""
        try:  # Jinja's own first step, inline: a page makes about 700 of these
            value = getattr(obj, attribute)
        except AttributeError:
            value = super().getattr(obj, attribute)  # an item, or undefined
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
        plain = isinstance(names, list) and not parent and all(isinstance(name, str) for name in names)
        known = [name for name in names if name not in self.missing] if plain else []
        template = super().select_template(known or names, parent, globals)
        if known:
            self.missing.update(names[:names.index(template.name)])
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


def model_objects(site: Site) -> dict[tuple[str, str], Any]:
    """The site's model objects by kind and key."""
    areas: Iterable[Any] = [*site.councils, *site.predecessors, site.england]
    objects: dict[tuple[str, str], Any] = {("site", ""): site}
    for group in (areas, site.icbs, site.measures, site.topics, site.sources, site.figures):
        objects |= {(KINDS[type(o)], entity_key(o)): o for o in group}
    return objects


class Model:
    """The model objects of one build, by kind and key, and the canonical values of what pages read."""

    def __init__(self, site: Site, template_text: Callable[[str], str | None], canon: Canon | None = None,
                 objects: dict[tuple[str, str], Any] | None = None, figures: dict[str, bytes] | None = None) -> None:
        self.template_text = template_text  # a template's text as the build's loader finds it; None: there is none
        self.objects = model_objects(site) if objects is None else objects  # a session's, for the same site
        self.canon = canon or Canon()  # a session's, while the model is the same (sitegen.build.reuse.planned)
        self.figures = figures  # each one's digest of all it publishes (publish.fingerprint), made for the downloads
        self.values: dict[str, str | None] = {}
        self.plain = False  # whether values holds the plain figures' values yet (entity)
        self.fields: dict[type, frozenset[str]] = {}  # each model type's fields and own properties
        self.links: dict[tuple[int, str], set[str]] = {}  # the objects in a field's value, by object and field

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

    def entity(self, name: str) -> str | None:
        """The digest now of a model object's own fields (`kind SEP key`), or None when it is gone."""
        if name in self.values:  # a name has two parts, a read three: they never meet
            return self.values[name]
        if self.figures is not None and not self.plain:  # most figures (no NHS body, no dispute) in one pass
            self.plain, prefix = True, KINDS[Figure] + SEP
            self.values.update({prefix + f.id: self.figures[f.id].hex() for f in self.objects[("site", "")].figures
                                if f.counterparty is None and f.dispute is None})  # as figure_value, at a third
            return self.entity(name)
        parts = name.split(SEP)
        obj = self.objects.get((parts[0], parts[1])) if len(parts) == 2 and parts[0] != "site" else None
        if obj is None:
            found = None
        elif self.figures is not None and type(obj) is Figure:
            found = figure_value(self.canon, obj, self.figures[obj.id])
        else:
            found = self.canon.fields(obj)
        self.values[name] = found
        return found

    def split(self, reads: set[Read]) -> tuple[set[str], set[str]]:
        """A page's reads as the model objects it depends on by their fields (`kind SEP key`), and the reads
        valued one by one (templates, the site's attributes, properties of more than their object's fields)."""
        objects: set[str] = set()
        others: set[str] = set()
        for kind, key, attribute in reads:
            obj = self.objects.get((kind, key)) if kind not in (TEMPLATE, "site") else None
            if obj is None:
                others.add(SEP.join((kind, key, attribute)))
                continue
            objects.add(kind + SEP + key)
            names = self.fields.get(type(obj))
            if names is None:
                names = self.fields[type(obj)] = frozenset(
                    f.name for f in dataclasses.fields(obj)) | OWN.get(type(obj), frozenset())
            if attribute not in names:
                others.add(SEP.join((kind, key, attribute)))
            elif attribute not in OWN.get(type(obj), ()):  # a field: the objects it holds are shown too
                value = getattr(obj, attribute)
                held = type(value)
                if held in KINDS:  # one object (a figure's area, measure, source): no walk, no set
                    if held is not Site:
                        objects.add(KINDS[held] + SEP + entity_key(value))
                elif held not in SCALARS and held not in TEXTUAL:
                    objects |= self.linked(obj, attribute)
        return objects, others

    def linked(self, obj: Any, attribute: str) -> set[str]:
        """The model objects in a field's value (not the site: each read of it is recorded on its own)."""
        key = (id(obj), attribute)
        found = self.links.get(key)
        if found is None:
            held: set[Any] = set()
            linked(getattr(obj, attribute), held)
            found = self.links[key] = {KINDS[type(o)] + SEP + entity_key(o) for o in held if type(o) is not Site}
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


def figure_value(canon: Canon, figure: Figure, published: bytes) -> str:
    """A figure's value in the record from its digest of all it publishes (its own fields, and its area's, measure's
    and source's names it shows with them) and its fields that digest leaves out: a third of the cost of
    Canon.fields, on the 48,000 figures a data edit values again."""
    if figure.counterparty is None and figure.dispute is None:  # most figures: that digest alone, as text
        return published.hex()
    return digest([published.hex(), canon.shallow(figure.counterparty), canon.shallow(figure.dispute)])


class Record:
    """Last build's record (what to compare with) and this build's (what to save).

    The record holds each model object and each other read once, with its value's digest; a page names them by
    number. A page is reused when nothing it was planned with changed and none of them changed.
    """

    def __init__(self, path: Path, setup: str, model: Model, use_last: bool, saved: Saved | None = None) -> None:
        self.path, self.setup, self.model, self.saved = path, setup, model, saved
        kept = saved.last_for(path, setup) if saved and use_last else None
        self.last = kept or (load(path, setup) if use_last else Last())
        # saved by a build of these very model objects: valued as they are now, so none of them differs
        self.same_objects = kept is not None and saved is not None and saved.site is model.objects[("site", "")]
        self.pages: dict[str, Entry] = {}  # path -> (planned, objects by name, reads by name, sha)
        self.kept_pages: dict[str, Numbered] = {}  # path -> its entry in the last record, by the last's numbers
        self.changed: tuple[set[int], set[int]] | None = None  # numbers of last build's objects and reads that differ
        self.reused = 0

    def reuse(self, path: str, planned: str) -> str | None:
        """The hash of last build's HTML for a page, if nothing it was made from has changed."""
        entry = self.last.pages.get(path)
        if not entry or entry[0] != planned:
            return None
        if self.changed is None:
            objects = ({n for n, before in enumerate(self.last.object_values) if before is None} if self.same_objects
                       else self.changed_objects())
            self.changed = objects, self.changed_reads()
        objects, reads = self.changed
        return None if not objects.isdisjoint(entry[1]) or not reads.isdisjoint(entry[2]) else entry[3]

    def changed_objects(self) -> set[int]:
        """Last build's model objects whose fields now differ, or are unknown then or now (gone, a damaged record)."""
        entity = self.model.entity
        return {number for number, (name, before) in enumerate(zip(self.last.objects, self.last.object_values,
                                                                   strict=True))
                if before is None or entity(name) != before}

    def changed_reads(self) -> set[int]:
        """Last build's other reads whose value now differs, or is unknown then or now: each valued once."""
        read = self.model.read
        return {number for number, (name, before) in enumerate(zip(self.last.reads, self.last.values, strict=True))
                if before is None or (now := read(name)) is None or now != before}

    def kept(self, path: str) -> None:
        """The page was kept from the last build: so is its entry."""
        self.kept_pages[path] = self.last.pages[path]
        self.reused += 1

    def add(self, path: str, planned: str, reads: set[Read], sha: str) -> None:
        """What this build read and wrote for one page."""
        objects, others = self.model.split(reads)
        self.pages[path] = (planned, sorted(objects), sorted(others), sha)

    def save(self, write: bool = True) -> None:
        """Write this build's record (whole, or not at all): each object and read once with its value, pages by
        number. Unwritten (a preview's), the session alone keeps it: a process finding the file older renders again
        what changed since (the hashes of the files in build/ differ from those it lists)."""
        writing = write or self.saved is None
        objects, table, numbered = self.numbered(compact=writing)
        # the same model objects as the last build's: valued as they were then (reuse relies on it too)
        known = dict(zip(self.last.objects, self.last.object_values, strict=True)) if self.same_objects else {}
        entity = self.model.entity
        last = Last(list(objects), [known.get(name) or entity(name) for name in objects], list(table),
                    [self.model.read(read) for read in table], numbered)
        if writing:
            pages = {path: {"planned": planned, "sha": sha, "objects": ",".join(map(str, named)),
                            "reads": ",".join(map(str, numbers))}
                     for path, (planned, named, numbers, sha) in numbered.items()}
            body = {"format": FORMAT, "setup": self.setup, "objects": last.objects,
                    "object_values": last.object_values, "reads": last.reads, "values": last.values, "pages": pages}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(body, sort_keys=True, separators=(",", ":")))
        if self.saved is not None:
            self.saved.keep(self.path, self.setup, last, self.model.objects[("site", "")])

    def numbered(self, compact: bool) -> tuple[dict[str, int], dict[str, int], dict[str, Numbered]]:
        """Every page's entry with its objects and reads by number, and the numbers: compact (each object and read
        a page names, once, in page order: the record as written), or the last record's with new ones after them,
        so a kept page's entry stands as it is (a preview's, kept by the session alone: 0.1 s less on the real
        site, where a template edit keeps 1,100 pages; what no page names any more goes with the next written)."""
        objects: dict[str, int] = {}
        table: dict[str, int] = {}
        kept = self.kept_pages
        if not compact:
            objects = {name: n for n, name in enumerate(self.last.objects)}
            table = {read: n for n, read in enumerate(self.last.reads)}
            if len(objects) != len(self.last.objects) or len(table) != len(self.last.reads):  # a damaged record
                objects, table, compact = {}, {}, True
        entries = self.pages
        if compact:  # a kept page's entry by name, as if rendered again
            entries = {**entries, **{path: (planned, [self.last.objects[n] for n in named],
                                            [self.last.reads[n] for n in numbers], sha)
                                     for path, (planned, named, numbers, sha) in kept.items()}}
            kept = {}
        numbered = {}
        for path in sorted(entries.keys() | kept.keys()):
            if path in kept:
                numbered[path] = kept[path]
                continue
            planned, names, reads, sha = entries[path]
            numbered[path] = (planned, [objects.setdefault(name, len(objects)) for name in names],
                              [table.setdefault(read, len(table)) for read in reads], sha)
        return objects, table, numbered


Entry = tuple[str, list[str], list[str], str]  # a page: planned, model objects and other reads by name, sha
Numbered = tuple[str, list[int], list[int], str]  # the same, its objects and reads by their numbers in a record


@dataclasses.dataclass
class Last:
    """The last build's record: its objects and reads with their values, and each page's (planned, object numbers,
    read numbers, sha)."""

    objects: list[str] = dataclasses.field(default_factory=list)
    object_values: list[str | None] = dataclasses.field(default_factory=list)
    reads: list[str] = dataclasses.field(default_factory=list)
    values: list[str | None] = dataclasses.field(default_factory=list)
    pages: dict[str, Numbered] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Saved:
    """The record a session's last build made (`sitegen serve`), while the file is as that build left it (written
    then, or not written, by a preview)."""

    path: Path | None = None
    setup: str = ""
    stat: tuple[int, int, int] | None = None  # the file's (inode, size, modification time) then; None: none
    last: Last | None = None
    site: Site | None = None  # the model it was valued against

    def keep(self, path: Path, setup: str, last: Last, site: Site) -> None:
        """The record just made, and its file's stat as the build left it (anything else writing it makes it
        unknown)."""
        self.path, self.setup, self.stat, self.last, self.site = path, setup, file_stat(path), last, site

    def last_for(self, path: Path, setup: str) -> Last | None:
        """The record made for path with setup, if the file is still as that build left it; else None: read it."""
        if self.last is None or path != self.path or setup != self.setup:
            return None
        return self.last if file_stat(path) == self.stat else None


def file_stat(path: Path) -> tuple[int, int, int] | None:
    """A file's (inode, size, modification time), or None where there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def load(path: Path, setup: str) -> Last:
    """The record of a build made with the same templates, code and settings; else an empty one."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("format") != FORMAT or body.get("setup") != setup:
            return Last()
        objects, reads = [str(r) for r in body["objects"]], [str(r) for r in body["reads"]]
        object_values = [v if isinstance(v, str) else None for v in body["object_values"]]
        values = [v if isinstance(v, str) else None for v in body["values"]]
        if len(reads) != len(values) or len(objects) != len(object_values):
            return Last()
        pages = {}
        for page, entry in body["pages"].items():
            named = [int(n) for n in entry["objects"].split(",") if n]
            numbers = [int(n) for n in entry["reads"].split(",") if n]
            if any(not 0 <= n < len(reads) for n in numbers) or any(not 0 <= n < len(objects) for n in named):
                continue  # damaged: rendered again
            pages[str(page)] = (str(entry["planned"]), named, numbers, str(entry["sha"]))
        return Last(objects, object_values, reads, values, pages)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return Last()  # missing, torn or from elsewhere: every page is rendered again


def planned_digest(canon: Canon, path: str, templates: list[str], title: str, description: str,
                   context: dict[str, Any], charts: list[Any], later: str = "") -> str:
    """A hash of everything a page was planned with (model objects in it by key: what it reads is traced; later:
    the key of what it shows that is made when it is rendered, sitegen.build.reuse.later)."""
    return digest([path, templates, title, description, canon.shallow(context), canon.shallow(charts), later])


def setup_digest(config: Any, builtin_templates: Path, code: str) -> str:
    """What the Jinja environment is made of: the templates, sitegen's code, the libraries and the settings."""
    parts = [tree_digest(config.root / config.templates_dir, fence=config.root), tree_digest(builtin_templates)]
    return digest([parts, made_with(config, code)])


def made_with(config: Any, code: str) -> str:
    """What every file is made with, templates aside (each page records those it loads, and no download is made
    from one): sitegen's code and the libraries (code: sitegen.cache.code_digest), the settings."""
    return digest([code, Canon().value(config)])
