"""`sitegen import FILE`: detect the layout, merge its figures and source by id, then validate."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from sitegen.data.model import ENGLAND
from sitegen.data.periods import period_dates
from sitegen.errors import Problem, ProblemsFound, problem
from sitegen.files import display
from sitegen.importers import LAYOUTS
from sitegen.importers.core import Areas, Reading, bad_numbers, detect, figure, read_raw
from sitegen.importers.names import area_index
from sitegen.importers.store import Merge, read_rows, schema_fields, upsert

if TYPE_CHECKING:
    from pathlib import Path

    from sitegen.config import Config


def load_areas(reference: Path) -> Areas:
    """Names, codes and slugs of councils, former councils and England."""
    councils, predecessors = read_rows(reference / "councils.csv"), read_rows(reference / "predecessors.csv")
    nations = read_rows(reference / "nations.csv")
    index = area_index(councils, predecessors, read_rows(reference / "successions.csv"), nations)
    return Areas(index, {r["code"]: r["slug"] for r in councils + predecessors + nations})


def target(root: Path, name: str) -> Path:
    """The package folder figures go into; it must exist with a figures resource."""
    folder = root / name
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
        assert dates is not None  # adapters write financial-year labels
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


def run_import(file: Path, into: str | None, config: Config) -> int:
    """Import one raw file, validate every package, and report; 1 (nothing changed) when invalid."""
    from sitegen.data.report import render_warnings
    from sitegen.data.validate import validate_packages
    from sitegen.data.warnings import apply_warnings

    raw = read_raw(file)
    layout = detect(raw, LAYOUTS)
    root = config.root / config.datapackages_dir
    folder = target(root, into or layout.PACKAGE)
    areas = load_areas(root / "reference")
    reading = layout.read(raw, areas)
    problems = bad_numbers(raw, reading) + unknown_measures(reading, folder, raw.shown)
    if problems:
        raise ProblemsFound(problems, "nothing was imported")
    before = snapshot(folder)
    done = upsert(folder, "figures", rows_of(reading, areas))
    upsert(folder, "sources", [reading.source])
    packages, problems = validate_packages(root)
    if problems:
        for path, data in before.items():
            path.write_bytes(data)
        raise ProblemsFound(problems, "the imported figures do not validate: nothing was imported")
    sys.stdout.write(summary(file, layout.NAME, folder.name, done, reading))
    sys.stdout.write(render_warnings(apply_warnings(packages)))
    return 0
