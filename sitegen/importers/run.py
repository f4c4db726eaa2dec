"""`sitegen import FILE|FOLDER`: detect each file's layout, merge figures and sources by id, then validate."""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.data.model import ENGLAND
from sitegen.data.periods import period_dates
from sitegen.errors import QUIET, Problem, ProblemsFound, SitegenError, detail, level, plural, problem
from sitegen.files import FILESYSTEM_ADVICE, Inputs, ReadRefused, display
from sitegen.importers import LAYOUTS
from sitegen.importers.core import Areas, Cell, Layout, RawFile, Reading, bad_numbers, detect, figure
from sitegen.importers.names import area_index
from sitegen.importers.stage import clear_leftovers, make_stage, put_in_place, remove
from sitegen.importers.store import Merge, read_rows, schema_fields, upsert
from sitegen.importers.workbook import read_any

PACKAGES = Path(__file__).resolve().parent / "packages"  # packages an importer ships, by name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sitegen.config import Config


@dataclass(frozen=True)
class Places:
    """Where an import reads and writes: the live packages, their staged copy, and the fences of its reads."""

    root: Path  # the project's datapackages folder: never written but by put_in_place
    staged: Path  # the staging copy of root, where every write goes
    inputs: Inputs  # the project: packages are read inside it
    sources: Inputs  # where the returns named on the command line may be read


def load_areas(reference: Path, inputs: Inputs | None = None) -> Areas:
    """Names, codes and slugs of councils, former councils and England, and when former councils ended."""
    def rows(name: str) -> list[dict[str, str]]:
        return read_rows(reference / name, inputs)
    councils, predecessors, nations = rows("councils.csv"), rows("predecessors.csv"), rows("nations.csv")
    index = area_index(councils, predecessors, rows("successions.csv"), nations)
    return Areas(index, {r["code"]: r["slug"] for r in councils + predecessors + nations},
                 {r["code"]: date.fromisoformat(r["end_date"]) for r in predecessors})


PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # a package folder's plain name: no path, no link out


def target(places: Places, name: str) -> Path:
    """The package folder figures go into (its staged copy); it must exist with figures and sources resources, read
    inside the project. A package an importer ships (sitegen/importers/packages/: descriptor, measures and topics,
    no figures yet) is staged when missing, to be put in place whole if the import succeeds."""
    live, staged, shipped = places.root / name, places.staged / name, PACKAGES / name
    where = display(live)
    if not PLAIN.fullmatch(name) or (os.path.lexists(live) and (live.is_symlink() or not live.is_dir())):
        raise ProblemsFound([problem("unsafe-path", "--into names a package folder of datapackages/ by its plain "
                                     "name (not a path, nor a link)", where, 0, "--into", name)],
                            "nothing was imported")
    if not os.path.lexists(staged) and shipped.is_dir():
        shutil.copytree(shipped, staged)
    try:
        if not home(places, name).is_dir():
            raise KeyError(name)
        for resource in ("figures", "sources"):
            read_rows(schema_fields(home(places, name), resource, places.inputs)[1], places.inputs)
    except ReadRefused as exc:
        raise ProblemsFound([exc.problem], "nothing was imported") from None
    except (OSError, KeyError, ValueError):
        raise ProblemsFound([problem("missing-path", f"no figures package {name!r} here: --into names a folder "
                                     "of datapackages/ whose datapackage.json has figures and sources resources",
                                     where)], "nothing was imported") from None
    return staged


def home(places: Places, name: str) -> Path:
    """Where a package's files are read: the live folder (fenced as the build fences it), or a shipped one staged."""
    live = places.root / name
    return live if os.path.lexists(live) else places.staged / name


def unknown_measures(reading: Reading, folder: Path, shown: str, inputs: Inputs) -> list[Problem]:
    """Measures the adapter writes that the package's vocabulary does not define."""
    known = {row.get("id") for row in read_rows(folder / "measures.csv", inputs)}
    missing = sorted({cell.measure for cell in reading.cells} - known)
    return [problem("foreign-key", f"measure {m!r} is not in {display(folder / 'measures.csv')}: add it, with its "
                    "definition in our words", shown, 0, "measure", m) for m in missing]


def rows_of(reading: Reading, areas: Areas) -> list[dict[str, str]]:
    """Figure rows for every published cell."""
    rows = []
    for cell in reading.cells:
        dates = period_dates(cell.period)
        assert dates is not None  # adapters write financial-year or month labels
        rows.append(figure(cell, reading, areas.slugs[cell.area], (dates[0].isoformat(), dates[1].isoformat())))
    return rows


