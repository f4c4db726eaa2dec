"""`sitegen validate`: frictionless checks plus project rules, every problem reported at once."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import click
import regex

from sitegen.data.positions import locate
from sitegen.data.read import read_packages
from sitegen.data.report import MAX_PER_FILE, first_of_each_file, render
from sitegen.data.rules import apply_rules
from sitegen.errors import PROBLEM_TYPES, QUIET, Problem, detail, level, plural, problem
from sitegen.files import Inputs, display

if TYPE_CHECKING:
    from pathlib import Path

    from sitegen.cache import Cache
    from sitegen.config import Config
    from sitegen.data.columns import Cells
    from sitegen.data.memo import DataMemo
    from sitegen.data.rows import Package, Packages, Resource

PATTERN_SECONDS = 0.5  # for all the cells of one field: a sane pattern needs microseconds a cell, so
PATTERN_CELL_SECONDS = 0.0001  # plus this much a cell checked: 48,000 ids on a loaded machine are not a slow pattern


def validate_packages(path: Path, config: Config | None = None, engine: str = "columnar",
                      keep_bytes: bool = True, memo: DataMemo | None = None, verdicts: Cache | None = None,
                      known: dict[str, list[Any]] | None = None) -> tuple[Packages, list[Problem]]:
    """Typed rows of every package under path, and all problems (never raises for bad input).

    engine "columnar" checks tables as polars column expressions (sitegen.data.checks); "frictionless" is the
    reference it must agree with, problem for problem: frictionless reading every row. keep_bytes=False drops
    each CSV's bytes once read (Resource.raw is then empty): `sitegen validate` never needs them. With a memo
    (`sitegen serve`, the project's own data), what was read and checked of unchanged files is not done again.
    With verdicts (the project's cache), frictionless's verdict on a descriptor it has judged before is read back.
    known: the hashes the build's look at its inputs made, by path (sitegen.files.Inputs.known).
    """
    inputs = Inputs.under(path)
    if config is not None:
        # the project is the fence; a folder named on the command line outside it is its own fence
        inside = path.resolve().is_relative_to(config.root)
        inputs = Inputs(config.root if inside else inputs.root, config.max_file_bytes)
    inputs = Inputs(inputs.root, inputs.max_bytes, keep_bytes, known or {})
    columnar = engine == "columnar"
    packages, problems = read_packages(path, inputs, columnar=columnar, memo=memo)
    for package in packages.packages.values():
        problems.extend(package_problems(package, engine, memo, verdicts))
    problems.extend(apply_rules(packages))  # across packages: always checked again
    return packages, at_most(dedupe(problems), MAX_PER_FILE)


def package_problems(package: Package, engine: str, memo: DataMemo | None = None,
                     verdicts: Cache | None = None) -> list[Problem]:
    """A package's own table and pattern problems (with a memo, the same bytes are checked once)."""
    def check() -> list[Problem]:
        tables = columnar_problems(package, memo, verdicts) if engine == "columnar" else frictionless_problems(package)
        return tables + pattern_problems(package)

    key = package_key(package, engine) if memo is not None else ""
    if memo is None or not key:
        return check()
    return list(memo.checked.get(package.path, key, check))


def package_key(package: Package, engine: str) -> str:
    """A hash of all a package's own problems depend on; "" when its bytes were not kept."""
    resources = list(package.resources.values())
    if not package.raw or any(not r.raw for r in resources):
        return ""
    h = hashlib.sha256(f"{engine}\0{package.path}\0{os.getcwd()}\0".encode())  # problems name paths from here
    h.update(hashlib.sha256(package.raw).digest())
    for resource in resources:
        h.update(f"{resource.name}\0{resource.path}\0".encode() + resource.digest)
    return h.hexdigest()


def at_most(problems: list[Problem], limit: int) -> list[Problem]:
    """The first `limit` problems of each file, then one saying how many more there are."""
    listed, more = first_of_each_file(problems, limit)
    return listed + [problem("too-many-problems", f"{count:,} more problems in this file are not listed", path, 0,
                             "", None) for path, count in sorted(more.items())]


def no_network() -> Any:
    """An HTTP session for frictionless that refuses every request: validation never fetches."""
    import requests  # loaded with frictionless, only when there is data to validate

    class NoNetwork(requests.Session):
        def request(self, method: str | bytes, url: str | bytes, *_args: Any, **_kwargs: Any) -> Any:  # type: ignore[override]
            """Refuse."""
            raise requests.ConnectionError(f"sitegen makes no network requests (refused {method!r} {url!r})")

    return NoNetwork()


def pattern_problems(package: Package) -> list[Problem]:
    """`pattern` constraints, matched as frictionless does but with a time limit (no ReDoS)."""
    found = []
    indexes = {id(item): index for index, item in enumerate(package.descriptor.get("resources", []))}
    for resource in package.resources.values():
        for number, field in enumerate(resource.fields):
            pattern = (field.get("constraints") or {}).get("pattern")
            if isinstance(pattern, str):
                at = f"resources[{indexes.get(id(resource.descriptor), 0)}].schema.fields[{number}]"
                found.extend(field_pattern_problems(resource, str(field["name"]), pattern, at))
    return locate(found, package.raw.decode("utf-8"), display(package.path)) if package.raw else found


def field_pattern_problems(resource: Resource, name: str, pattern: str, at: str) -> list[Problem]:
    """Cells of one field that do not match; a pattern too slow or broken is one located problem (at: the
    field's JSON path in datapackage.json)."""
    shown, where = resource.shown, display(resource.path.parent / "datapackage.json")
    try:
        compiled = regex.compile(f"^{pattern}$", regex.VERSION0)
    except (regex.error, RecursionError, OverflowError) as exc:
        return [problem("invalid-descriptor", f"the pattern of field {name} is not a regular expression: {exc}",
                        where, 0, f"{at}.constraints.pattern", pattern)]
    found: list[Problem] = []
    indexes = unmatched(resource, name, pattern)
    budget = _Budget(PATTERN_SECONDS + PATTERN_CELL_SECONDS * len(indexes))
    for index, row in zip(indexes, resource.rows_at(indexes), strict=True):
        value, line = row.get(name), resource.line(index)
        if not isinstance(value, str):
            continue
        try:
            matched = compiled.match(value, timeout=budget.left())
        except TimeoutError:
            return found + [problem("slow-pattern", f"matching the pattern of field {name} took over "
                                    f"{PATTERN_SECONDS} s (catastrophic backtracking)", shown, line, name, value)]
        if matched is None:
            found.append(problem("constraint-error", f'Constraint Error: constraint "pattern" is "{pattern}"',
                                 shown, line, name, value))
    return found


def unmatched(resource: Resource, name: str, pattern: str) -> list[int]:
    """Rows whose cell polars's regex does not match, or may match differently; all rows when it cannot say."""
    cells = cast("Cells | None", resource.cells)  # held as columns, or read row by row (None)
    if cells is None or name not in cells.names or cells.types[cells.names.index(name)] not in (
            "string", "any"):
        return list(range(len(resource.rows)))
    import polars as pl

    def odd(value: pl.Expr) -> pl.Expr:
        """Python's match() anchors at the start; `$` there also matches before a final newline."""
        return value.is_not_null() & (~value.str.contains(f"^(?:^{pattern}$)") | value.str.contains("\n"))

    try:
        found = cells.pick(cells.where(name, odd))  # once a value where the text is an Enum, no pass if none fails
    except pl.exceptions.PolarsError:  # a pattern polars's regex engine cannot take: Python matches every cell
        found = cells.pick(cells.expr(name).is_not_null())
    cells.unmatched[name, pattern] = found
    return found


class _Budget:
    """Seconds left of a time budget shared by many regex matches."""

    def __init__(self, seconds: float) -> None:
        import time

        self.clock = time.monotonic
        self.end = self.clock() + seconds

    def left(self) -> float:
        """Seconds remaining (a tiny positive number once spent, so the next match times out)."""
        return max(self.end - self.clock(), 1e-6)


def columnar_problems(package: Package, memo: DataMemo | None = None,
                      verdicts: Cache | None = None) -> list[Problem]:
    """frictionless_problems, by column expressions; frictionless itself where the package needs it."""
    from sitegen.data.checks import resource_errors, supported

    if not supported(package) or metadata_problems(package, memo, verdicts):
        return frictionless_problems(package)
    found = []
    for resource in package.resources.values():
        lines, shown = RecordLines(resource), resource.shown
        found += [task_problem(e, lines, shown) for e in resource_errors(package, resource)]
    return found


class RecordLines(Sequence[int]):
    """A resource's record lines as task_problem reads them, without making the whole list."""

    def __init__(self, resource: Resource) -> None:
        assert resource.cells is not None  # only resources held as columns are read so
        self.cells = cast("Cells", resource.cells)

    def __len__(self) -> int:
        return int(self.cells.frame.height) + 1

    def __getitem__(self, index: Any) -> Any:
        return self.cells.record_line(index + 1)


def metadata_problems(package: Package, memo: DataMemo | None = None, verdicts: Cache | None = None) -> list[Problem]:
    """What frictionless says of the descriptors and headers alone (with a memo, the same ones are checked once a
    session; with verdicts, once while the descriptor, sitegen and frictionless are unchanged)."""
    from sitegen.data.checks import header_only

    descriptor = header_only(package)

    def check() -> list[Problem]:
        return check_metadata(package, descriptor) if verdicts is None else judged(package, descriptor, verdicts)

    if memo is None:
        return check()
    key = json.dumps([descriptor, str(package.path), os.getcwd()], sort_keys=True, default=repr)
    return list(memo.metadata.get(package.path, key, check))


def judged(package: Package, descriptor: dict[str, Any], verdicts: Cache) -> list[Problem]:
    """check_metadata's verdict, from the cache when this descriptor was judged before: frictionless's metadata
    checks cost about a second a package, and most builds and validations change no descriptor."""
    # the verdict depends only on the descriptor (its data is its header, inline); every problem names the
    # descriptor's file, kept out of the entry so that a copy of the package elsewhere (a git revision) finds it
    key, shown = json.dumps(descriptor, sort_keys=True, default=repr), display(package.path)
    text = verdicts.get(key, ".json")
    if text is not None:
        with contextlib.suppress(ValueError, TypeError, RecursionError):  # an entry of another shape is made again
            return [Problem(**{**p, "path": shown}) for p in json.loads(text)]
    found = check_metadata(package, descriptor)
    if all(p.path == shown for p in found):
        with contextlib.suppress(OSError):  # the cache only saves time: a read-only one costs the check, no more
            verdicts.put(key, ".json", json.dumps([{**dataclasses.asdict(p), "path": ""} for p in found],
                                                  sort_keys=True))
    return found


def check_metadata(package: Package, descriptor: dict[str, Any]) -> list[Problem]:
    """What frictionless says of a header-only descriptor (each resource's data its header row)."""
    import frictionless

    shown = display(package.path)
    try:
        with frictionless.system.use_context(trusted=False, http_session=no_network()):
            fpackage = frictionless.Package(descriptor, basepath=str(package.path.parent))
            report = fpackage.validate(checklist=frictionless.Checklist(checks=[frictionless.checks.duplicate_row()]))
    except frictionless.FrictionlessException as exc:
        return [problem("invalid-descriptor", exc.error.message, shown)]
    except (ValueError, TypeError, RecursionError) as exc:
        return [problem("invalid-descriptor", f"frictionless cannot check this package: {str(exc)[:120]}", shown)]
    found = [problem("invalid-descriptor", e.message, shown) for e in report.errors]
    return found + [task_problem(e, [1], shown) for task in report.tasks for e in task.errors]


def readable_descriptor(package: Package) -> dict[str, Any]:
    """The descriptor limited to resources that could be read, so frictionless sees no broken file."""
    descriptor = copy.deepcopy(package.descriptor)
    readable = set(package.resources)
    descriptor["resources"] = [r for r in descriptor["resources"] if isinstance(r, dict) and r.get("name") in readable]
    for resource in descriptor["resources"]:
        schema = resource.get("schema", {})
        for field in schema.get("fields", []):
            # patterns are matched by pattern_problems, with a time limit; frictionless's `re` has none
            (field.get("constraints") or {}).pop("pattern", None)
        schema["foreignKeys"] = [
            fk for fk in schema.get("foreignKeys", [])
            if fk.get("reference", {}).get("resource", "") in readable | {""}
        ]
    return descriptor


def frictionless_problems(package: Package) -> list[Problem]:
    """Frictionless's table checks (types, constraints, keys, rows) located by file line."""
    import frictionless  # heavy import: only when validating

    shown = display(package.path)
    try:
        with frictionless.system.use_context(trusted=False, http_session=no_network()):
            fpackage = frictionless.Package(readable_descriptor(package), basepath=str(package.path.parent))
            checklist = frictionless.Checklist(checks=[frictionless.checks.duplicate_row()])
            report = fpackage.validate(checklist=checklist)
    except frictionless.FrictionlessException as exc:
        return [problem("invalid-descriptor", exc.error.message, shown)]
    except (ValueError, TypeError, RecursionError) as exc:  # frictionless on input it did not expect
        return [problem("invalid-descriptor", f"frictionless cannot check this package: {str(exc)[:120]}", shown)]
    found = [problem("invalid-descriptor", e.message, shown) for e in report.errors]
    for task in report.tasks:
        resource = package.resources.get(task.name)
        where = display(resource.path) if resource else shown
        found.extend(task_problem(e, resource.record_lines if resource else [], where)
                     for e in task.errors)
    return found


def task_problem(error: Any, record_lines: Sequence[int], path: str) -> Problem:
    """One frictionless error as a Problem on its file line."""
    line = line_of(getattr(error, "row_number", None) or 0, record_lines)
    code = error.type if error.type in PROBLEM_TYPES else "frictionless"
    note = re.sub(r"(?:the same as in the )?row at position (\d+)",
                  lambda m: f"same as line {line_of(int(m.group(1)), record_lines)}",
                  getattr(error, "note", "") or "")
    message = f"{error.title}: {note}" if note else error.title
    field = getattr(error, "field_name", "") or ",".join(getattr(error, "field_names", None) or [])
    if not field and getattr(error, "field_number", None):
        field = f"column {error.field_number}"
    cells = getattr(error, "field_cells", None)
    value = getattr(error, "cell", None) if cells is None else ",".join(map(str, cells))
    return problem(code, message, path, line, field, value)


def line_of(row: int, record_lines: Sequence[int]) -> int:
    """File line of frictionless's row number (the header is row 1)."""
    return record_lines[row - 1] if 0 < row <= len(record_lines) else 0


FRICTIONLESS_CODES = {"type-error", "constraint-error", "extra-cell", "missing-cell", "duplicate-row",
                      "primary-key", "unique-error", "foreign-key", "frictionless"}


def priority(p: Problem) -> tuple[str, int, str, int]:
    """Sort key: by place; a blank row first, then our rules (clearer), then frictionless's echo."""
    rank = 0 if p.code == "blank-row" else 2 if p.code in FRICTIONLESS_CODES else 1
    return (p.path, p.line, p.field, rank)


def dedupe(problems: list[Problem]) -> list[Problem]:
    """One problem per file, line and field; a blank row hides the key errors it causes."""
    seen: set[tuple[str, int, str]] = set()
    blank = {(p.path, p.line) for p in problems if p.code == "blank-row"}
    # a duplicated key is already named by the field's unique-error: the row-level echo is noise
    blank |= {(p.path, p.line) for p in problems if p.code == "unique-error"}
    out = []
    for p in sorted(problems, key=priority):
        # a short row is one problem, not one per missing cell
        key = (p.path, p.line, p.code if p.code == "missing-cell" else p.field)
        echo = p.code == "primary-key" or (p.code != "blank-row" and not p.field)
        if key in seen or (echo and (p.path, p.line) in blank and p.line):
            continue
        seen.add(key)
        out.append(p)
    return out


def run_validate(path: Path, fmt: str, config: Config) -> int:
    """Print the report in the chosen format; 0 when valid, 1 when not."""
    if not path.exists():
        raise click.UsageError(f"{path}: no such file or folder")
    from sitegen.cache import Cache, noted_code_digest

    folder = config.root / config.cache_dir
    verdicts = Cache(folder, "verdicts", noted_code_digest(folder))
    detail(f"Validating {display(path)}")
    packages, problems = validate_packages(path, config, keep_bytes=False, verdicts=verdicts)
    detail(f"Checked {plural(len(packages.packages), 'package')}: {plural(len(problems), 'problem')}")
    if fmt != "text" or problems or level() > QUIET:  # quiet: the text report only when it reports errors
        sys.stdout.write(render(packages, problems, fmt))
    if fmt != "text" or level() > QUIET:
        sys.stdout.write(render_warning_lines(packages, fmt))
    return 1 if problems else 0


def render_warning_lines(packages: Packages, fmt: str) -> str:
    """Warnings after the report (text and GitHub formats); they never change the exit code."""
    from sitegen.data.report import render_github_warnings, render_warnings
    from sitegen.data.warnings import first_warnings

    renderer = {"text": render_warnings, "github": render_github_warnings}.get(fmt)
    return "" if renderer is None else renderer(*first_warnings(packages, MAX_PER_FILE))
