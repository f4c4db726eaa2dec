"""Downloads: a council's figures as CSV, each package as a zip and as XLSX, all deterministic."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sitegen.publish.spreadsheet import DATE_WIDTH, safe_cell
from sitegen.publish.xlsx import Sheet, workbook, zip_entry

if TYPE_CHECKING:
    from sitegen.cache import Cache
    from sitegen.data.model import Figure, Site
    from sitegen.data.rows import Package

FIGURE_COLUMNS = ["id", "area_code", "area", "measure", "measure_label", "value", "unit", "period_label",
                  "period_start", "period_end", "qualifier", "status", "claimant", "counterparty",
                  "counterparty_inferred", "source_title", "source_publisher", "source_published", "source_url",
                  "note", "said_by", "precision", "flag", "counterparty_code", "published_value", "published_unit",
                  "source_item", "source_id", "package"]


def to_csv(header: list[str], rows: list[list[Any]]) -> str:
    """CSV text with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    return buffer.getvalue()


def figure_row(f: Figure) -> list[Any]:
    """One figure with every attribute it has, flattened with its source, for a CSV download."""
    return [f.id, f.area.code, f.area.name, f.measure.id, f.measure.label, f.value, f.unit, f.period_label,
            f.period_start, f.period_end, f.qualifier, f.status, f.claimant, f.counterparty_name,
            "true" if f.counterparty_inferred else "false", f.source.title, f.source.publisher,
            f.source.published or "", f.source.url, f.note, f.said_by, precision_text(f.precision), f.flag,
            f.counterparty_code, f.published_value, f.published_unit, f.source_item, f.source.id, f.package]


def precision_text(precision: float | None) -> str:
    """A precision as the data package writes it (`1000`, `0.01`), blank when not recorded."""
    return f"{Decimal(str(precision)).normalize():f}" if precision else ""


def figures_csv(figures: list[Figure]) -> str:
    """Figures with their sources, as CSV."""
    return to_csv(FIGURE_COLUMNS, [figure_row(f) for f in figures])


def figures_bytes(figures: list[Figure]) -> bytes:
    """figures_csv as the file's bytes (a download made through the cache)."""
    return figures_csv(figures).encode("utf-8")


def package_readme(package: Package, site: Site) -> str:
    """README for a package zip: what, licence, how to cite."""
    d = package.descriptor
    licences = "; ".join(f"{x.get('title', x.get('name'))} ({x.get('path', '')})" for x in d.get("licenses", []))
    return (f"# {d.get('title', package.name)}\n\n{d.get('description', '')}\n\n"
            f"Licence: {licences}\n\n{d.get('attribution', '')}\n\n"
            f"How to cite: {site.config.title}, \"{d.get('title', package.name)}\" data package, "
            f"{site.config.base_url}data/{package.name}/ (version of {site.updated.isoformat()}).\n\n"
            "Files: datapackage.json describes every CSV (fields, types, constraints).\n")


def package_zip(package: Package, site: Site, descriptor: bytes) -> bytes:
    """The whole package (its descriptor as published) with a README, licence note and citation; fixed timestamps."""
    files = {"datapackage.json": descriptor}
    files |= {r.path.name: r.raw for r in package.resources.values()}
    files["README.md"] = package_readme(package, site).encode()
    files["LICENSE.txt"] = json.dumps(package.descriptor.get("licenses", []), indent=2, sort_keys=True).encode()
    files["CITATION.txt"] = package_readme(package, site).split("How to cite: ")[1].split("\n")[0].encode()
    return deterministic_zip(package.name, files)


def deterministic_zip(folder: str, files: dict[str, bytes]) -> bytes:
    """Files under one folder, in name order, with fixed dates and modes: the same files, the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(zip_entry(f"{folder}/{name}"), files[name])
    return buffer.getvalue()


def package_xlsx(package: Package, updated: date, parts: Cache | None = None) -> bytes:
    """One sheet per resource, cells typed as in the all-figures workbook, fixed document dates; with a cache, each
    sheet's XML is kept there by chunks of rows, keyed by the rows' values (one changed row makes one chunk again)."""
    sheets = []
    for resource in package.resources.values():
        names = [str(f["name"]) for f in resource.fields]  # a column name is text like any other
        dates = {col: DATE_WIDTH for col, f in enumerate(resource.fields) if f.get("type") == "date"}
        rows: list[list[Any]] = [names, *([row.get(name) for name in names] for row in resource.rows)]
        keys = None if parts is None else [hashlib.sha256(repr(row).encode()).digest() for row in rows]
        sheets.append(Sheet(resource.name[:31], rows, widths=dates, row_keys=keys))
    return workbook(str(package.descriptor.get("title", package.name)), updated, sheets, parts)
