"""`sitegen diff`: a DataDiff as text for people, Markdown for a pull request, JSON for programs."""

from __future__ import annotations

import json
import re
from itertools import groupby
from typing import TYPE_CHECKING

from sitegen.errors import PROBLEM_TYPES, Problem, describe, plural
from sitegen.history.diff import DataDiff, FieldChange, FigureChange, SourceChange

if TYPE_CHECKING:
    from sitegen.history.revision import Version

SIGNS = {"added": "+", "changed": "~", "removed": "-", "renamed": "="}


def figure_words(f: FigureChange) -> str:
    """`client-debt-overdue, 31 March 2023: 16600000 GBP`."""
    return f"{f.measure}, {f.period}: {f.value} {f.unit}".strip()


def change_words(c: FieldChange) -> str:
    """`value 16600000 -> 17000000` (a blank shown as such)."""
    return f"{c.field} {c.old or '(blank)'!s} -> {c.new or '(blank)'!s}"


def figure_line(f: FigureChange) -> str:
    """One figure's change as a line of text."""
    if f.kind == "changed":
        return f"~ changed {f.id}: " + "; ".join(change_words(c) for c in f.changes)
    if f.kind == "renamed":
        return f"= renamed {f.old_id} -> {f.id} (same figure, not a change)"
    return f"{SIGNS[f.kind]} {f.kind} {f.id}: {figure_words(f)}"


def source_line(s: SourceChange) -> str:
    """One source's change as a line of text."""
    detail = "; ".join(change_words(c) for c in s.changes) if s.changes else s.title
    return f"{SIGNS[s.kind]} {s.kind} {s.id}: {detail}"


def location(p: Problem) -> str:
    """`path:line`, as editors and terminals link it."""
    return f"{p.path}:{p.line}" if p.path and p.line else p.path or "<input>"


def totals(diff: DataDiff, problems: list[Problem]) -> str:
    """The closing line: counts of each kind of change."""
    sources = len(diff.sources)
    return (f"{plural(diff.count('added'), 'figure')} added, {diff.count('changed')} changed, "
            f"{diff.count('removed')} removed; {plural(sources, 'source')} added or changed; "
            f"{plural(len(problems), 'new problem')}")


def groups(diff: DataDiff) -> groupby[tuple[str, str, str], FigureChange]:
    """Figure changes grouped by package and council."""
    return groupby(diff.figures, key=lambda f: (f.package, f.area_name, f.area_code))


def render_text(old: Version, new: Version, diff: DataDiff, problems: list[Problem]) -> str:
    """Changes grouped by package and council, then sources, then new problems."""
    out = [f"Data changes from {old.label} to {new.label}"]
    if diff.empty:
        out.append("No figure or source changed.")
    for (package, name, code), items in groups(diff):
        out.append(f"\n{package} · {name} ({code})")
        out += [f"  {figure_line(f)}" for f in items]
    if diff.sources:
        out.append("\nSources")
        out += [f"  {source_line(s)}" for s in diff.sources]
    if problems:
        out.append(f"\n{new.label} does not validate: problems it has that {old.label} did not")
        out += [f"  {location(p)}: {describe(p)}\n    hint: {p.hint}" for p in problems]
    out.append("\n" + totals(diff, problems))
    return "\n".join(out) + "\n"


MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # inside a table cell or heading nothing else starts markup


def md(text: str) -> str:
    """Text from the data made inert in Markdown: punctuation escaped, HTML brackets as entities."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def md_figure_rows(f: FigureChange) -> list[str]:
    """Table rows for one figure: one per changed field, or one for the whole figure."""
    if f.kind == "changed":
        return [f"| changed | `{f.id}` | {md(c.field)} | {md(c.old) or '*(blank)*'} | {md(c.new) or '*(blank)*'} |"
                for c in f.changes]
    if f.kind == "renamed":
        return [f"| renamed | `{f.id}` | id | `{f.old_id}` | `{f.id}` |"]
    before, after = ("", md(figure_words(f))) if f.kind == "added" else (md(figure_words(f)), "")
    return [f"| {f.kind} | `{f.id}` | (figure) | {before} | {after} |"]


def render_markdown(old: Version, new: Version, diff: DataDiff, problems: list[Problem]) -> str:
    """What a pull request's job summary shows."""
    out = [f"## Data changes: {md(old.label)} → {md(new.label)}", "", md(totals(diff, problems))]
    if diff.empty:
        out += ["", "No figure or source changed."]
    for (package, name, code), items in groups(diff):
        out += ["", f"### {md(package)} · {md(name)} ({code})", "",
                "| change | figure | field | before | after |", "|---|---|---|---|---|"]
        out += [row for f in items for row in md_figure_rows(f)]
    if diff.sources:
        out += ["", "### Sources", "", "| change | source | field | before | after |", "|---|---|---|---|---|"]
        for s in diff.sources:
            rows = [(c.field, c.old, c.new) for c in s.changes] or [("title", "", s.title)]
            out += [f"| {s.kind} | `{s.id}` | {md(f)} | {md(a)} | {md(b)} |" for f, a, b in rows]
    if problems:
        out += ["", f"### {md(new.label)} does not validate", "",
                "| file | line | field | value | problem |", "|---|---|---|---|---|"]
        out += [f"| {md(p.path)} | {p.line or ''} | {md(p.field)} | {md(p.value or '')} | {md(p.message)} |"
                for p in problems]
    return "\n".join(out) + "\n"


def render_json(old: Version, new: Version, diff: DataDiff, problems: list[Problem]) -> str:
    """A machine-readable diff, deterministic."""
    body = {
        "old": old.label, "new": new.label, "new_valid": not new.problems,
        "figures": [{k: v for k, v in f.__dict__.items() if k != "changes"}
                    | {"changes": [c.__dict__ for c in f.changes]} for f in diff.figures],
        "sources": [{"kind": s.kind, "id": s.id, "title": s.title, "changes": [c.__dict__ for c in s.changes]}
                    for s in diff.sources],
        "new_problems": [p.as_dict() | {"title": PROBLEM_TYPES[p.code][0]} for p in problems],
    }
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