def summary(file: Path, layout: str, package: str, done: Merge, reading: Reading) -> str:
    """What the import did, in one paragraph."""
    councils = {cell.area for cell in reading.cells} - {ENGLAND}
    england = " and England" if any(cell.area == ENGLAND for cell in reading.cells) else ""
    rows = "row" if len(reading.skipped) == 1 else "rows"
    skipped = f"; skipped {len(reading.skipped)} {rows} not about one area" if reading.skipped else ""
    return (f"Imported {display(file)} (layout {layout}) into {package}: {done.summary('figures')}; "
            f"{reading.gaps} gaps (blank, ':' or NA: no figure written){skipped}; "
            f"{len(councils)} councils covered{england}.\n")


def batch_summary(path: Path, package: str, done: tuple[Merge, Merge], read: list[tuple[Layout, Reading]]) -> str:
    """What the import of a folder did to one package, in one paragraph."""
    readings = [r for _, r in read]
    layouts = Counter(layout.NAME for layout, _ in read)
    councils = {c.area for r in readings for c in r.cells} - {ENGLAND}
    england = " and England" if any(c.area == ENGLAND for r in readings for c in r.cells) else ""
    figures = sum(len(r.cells) for r in readings)
    return (f"Imported {plural(len(read), 'file')} from {display(path)} "
            f"({', '.join(f'{n} {k}' for k, n in sorted(layouts.items()))}) into {package}: "
            f"{done[0].summary('figures')}; {done[1].summary('sources')}; {figures} figures, "
            f"{sum(r.gaps for r in readings)} gaps (no figure written); {len(councils)} councils{england}.\n")


SUFFIXES = (".csv", ".xls")  # in a folder, the files an import reads (a README beside them is not a return)


def inputs(path: Path) -> list[Path]:
    """The file, or a folder's files of the kinds importers read, sorted by name."""
    if not path.is_dir():
        return [path]
    found = sorted(p for p in path.iterdir() if not p.is_dir() and p.suffix.lower() in SUFFIXES)
    if not found:
        raise ProblemsFound([problem("missing-path", f"the folder has no {' or '.join(SUFFIXES)} file to import",
                                     display(path))], "nothing was imported")
    return found


def source_fence(path: Path, project: Path, max_bytes: int) -> Inputs:
    """Where the returns named may be read: the project when they lie in it, else the folder named (a file's own
    folder) and its parent, where the ASC-FR file the delayed-transfer import reads lies: no link out of it."""
    named = Path(os.path.abspath(path))
    if named.is_relative_to(project) or named.resolve().is_relative_to(project):
        return Inputs(project, max_bytes)
    folder = named if path.is_dir() else named.parent
    return Inputs(folder.resolve().parent, max_bytes)


def hooks(layouts: Iterable[Layout], name: str) -> list[Callable[..., Any]]:
    """A layout's optional hook, once each even when several layouts share it, in LAYOUTS order."""
    found: list[Callable[..., Any]] = []
    for layout in LAYOUTS:
        hook = getattr(layout, name, None)
        if layout in layouts and hook is not None and hook not in found:
            found.append(hook)
    return found


def twice(reading: Reading, raw: RawFile, seen: dict[tuple[str, str, str], str]) -> list[Problem]:
    """Figures another file of the run already gives (a month's workbook twice, say): never one silently kept."""
    clashes: dict[str, list[Cell]] = {}
    for cell in reading.cells:
        other = seen.setdefault((cell.area, cell.measure, cell.period), raw.shown)
        if other != raw.shown:
            clashes.setdefault(other, []).append(cell)
    return [problem("duplicate-figure", f"{plural(len(cells), 'figure')} of this file ({cells[0].area} "
                    f"{cells[0].measure} {cells[0].period} first) are also in {other}: import one of the two",
                    raw.shown, cells[0].line, "file", raw.path.name) for other, cells in sorted(clashes.items())]


def read_all(files: list[Path], into: str | None, places: Places) -> tuple[
        dict[Path, list[tuple[Layout, Reading]]], list[str], Areas]:
    """Every file read by its layout, grouped by target package (staged); every problem in every file, then one
    abort."""
    problems: list[Problem] = []
    found: list[tuple[RawFile, Layout]] = []
    read = functools.partial(read_any, inputs=places.sources)
    for file in files:
        try:
            raw = read(file)
            found.append((raw, detect(raw, LAYOUTS)))
        except ProblemsFound as exc:
            problems += exc.problems
    try:
        areas = load_areas(places.root / "reference", places.inputs)
    except ReadRefused as exc:
        raise ProblemsFound([exc.problem], "nothing was imported") from None
    notes: list[str] = []
    for prepare in hooks({layout for _, layout in found}, "prepare"):
        said, wrong = prepare([raw for raw, _ in found], areas, read)
        notes += said
        problems += wrong
    packages: dict[Path, list[tuple[Layout, Reading]]] = {}
    seen: dict[Path, dict[tuple[str, str, str], str]] = {}
    for raw, layout in found:
        try:
            folder = target(places, into or layout.PACKAGE)
            reading = layout.read(raw, areas)
            problems += unknown_measures(reading, home(places, folder.name), raw.shown, places.inputs)
        except ProblemsFound as exc:
            problems += exc.problems
            continue
        except ReadRefused as exc:
            problems.append(exc.problem)
            continue
        problems += bad_numbers(raw, reading) + twice(reading, raw, seen.setdefault(folder, {}))
        packages.setdefault(folder, []).append((layout, reading))
    if problems:
        from sitegen.data.report import MAX_PER_FILE  # a million bad rows: a thousand said, then a count
        from sitegen.data.validate import at_most

        raise ProblemsFound(at_most(sorted(set(problems)), MAX_PER_FILE), "nothing was imported")
    return packages, notes, areas


