"""A hostile fixture project, made by code from the mini fixture: markup, scripts, huge and strange text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import MINI, copy_project

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
LONG = "Long note " + "x" * 10_000
# right-to-left (Arabic), emoji, combining marks (e + U+0301, stacked), a bidi override and its pop
WORLD = "\u0645\u062c\u0644\u0633 \U0001f3e5 Zoe\u0301 S\u0302\u0337\u0328 \u202ereversed\u202c"
MARKDOWN = """
Raw HTML below must never run or reach the page as markup.

<script>alert(1)</script>
<img src=x onerror=alert(1)>
<iframe src="https://example.org/"></iframe>
<a href="javascript:alert(1)">a javascript link</a>
[a markdown javascript link](javascript:alert(1))
<div onclick="alert(1)" style="color:red">a div with handlers</div>

Figure: {{ figure:cambridgeshire-nhs-overdue-asc-debt-31-march-2024 }}.
"""

# What the validator must accept, and the site must show as text: (file, figure or row id, field, value)
ACCEPTED = [
    ("reference/councils.csv", "E10000003", "name", f"Cambridgeshire {SCRIPT} County Council"),
    ("reference/councils.csv", "E10000003", "short_name", f"Cambs {ATTRIBUTE}"),
    ("reference/councils.csv", "E10000003", "region", WORLD),
    ("nhs-debts/figures.csv", "cambridgeshire-nhs-overdue-asc-debt-31-march-2024", "note", f"{SCRIPT} {ATTRIBUTE}"),
    ("nhs-debts/figures.csv", "cambridgeshire-nhs-overdue-asc-debt-31-march-2024", "counterparty_name", ATTRIBUTE),
    ("nhs-debts/figures.csv", "cambridgeshire-client-debt-overdue-31-march-2023", "note", LONG),
    ("nhs-debts/figures.csv", "cambridgeshire-client-debt-overdue-31-march-2023", "area_name_reported", WORLD),
    ("nhs-debts/figures.csv", "cambridgeshire-client-debt-overdue-31-march-2023", "value", "1000000000000000"),
    ("nhs-debts/figures.csv", "cambridgeshire-client-debt-overdue-31-march-2024", "value", "0"),
    ("nhs-debts/sources.csv", "src-2c095c55", "title", SCRIPT),
    ("nhs-debts/sources.csv", "src-2c095c55", "publisher", f"{ATTRIBUTE} {WORLD}"),
    ("nhs-debts/measures.csv", "client-debt-overdue", "definition", f"{SCRIPT} {LONG}"),
]

# What the validator must reject: (file, row id, field, value, problem code)
REJECTED = [
    ("nhs-debts/sources.csv", "src-2c095c55", "url", "javascript:alert(1)", "url-scheme"),
    ("nhs-debts/figures.csv", "cambridgeshire-client-debt-overdue-31-march-2023", "note", "=HYPERLINK(\"http://x\")",
     "formula"),
    ("nhs-debts/figures.csv", "cambridgeshire-client-debt-overdue-31-march-2023", "note", "+1", "formula"),
    ("nhs-debts/figures.csv", "cambridgeshire-client-debt-overdue-31-march-2023", "note", "-1+1", "formula"),
    ("nhs-debts/figures.csv", "cambridgeshire-client-debt-overdue-31-march-2023", "note", "@SUM(A1)", "formula"),
    ("reference/councils.csv", "E06000001", "slug", "../../etc", "bad-slug"),
    ("nhs-debts/figures.csv", "cambridgeshire-client-debt-overdue-31-march-2023", "id", "../../etc", "bad-slug"),
]


def set_value(path: Path, row_id: str, field: str, value: str) -> int:
    """Set one cell of the row whose first column is row_id; return that row's line in the file."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    line = next(i for i, row in enumerate(rows) if row[0] == row_id)
    rows[line][rows[0].index(field)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return line + 1


def hostile_project(dest: Path) -> Path:
    """The mini project with every accepted hostile value in place, and raw HTML in its Markdown."""
    project = copy_project(MINI, dest)
    for file, row_id, field, value in ACCEPTED:
        set_value(project / "datapackages" / file, row_id, field, value)
    page = project / "content/councils/cambridgeshire.md"
    page.write_text(page.read_text(encoding="utf-8") + MARKDOWN, encoding="utf-8")
    about = project / "content/about.md"
    about.write_text(f"---\ntitle: 'About {SCRIPT}'\n---\n{MARKDOWN}", encoding="utf-8")
    return project
