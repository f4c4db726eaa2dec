"""Render a validation result as text, JSON or GitHub Actions annotations."""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby
from typing import TYPE_CHECKING

from sitegen.errors import PROBLEM_TYPES, Problem, describe, plural, render_problems

if TYPE_CHECKING:
    from sitegen.data.rows import Packages


def summary(packages: Packages, problems: list[Problem]) -> dict[str, int]:
    """Counts for the closing line and the JSON report."""
    resources = [r for p in packages.packages.values() for r in p.resources.values()]
    return {
        "packages": len(packages.packages),
        "resources": len(resources),
        "rows": sum(r.count() for r in resources),
        "problems": len(problems),
        "files": len({p.path for p in problems}),
    }


def render_text(packages: Packages, problems: list[Problem]) -> str:
    """Problems grouped by file, then a summary line."""
    if not problems:
        counts = summary(packages, problems)
        return (f"OK: {plural(counts['packages'], 'package')}, {plural(counts['resources'], 'resource')}, "
                f"{plural(counts['rows'], 'row')}: no problems\n")
    return render_problems(problems)


def render_json(packages: Packages, problems: list[Problem]) -> str:
    """A machine-readable report, deterministic."""
    body = {
        "valid": not problems,
        "summary": summary(packages, problems),
        "problems": [p.as_dict() | {"title": PROBLEM_TYPES[p.code][0]} for p in problems],
    }
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def escape_data(text: str) -> str:
    """Escape a workflow-command message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(packages: Packages, problems: list[Problem]) -> str:
    """`::error file=…,line=…,title=…::message` per problem, so a pull request shows it on the line."""
    out = []
    for p in problems:
        props = [f"file={escape_property(p.path)}"] if p.path else []
        props += [f"line={p.line}"] if p.line else []
        props.append(f"title={escape_property(PROBLEM_TYPES[p.code][0])}")
        out.append(f"::error {','.join(props)}::{escape_data(describe(p) + ' (hint: ' + p.hint + ')')}")
    counts = summary(packages, problems)
    out.append(f"{plural(counts['problems'], 'problem')} in {plural(counts['files'], 'file')}")
    return "\n".join(out) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}


def render(packages: Packages, problems: list[Problem], fmt: str) -> str:
    """Render in one of RENDERERS' formats."""
    return RENDERERS[fmt](packages, problems)


MAX_PER_FILE = 1000  # problems or warnings listed of a file, as frictionless's own limit: past this, a file is
# broken throughout (or its warnings are its data's nature), and one line says how many more


def first_of_each_file(found: list[Problem], limit: int) -> tuple[list[Problem], dict[str, int]]:
    """The first `limit` of each file's problems or warnings, in order, and how many more each file has."""
    counts: dict[str, int] = {}
    listed = []
    for p in found:
        counts[p.path] = counts.get(p.path, 0) + 1
        if counts[p.path] <= limit:
            listed.append(p)
    return listed, {path: count - limit for path, count in counts.items() if count > limit}


def render_warnings(listed: list[Problem], totals: dict[str, int]) -> str:
    """Warnings grouped by file, each with its hint, then how many more a file has (listed: the first of each
    file, sitegen.data.warnings.first_warnings; totals: how many each has); then how many in all; empty when there
    are none."""
    total = sum(totals.values())
    if not total:
        return ""
    out = []
    for path, group in groupby(listed, key=lambda p: p.path):
        out.append(path or "<input>")
        shown = 0
        for p in group:
            out.append(f"  warning: {describe(p)}\n    hint: {p.hint}")
            shown += 1
        if totals.get(path, 0) > shown:
            out.append(f"  ({totals[path] - shown:,} more warnings in this file are not listed)")
    out.append(f"{plural(total, 'warning')} (the data is valid; worth a second look)")
    return "\n".join(out) + "\n"


def render_github_warnings(listed: list[Problem], totals: dict[str, int]) -> str:
    """`::warning file=…,line=…,title=…::message` per warning listed, then one for each file with more."""
    out = []
    for p in listed:
        props = [f"file={escape_property(p.path)}"] if p.path else []
        props += [f"line={p.line}"] if p.line else []
        props.append(f"title={escape_property(PROBLEM_TYPES[p.code][0])}")
        out.append(f"::warning {','.join(props)}::{escape_data(describe(p) + ' (hint: ' + p.hint + ')')}")
    shown = Counter(p.path for p in listed)
    for path, count in sorted(totals.items()):
        if count > shown[path]:
            where = f"file={escape_property(path)}," if path else ""
            out.append(f"::warning {where}title=More warnings::{count - shown[path]:,} more warnings in this file "
                       "are not listed")
    return "\n".join(out) + "\n" if out else ""
