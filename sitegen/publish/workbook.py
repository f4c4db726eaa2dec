"""One XLSX workbook of every figure from every package: typed cells, each row with its measure and source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

from sitegen.publish.xlsx import Sheet, workbook

if TYPE_CHECKING:
    from sitegen.cache import Cache
    from sitegen.data.model import Figure, Site

PATH = "data/all-figures.xlsx"
COLUMNS: list[tuple[str, int]] = [  # (header, width in characters)
    ("id", 28), ("area_code", 11), ("area", 30), ("measure", 24), ("measure_label", 36), ("value", 14),
    ("unit", 8), ("period_label", 16), ("period_start", 12), ("period_end", 12), ("qualifier", 12),
    ("status", 9), ("claimant", 20), ("counterparty", 30), ("counterparty_inferred", 10), ("source_title", 40),
    ("source_publisher", 24), ("source_published", 12), ("source_url", 40), ("package", 16), ("note", 40),
    ("said_by", 30), ("precision", 10), ("flag", 8), ("published_value", 14), ("published_unit", 10),
    ("source_item", 30),
]


def figure_cells(f: Figure) -> list[Any]:
    """One figure as typed cells: numbers, dates and booleans stay what they are."""
    return [f.id, f.area.code, f.area.name, f.measure.id, f.measure.label, f.value, f.unit, f.period_label,
            f.period_start, f.period_end, f.qualifier, f.status, f.claimant or None, f.counterparty_name or None,
            f.counterparty_inferred, f.source.title, f.source.publisher, f.source.published, f.source.url,
            f.package, f.note or None, f.said_by or None, f.precision, f.flag or None, f.published_value or None,
            f.published_unit or None, f.source_item or None]


class Rows(Sequence[list[Any]]):
    """The figures sheet's rows, the header first, each figure's cells made only when read: a chunk of rows whose
    XML is in the cache never is."""

    def __init__(self, figures: list[Figure]) -> None:
        self.figures = figures

    def __len__(self) -> int:
        return len(self.figures) + 1

    @overload
    def __getitem__(self, index: int) -> list[Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[Any]]: ...

    def __getitem__(self, index: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return [name for name, _ in COLUMNS] if index == 0 else figure_cells(self.figures[index - 1])


def readme_lines(site: Site) -> list[str]:
    """What the workbook is, its licences and how to cite it."""
    licences = sorted({f"{x.get('title', x.get('name'))}: {x.get('path', '')}"
                       for p in site.packages.packages.values() for x in p.descriptor.get("licenses", [])})
    return [
        f"{site.config.title}: every figure from every data package, one row each",
        "",
        "Sheet `figures`: one row per figure, with its measure label and the title, publisher, date and URL of "
        "its source. Values are numbers in the row's unit (GBP in whole pounds, percent, count); periods and "
        f"publication dates are dates; counterparty_inferred is TRUE where the source did not name the "
        f"{site.config.counterparty_label}.",
        "A council with no row for a measure has no figure reported here: a gap, not a zero.",
        "A row with status `claim` is one party's claim, named in `claimant`.",
        "",
        "Licences:", *licences,
        " ".join(text for text in (site.config.licence, site.config.attribution) if text),  # as every page's footer
        "",
        f"How to cite: {site.config.title}, all figures workbook, {site.config.base_url}{PATH} "
        f"(version of {site.updated.isoformat()}). Cite each figure's own source too (source_title, source_url).",
        "",
        "The data packages (CSV with their datapackage.json) are at " + f"{site.config.base_url}data/",
    ]


def all_figures_xlsx(site: Site, digests: dict[str, bytes] | None = None, parts: Cache | None = None) -> bytes:
    """The workbook: a README sheet, then every figure with a frozen, filterable header row; with the figures'
    digests (sitegen.publish.fingerprint) and a cache, the figures sheet's XML is kept there by chunks of rows, so
    one changed figure makes one chunk again."""
    figures = sorted(site.figures, key=lambda f: (f.package, f.id))
    keys = None if digests is None else [b"header", *(digests[f.id] for f in figures)]
    readme = Sheet("README", [[line] for line in readme_lines(site)], widths={0: 120})
    table = Sheet("figures", Rows(figures), widths={col: width for col, (_, width) in enumerate(COLUMNS)},
                  bold_header=True, frozen_header=True, autofilter=True, row_keys=keys, columns=len(COLUMNS))
    return workbook(f"{site.config.title}: all figures", site.updated, [readme, table], parts)
