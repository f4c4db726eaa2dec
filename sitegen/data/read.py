"""Read data packages into typed rows, reporting broken files as problems (never raising).

This is the one reader of values: validation and the build both see exactly the rows made here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.data.cells import ASCII_SPACE, cell_code, read_cell
from sitegen.data.descriptors import descriptor_problems
from sitegen.data.positions import locate
from sitegen.data.rows import Package, Packages, Resource
from sitegen.errors import Problem, problem
from sitegen.files import Inputs, ReadRefused, decode, display, read_bytes
from sitegen.text import CONTROL

if TYPE_CHECKING:
    from sitegen.data.memo import DataMemo

MAX_DEPTH = 32  # descriptors nest 6 deep; deeper is an attack on the parser, not a package


def find_descriptors(path: Path) -> list[Path]:
    """datapackage.json files at path: the file itself, a package folder, or a folder of packages."""
    if not path.is_dir():
        return [path]
    if os.path.lexists(path / "datapackage.json"):
        return [path / "datapackage.json"]
    return sorted(path.glob("*/datapackage.json"))


def load_json(path: Path, inputs: Inputs | None = None) -> tuple[dict[str, Any] | None, bytes, list[Problem]]:
    """Parse a descriptor, and its bytes; bad bytes, syntax or depth become one problem naming line and column."""
    shown = display(path)
    try:
        raw = read_bytes(path, inputs or Inputs.under(path), shown)
        text = decode(raw, shown)
    except ReadRefused as exc:
        return None, b"", [exc.problem]
    data, problems = parse_json(text, shown)
    return data, raw, problems


def parse_json(text: str, shown: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A descriptor object from JSON text, or the one problem that stops it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [problem("invalid-json", f"{exc.msg} at line {exc.lineno}, column {exc.colno}",
                              shown, exc.lineno)]
    except RecursionError:
        return None, [problem("too-deep", f"the JSON is nested more than {MAX_DEPTH} levels deep", shown)]
    except ValueError as exc:  # e.g. an integer of thousands of digits
        return None, [problem("invalid-json", f"a value cannot be read: {str(exc)[:80]}", shown)]
    if depth(data) > MAX_DEPTH:
        return None, [problem("too-deep", f"the JSON is nested more than {MAX_DEPTH} levels deep", shown)]
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        return None, [problem("invalid-descriptor", "a descriptor is an object with a `resources` list", shown)]
    return data, []


def depth(value: Any) -> int:
    """How deeply lists and objects nest in value (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def resource_path(folder: Path, descriptor: dict[str, Any], shown: str,
                  where: str = "path") -> tuple[Path | None, list[Problem]]:
    """The CSV a resource points to, refusing absolute paths, URLs and `..` (where: the property's JSON path)."""
    raw = descriptor.get("path")
    if not isinstance(raw, str) or not raw:
        return None, [problem("invalid-descriptor", f"resource {descriptor.get('name')!r} has no path (one file, "
                              "named by a string)", shown, 0, where, None if raw is None else json.dumps(raw))]
    if raw.startswith("/") or "://" in raw or ".." in Path(raw).parts or CONTROL.search(raw):
        return None, [problem("unsafe-path", "resource path leaves the package folder", shown, 0, where, raw)]
    return folder / raw, []


Table = tuple[list[list[str]], list[int], bytes]  # records, the line each starts on, the file's bytes


def table_text(path: Path, inputs: Inputs, text: bool = True) -> tuple[bytes, str, list[Problem]]:
    """A CSV's bytes and (unless text is False) text through every fence; problems for unreadable or empty files."""
    shown = display(path)
    if not os.path.lexists(path):
        return b"", "", [problem("missing-file", "the CSV named in datapackage.json does not exist", shown)]
    try:
        raw = read_bytes(path, inputs, shown)
        # plain ASCII with something in its first bytes is clean UTF-8 and not empty: no need to decode it
        quick = not text and raw.isascii() and bool(raw[:4096].strip(ASCII_SPACE))
        decoded = "" if quick else decode(raw, shown)
    except ReadRefused as exc:
        return b"", "", [exc.problem]
    if not quick and not decoded.strip():
        return raw, "", [problem("empty-file", "the file is empty", shown, 1)]
    return raw, decoded, []


def read_table(path: Path, names: list[str], inputs: Inputs) -> tuple[Table, list[Problem]]:
    """Records, their lines and bytes; problems for unreadable, empty or mis-headed files."""
    shown = display(path)
    raw, text, problems = table_text(path, inputs)
    if problems:
        return ([], [], raw), problems
    records, lines, problems = parse_records(text, shown)
    if problems:
        return ([], [], raw), problems
    return (records, lines, raw), header_problems(records[0], names, shown)


def parse_records(text: str, shown: str) -> tuple[list[list[str]], list[int], list[Problem]]:
    """CSV records and the line each starts on, or the problem that stops the parser."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, lines, start = [], [], 1
    try:
        for record in reader:
            records.append(record)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        return [], [], [problem("type-error", f"CSV cannot be parsed: {exc}", shown, start)]
    return records, lines, []


def header_problems(header: list[str], names: list[str], shown: str) -> list[Problem]:
    """One problem naming the first column where the header and the schema part ways."""
    if header == names:
        return []
    for index in range(max(len(header), len(names))):
        found = header[index] if index < len(header) else "(nothing)"
        expected = names[index] if index < len(names) else "(nothing)"
        if found != expected:
            message = f"column {index + 1} should be {expected!r} but is {found!r}"
            return [problem("header", message, shown, 1, expected, found)]
    return []


def typed_rows(records: list[list[str]], lines: list[int], fields: list[dict[str, Any]],
               shown: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Typed dicts for data records, and a located problem for every cell that cannot be read."""
    names = [str(f.get("name")) for f in fields]
    types = [str(f.get("type", "string")) for f in fields]
    rows, problems = [], []
    for record, line in zip(records, lines, strict=True):
        row = {}
        for i, name in enumerate(names):
            text = record[i] if i < len(record) else ""
            row[name], why = read_cell(text, types[i])
            if why:
                problems.append(problem(cell_code(text, types[i]), f"{why} (field type {types[i]})", shown, line,
                                        name, text))
        rows.append(row)
    return rows, problems


def read_resource(folder: Path, descriptor: dict[str, Any], shown: str, inputs: Inputs,
                  columnar: bool = True, memo: DataMemo | None = None,
                  where: str = "path") -> tuple[Resource | None, list[Problem]]:
    """One tabular resource: checked bytes and header, then its records as columns (or typed rows)."""
    path, problems = resource_path(folder, descriptor, shown, where)
    if path is None:
        return None, problems
    if columnar:
        return read_columns(path, descriptor, inputs, memo)
    fields = descriptor.get("schema", {}).get("fields", [])
    (records, lines, raw), problems = read_table(path, [str(f.get("name")) for f in fields], inputs)
    if problems:
        return None, problems
    data = [(r, n) for r, n in zip(records[1:], lines[1:], strict=True) if any(cell != "" for cell in r)]
    resource = Resource(str(descriptor.get("name")), path, descriptor)
    resource.rows, problems = typed_rows([r for r, _ in data], [n for _, n in data], fields, display(path))
    resource.lines = [n for _, n in data]
    resource.record_lines = lines
    resource.raw = raw
    return resource, problems


def read_columns(path: Path, descriptor: dict[str, Any], inputs: Inputs,
                 memo: DataMemo | None = None) -> tuple[Resource | None, list[Problem]]:
    """A resource read once into a polars frame (sitegen.data.columns); typed rows are made from it on demand.

    `sitegen serve` reads the data again on every edit: with its memo, a CSV whose bytes and schema are those
    read last time is not parsed again, and one whose status is as when the build hashed it (Inputs.known) is not
    read at all.
    """
    settings = json.dumps([descriptor, os.getcwd(), inputs.keep_bytes], sort_keys=True, default=repr)
    known = inputs.unchanged(path) if memo is not None else None
    kept = memo.parsed.kept(path, known.hex() + settings) if memo is not None and known is not None else None
    if kept is not None:  # the same bytes as when hashed, which were read and checked then: not read again
        return kept[0], list(kept[1])
    raw, _, problems = table_text(path, inputs, text=False)  # checked; polars reads the bytes
    if problems:
        return None, problems
    if memo is None:
        return parse_columns(path, descriptor, inputs, raw)
    sha = hashlib.sha256(raw).digest()
    key = sha.hex() + settings
    resource, found = memo.parsed.get(path, key, lambda: parse_columns(path, descriptor, inputs, raw, sha))
    return resource, list(found)


def parse_columns(path: Path, descriptor: dict[str, Any], inputs: Inputs, raw: bytes,
                  sha: bytes | None = None) -> tuple[Resource | None, list[Problem]]:
    """read_columns, once the bytes are read and checked (sha: their SHA-256, where the caller has it)."""
    from sitegen.data.columns import Cells, has_control
    from sitegen.data.split import frame_from_records, frame_of, marks_of, unusual_bytes

    fields = descriptor.get("schema", {}).get("fields", [])
    names, shown = [str(f.get("name")) for f in fields], display(path)
    marks = marks_of(raw)
    fast = frame_of(raw, len(names), marks)
    if fast is None:
        text = raw.decode("utf-8")
        records, lines, problems = parse_records(text, shown)
        if problems:
            return None, problems
        header, frame = records[0], frame_from_records(records, lines, len(names))
    else:
        header, frame = fast
    problems = header_problems(header, names, shown)
    if problems:
        return None, problems
    cells = Cells(frame, fields, clean=not has_control(unusual_bytes(marks)))
    resource = Resource(str(descriptor.get("name")), path, descriptor, raw=raw if inputs.keep_bytes else b"",
                        cells=cells)
    if sha is not None and inputs.keep_bytes:
        resource.hashed(sha)  # for the memo's key: not hashed again
    return resource, cells.cell_problems(shown)


def read_package(descriptor_path: Path, inputs: Inputs | None = None, columnar: bool = True,
                 memo: DataMemo | None = None) -> tuple[Package | None, list[Problem]]:
    """A package whose descriptor parses and makes sense, with every resource that could be read."""
    inputs = inputs or Inputs.under(descriptor_path)
    descriptor, raw, problems = load_json(descriptor_path, inputs)
    if descriptor is None:
        return None, problems
    shown, folder = display(descriptor_path), descriptor_path.parent
    problems = locate(descriptor_problems(descriptor, shown, folder.name), raw.decode("utf-8"), shown)
    if any(not p.field.startswith("resources[") for p in problems):
        return None, problems  # a package-wide problem (name, profile, link): frictionless never sees it
    package = Package(str(descriptor.get("name") or folder.name), descriptor_path, descriptor, raw=raw)
    broken = {p.field.split(".")[0] for p in problems}
    for index, item in enumerate(descriptor["resources"]):
        if f"resources[{index}]" in broken or item.get("profile", "tabular-data-resource") != "tabular-data-resource":
            continue
        resource, found = read_resource(folder, item, shown, inputs, columnar, memo, f"resources[{index}].path")
        problems.extend(locate(found, raw.decode("utf-8"), shown))
        if resource is not None:
            package.resources[resource.name] = resource
    return package, problems


def read_packages(path: Path, inputs: Inputs | None = None, columnar: bool = True,
                  memo: DataMemo | None = None) -> tuple[Packages, list[Problem]]:
    """Every package under path, and every problem met reading them (the project's data kept in memo, if given)."""
    inputs = inputs or Inputs.under(path)
    packages, problems = Packages(path), []
    if path.is_file() and path.suffix != ".json":  # not JSON at all: say what was wanted, not a syntax error
        return packages, [problem("invalid-descriptor", "this is a file where a data folder (or a package's "
                                  "datapackage.json) belongs", display(path))]
    descriptors = find_descriptors(path)
    if not descriptors:
        problems.append(problem("no-packages", "no datapackage.json found here", display(path)))
    problems.extend(folders_without_descriptor(path, descriptors))
    for descriptor_path in descriptors:
        package, found = read_package(descriptor_path, inputs, columnar, memo)
        problems.extend(found)
        if package is None:
            continue
        if package.name in packages.packages:
            first, shown = display(packages.packages[package.name].path), display(descriptor_path)
            problems += locate([problem("duplicate-package", f"package {first} has this name too", shown, 0, "name",
                                        package.name)], package.raw.decode("utf-8"), shown)
            continue
        packages.packages[package.name] = package
    return packages, problems


def folders_without_descriptor(path: Path, descriptors: list[Path]) -> list[Problem]:
    """A package folder holding CSVs but no datapackage.json would be skipped unseen: report it."""
    if not path.is_dir() or path / "datapackage.json" in descriptors:
        return []
    found = []
    for folder in sorted(p for p in path.iterdir() if p.is_dir() and not (p / "datapackage.json").exists()):
        if any(folder.glob("*.csv")):
            found.append(problem("missing-file", "this folder holds CSV files but no datapackage.json, so none "
                                 "of its data would be published", display(folder / "datapackage.json")))
    return found
