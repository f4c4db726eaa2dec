"""Read data packages into typed rows, reporting broken files as problems (never raising)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from sitegen.data import Package, Packages, Resource
from sitegen.errors import Problem, problem

TRUE = {"true", "True", "TRUE", "1"}
FALSE = {"false", "False", "FALSE", "0"}


def display(path: Path) -> str:
    """A path relative to the working directory where possible (what editors and CI expect)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def find_descriptors(path: Path) -> list[Path]:
    """datapackage.json files at path: the file itself, a package folder, or a folder of packages."""
    if path.is_file():
        return [path]
    if (path / "datapackage.json").is_file():
        return [path / "datapackage.json"]
    return sorted(path.glob("*/datapackage.json"))


def load_json(path: Path) -> tuple[dict[str, Any] | None, bytes, list[Problem]]:
    """Parse a descriptor, and its bytes; bad bytes or syntax become one problem naming line and column."""
    shown = display(path)
    raw = b""
    try:
        raw = path.read_bytes()
        text = decode(raw, shown)
    except DecodeProblem as exc:
        return None, raw, [exc.problem]
    except OSError as exc:
        return None, raw, [problem("missing-file", f"cannot read the descriptor: {exc.strerror}", shown)]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, raw, [problem("invalid-json", f"{exc.msg} at line {exc.lineno}, column {exc.colno}",
                                   shown, exc.lineno)]
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        return None, raw, [problem("invalid-descriptor", "a descriptor is an object with a `resources` list", shown)]
    return data, raw, []


class DecodeProblem(Exception):
    """A file that is not clean UTF-8."""

    def __init__(self, found: Problem) -> None:
        super().__init__(found.message)
        self.problem = found


def decode(raw: bytes, shown: str) -> str:
    """UTF-8 text of a file; a BOM or invalid byte raises DecodeProblem naming line and byte."""
    if raw.startswith(codecs.BOM_UTF8):
        raise DecodeProblem(problem("bom", "the file starts with a UTF-8 byte order mark", shown, 1))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not valid UTF-8"
        raise DecodeProblem(problem("encoding", message, shown, line)) from None


def resource_path(folder: Path, descriptor: dict[str, Any], shown: str) -> tuple[Path | None, list[Problem]]:
    """The CSV a resource points to, refusing absolute paths, URLs and `..`."""
    raw = descriptor.get("path")
    if not isinstance(raw, str) or not raw:
        return None, [problem("invalid-descriptor", f"resource {descriptor.get('name')!r} has no path", shown)]
    if raw.startswith("/") or "://" in raw or ".." in Path(raw).parts:
        return None, [problem("unsafe-path", "resource path leaves the package folder", shown, 0, "path", raw)]
    return folder / raw, []


Table = tuple[list[list[str]], list[int], bytes]  # records, the line each starts on, the file's bytes


def read_table(path: Path, names: list[str]) -> tuple[Table, list[Problem]]:
    """Records, their lines and bytes; problems for unreadable, empty or mis-headed files."""
    shown = display(path)
    if not path.is_file():
        return ([], [], b""), [problem("missing-file", "the CSV named in datapackage.json does not exist", shown)]
    raw = path.read_bytes()
    try:
        text = decode(raw, shown)
    except DecodeProblem as exc:
        return ([], [], raw), [exc.problem]
    if not text.strip():
        return ([], [], raw), [problem("empty-file", "the file is empty", shown, 1)]
    reader = csv.reader(io.StringIO(text, newline=""))
    records, lines, start = [], [], 1
    try:
        for record in reader:
            records.append(record)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        return ([], [], raw), [problem("type-error", f"CSV cannot be parsed: {exc}", shown, start)]
    return (records, lines, raw), header_problems(records[0], names, shown)


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


def cast(text: str, type_: str) -> Any:
    """A cell's typed value, or None when blank or not castable (frictionless reports the latter)."""
    if text == "":
        return None
    try:
        if type_ == "integer":
            return int(text) if re.fullmatch(r"-?\d+", text) else None
        if type_ == "number":
            return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
        if type_ == "boolean":
            return True if text in TRUE else False if text in FALSE else None
        if type_ == "date":
            return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None
    return text


def typed_rows(records: list[list[str]], fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Typed dicts for data records (blank records skipped by the caller's line bookkeeping)."""
    names = [str(f.get("name")) for f in fields]
    types = [str(f.get("type", "string")) for f in fields]
    return [
        {name: cast(record[i] if i < len(record) else "", types[i]) for i, name in enumerate(names)}
        for record in records
    ]


def read_resource(folder: Path, descriptor: dict[str, Any], shown: str) -> tuple[Resource | None, list[Problem]]:
    """One tabular resource: checked bytes and header, then typed rows with their lines."""
    path, problems = resource_path(folder, descriptor, shown)
    if path is None:
        return None, problems
    fields = descriptor.get("schema", {}).get("fields", [])
    (records, lines, raw), problems = read_table(path, [str(f.get("name")) for f in fields])
    if problems:
        return None, problems
    data = [(r, n) for r, n in zip(records[1:], lines[1:], strict=True) if any(cell != "" for cell in r)]
    resource = Resource(str(descriptor.get("name")), path, descriptor)
    resource.rows = typed_rows([r for r, _ in data], fields)
    resource.lines = [n for _, n in data]
    resource.record_lines = lines
    resource.raw = raw
    return resource, []


def read_package(descriptor_path: Path) -> tuple[Package | None, list[Problem]]:
    """A package whose descriptor parses, with every resource that could be read."""
    descriptor, raw, problems = load_json(descriptor_path)
    if descriptor is None:
        return None, problems
    folder = descriptor_path.parent
    package = Package(str(descriptor.get("name") or folder.name), descriptor_path, descriptor, raw=raw)
    for item in descriptor["resources"]:
        if not isinstance(item, dict) or item.get("profile", "tabular-data-resource") != "tabular-data-resource":
            continue
        resource, found = read_resource(folder, item, display(descriptor_path))
        problems.extend(found)
        if resource is not None:
            package.resources[resource.name] = resource
    return package, problems


def read_packages(path: Path) -> tuple[Packages, list[Problem]]:
    """Every package under path, and every problem met reading them."""
    packages, problems = Packages(path), []
    descriptors = find_descriptors(path)
    if not descriptors:
        problems.append(problem("no-packages", "no datapackage.json found here", display(path)))
    problems.extend(folders_without_descriptor(path, descriptors))
    for descriptor_path in descriptors:
        package, found = read_package(descriptor_path)
        problems.extend(found)
        if package is not None:
            packages.packages[package.name] = package
    return packages, problems


def folders_without_descriptor(path: Path, descriptors: list[Path]) -> list[Problem]:
    """A package folder holding CSVs but no datapackage.json would be skipped unseen: report it."""
    if path.is_file() or path / "datapackage.json" in descriptors:
        return []
    found = []
    for folder in sorted(p for p in path.iterdir() if p.is_dir() and not (p / "datapackage.json").exists()):
        if any(folder.glob("*.csv")):
            found.append(problem("missing-file", "this folder holds CSV files but no datapackage.json, so none "
                                 "of its data would be published", display(folder / "datapackage.json")))
    return found
