"""`sitegen import FILE|FOLDER`: detect each file's layout, merge figures and sources by id, then validate."""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.data.model import ENGLAND
from sitegen.data.periods import period_dates
from sitegen.errors import Problem, ProblemsFound, plural, problem
from sitegen.files import display
from sitegen.importers import LAYOUTS
from sitegen.importers.core import Areas, Cell, Layout, RawFile, Reading, bad_numbers, detect, figure
from sitegen.importers.names import area_index
from sitegen.importers.store import Merge, read_rows, schema_fields, upsert
from sitegen.importers.workbook import read_any
from sitegen.verbosity import QUIET, detail, level

PACKAGES = Path(__file__).resolve().parent / "packages"  # packages an importer ships, by name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sitegen.config import Config


def load_areas(reference: Path) -> Areas:
    """Names, codes and slugs of councils, former councils and England, and when former councils ended."""
    councils, predecessors = read_rows(reference / "councils.csv"), read_rows(reference / "predecessors.csv")
    nations = read_rows(reference / "nations.csv")
    index = area_index(councils, predecessors, read_rows(reference / "successions.csv"), nations)
    return Areas(index, {r["code"]: r["slug"] for r in councils + predecessors + nations},
                 {r["code"]: date.fromisoformat(r["end_date"]) for r in predecessors})


def target(root: Path, name: str, created: list[Path]) -> Path:
    """The package folder figures go into; it must exist with a figures resource. A package an importer ships
    (sitegen/importers/packages/: descriptor, measures and topics, no figures yet) is put in place when missing,
    whole by one rename, and listed in created, to be taken away again if the import fails."""
    folder = root / name
    shipped = PACKAGES / name
    # only a package the importer ships, by its plain name: `--into ../x` never copies or writes anything
    if shipped.parent == PACKAGES and shipped.is_dir() and root.is_dir() and not os.path.lexists(folder):
        staging = root / f".{name}-{os.getpid()}"
        shutil.copytree(shipped, staging)
        os.rename(staging, folder)
        created.append(folder)
    try:
        schema_fields(folder, "figures")
        schema_fields(folder, "sources")
    except (OSError, KeyError, ValueError):
        raise ProblemsFound([problem("missing-path", f"no figures package {name!r} here: --into names a folder "
                                     "of datapackages/ whose datapackage.json has figures and sources resources",
                                     display(folder))], "nothing was imported") from None
    return folder


def unknown_measures(reading: Reading, folder: Path, shown: str) -> list[Problem]:
    """Measures the adapter writes that the package's vocabulary does not define."""
    known = {row["id"] for row in read_rows(folder / "measures.csv")}
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


def snapshot(folder: Path) -> dict[Path, bytes]:
    """The bytes of every file of a package, to put back if validation fails."""
    return {p: p.read_bytes() for p in folder.iterdir() if p.is_file()}


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
    found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not found:
        raise ProblemsFound([problem("missing-path", f"the folder has no {' or '.join(SUFFIXES)} file to import",
                                     display(path))], "nothing was imported")
    return found


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


def read_all(files: list[Path], into: str | None, root: Path, created: list[Path]) -> tuple[
        dict[Path, list[tuple[Layout, Reading]]], list[str], Areas]:
    """Every file read by its layout, grouped by target package; every problem in every file, then one abort."""
    problems: list[Problem] = []
    found: list[tuple[RawFile, Layout]] = []
    for file in files:
        try:
            raw = read_any(file)
            found.append((raw, detect(raw, LAYOUTS)))
        except ProblemsFound as exc:
            problems += exc.problems
    areas = load_areas(root / "reference")
    notes: list[str] = []
    for prepare in hooks({layout for _, layout in found}, "prepare"):
        said, wrong = prepare([raw for raw, _ in found], areas, read_any)
        notes += said
        problems += wrong
    packages: dict[Path, list[tuple[Layout, Reading]]] = {}
    seen: dict[Path, dict[tuple[str, str, str], str]] = {}
    for raw, layout in found:
        try:
            folder = target(root, into or layout.PACKAGE, created)
            reading = layout.read(raw, areas)
        except ProblemsFound as exc:
            problems += exc.problems
            continue
        problems += bad_numbers(raw, reading) + unknown_measures(reading, folder, raw.shown)
        problems += twice(reading, raw, seen.setdefault(folder, {}))
        packages.setdefault(folder, []).append((layout, reading))
    if problems:
        raise ProblemsFound(sorted(set(problems)), "nothing was imported")
    return packages, notes, areas


def run_import(path: Path, into: str | None, config: Config) -> int:
    """Import a raw file or a folder of them, validate every package, and report; 1 (nothing changed) when invalid."""
    from sitegen.data.report import render_warnings
    from sitegen.data.validate import validate_packages
    from sitegen.data.warnings import apply_warnings

    root = config.root / config.datapackages_dir
    created: list[Path] = []
    try:
        packages, notes, areas = read_all(inputs(path), into, root, created)
        before = {p: data for folder in packages for p, data in snapshot(folder).items()}
        done = {}
        for folder, read in packages.items():
            done[folder] = (upsert(folder, "figures", [row for _, r in read for row in rows_of(r, areas)]),
                            upsert(folder, "sources", [r.source for _, r in read]))
        files = sum(len(read) for read in packages.values())
        detail(f"Read and merged {plural(files, 'file')}; validating {display(root)}")
        checked, problems = validate_packages(root)
        if problems:
            for file, data in before.items():
                file.write_bytes(data)
            raise ProblemsFound(problems, "the imported figures do not validate: nothing was imported")
    except BaseException:
        for folder in created:  # a package put in place for this import goes with it
            shutil.rmtree(folder, ignore_errors=True)
        raise
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
    sys.stdout.write(render_warnings(apply_warnings(checked)))
    return 0
