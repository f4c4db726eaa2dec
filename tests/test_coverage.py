"""The coverage table: each cell is the number of figures recomputed from the CSVs, a gap is a dash."""

from __future__ import annotations

import csv
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from conftest import MINI


class CoverageTable(HTMLParser):
    """Cells of the coverage table as (council href, column index, text), and the column hrefs."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.cells: dict[tuple[str, str], str] = {}
        self.row: str | None = None
        self.cell: list[str] | None = None
        self.index = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        if tag == "a" and "/measures/" in href and self.row is None:
            self.columns.append(href.split("/")[-2])
        elif tag == "a" and "/councils/" in href and self.cell is None and self.columns:
            self.row, self.index = href.split("/")[-2], 0
        elif tag == "td":
            self.cell = []

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None and self.row is not None:
            self.cells[self.row, self.columns[self.index]] = "".join(self.cell)
            self.cell, self.index = None, self.index + 1
        elif tag == "tr":
            self.row = None


def figure_counts() -> Counter[tuple[str, str]]:
    """(council slug, measure) -> figures, from the mini fixture's CSVs."""
    data = MINI / "datapackages"
    slugs = {r["code"]: r["slug"] for r in csv.DictReader((data / "reference/councils.csv").open(encoding="utf-8"))}
    return Counter((slugs[r["area_code"]], r["measure"]) for path in sorted(data.glob("*/figures.csv"))
                   for r in csv.DictReader(path.open(encoding="utf-8")) if r["area_code"] in slugs)


def test_coverage_cells_count_each_councils_figures_of_each_measure(mini_site: Path) -> None:
    """A number where the data has figures (2 where it has two), a dash read as "no figure" where it has none."""
    main = (mini_site / "coverage/index.html").read_text(encoding="utf-8")
    table = CoverageTable()
    table.feed(re.search(r"<table class=\"coverage\">.*?</table>", main, re.S).group(0))  # type: ignore[union-attr]
    counts = figure_counts()
    assert table.cells and max(counts.values()) >= 2 and len(set(table.columns)) == len(table.columns)
    for (council, measure), text in table.cells.items():
        expected = str(counts[council, measure]) if counts[council, measure] else "—no figure"
        assert text == expected, (council, measure)
    assert {key for key, n in counts.items() if key[1] in table.columns} <= set(table.cells)