def write_staged(places: Places, packages: dict[Path, list[tuple[Layout, Reading]]], areas: Areas) -> dict[
        Path, tuple[Merge, Merge]]:
    """Figures and sources merged into each staged package."""
    done = {}
    for folder, read in packages.items():
        source = home(places, folder.name)
        try:
            done[folder] = (upsert(source, "figures", [row for _, r in read for row in rows_of(r, areas)],
                                   places.inputs, folder),
                            upsert(source, "sources", [r.source for _, r in read], places.inputs, folder))
        except ReadRefused as exc:
            raise ProblemsFound([exc.problem], "nothing was imported") from None
    return done


def relocated(problems: list[Problem], places: Places) -> list[Problem]:
    """Problems found in the staged copy, naming the live files they are about."""
    staged, live = display(places.staged), display(places.root)
    return [replace(p, path=p.path.replace(staged, live, 1), message=p.message.replace(staged, live))
            for p in problems]


def filesystem_refusal(exc: OSError, places: Places | None = None) -> SitegenError:
    """One line for a failed write (disk full, read-only, no permission): the path (a staged file by the live
    folder it stands for), what happened, what to do."""
    what, advice = FILESYSTEM_ADVICE.get(exc.errno or 0, (exc.strerror or str(exc), "check the path and retry"))
    where = str(exc.filename or "the project folder")
    if places is not None and Path(where).is_relative_to(places.staged):
        where = display(places.root / Path(where).relative_to(places.staged).parent) + "/"
    return SitegenError(f"cannot write {where}: {what}; {advice}. Nothing was imported: every package is as it was")


def run_import(path: Path, into: str | None, config: Config) -> int:
    """Import a raw file or a folder of them into staged packages, validate them there, and put each changed one in
    place whole; 1 (nothing changed) when invalid. Call it holding the project's build lock."""
    from sitegen.data.report import MAX_PER_FILE, render_warnings
    from sitegen.data.validate import validate_packages
    from sitegen.data.warnings import first_warnings

    root = config.root / config.datapackages_dir
    project = Inputs(config.root, config.max_file_bytes)
    try:
        sys.stderr.write("".join(f"{line}\n" for line in clear_leftovers(config.root, root)))
        files = inputs(path)
        stage = make_stage(config.root, root)
    except OSError as exc:
        raise filesystem_refusal(exc) from None
    places = Places(root, stage / "datapackages", project, source_fence(path, config.root, config.max_file_bytes))
    try:
        packages, notes, areas = read_all(files, into, places)
        done = write_staged(places, packages, areas)
        detail(f"Read and merged {plural(sum(len(read) for read in packages.values()), 'file')}; validating "
               f"{display(root)}")
        checked, problems = validate_packages(places.staged, config)
        if problems:
            raise ProblemsFound(relocated(problems, places), "the imported figures do not validate: nothing was "
                                "imported")
        for folder in packages:
            if any(merge.written for merge in done[folder]) or not os.path.lexists(root / folder.name):
                put_in_place(stage, root, folder.name)
    except OSError as exc:
        raise filesystem_refusal(exc, places) from None
    finally:
        remove(stage)
    if level() == QUIET:  # errors only: an import that succeeds says nothing
        return 0
    for folder, read in packages.items():
        if path.is_dir():
            sys.stdout.write(batch_summary(path, folder.name, done[folder], read))
        else:
            (layout, reading), = read
            sys.stdout.write(summary(path, layout.NAME, folder.name, done[folder][0], reading))
    layouts = {layout for read in packages.values() for layout, _ in read}
    lines = notes + [line for review in hooks(layouts, "review")
                     for line in review([r for read in packages.values() for _, r in read])]
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    staged, live = display(places.staged), display(places.root)
    sys.stdout.write(render_warnings(*first_warnings(checked, MAX_PER_FILE)).replace(staged, live))
    return 0
