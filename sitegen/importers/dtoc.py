"""What the four Delayed Transfers of Care layouts share: the title block, the rows, the codes and the review."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sitegen.data.cells import read_number
from sitegen.data.model import ENGLAND
from sitegen.data.periods import MONTHS, period_dates
from sitegen.errors import Problem, ProblemsFound, plural, problem
from sitegen.files import display
from sitegen.importers.reading import DAYS, Cell, Reading, unknown_area
from sitegen.text import column_letters

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from sitegen.importers.core import Areas, RawFile

PACKAGE = "delayed-transfers"
SHEET = "LA - by responsible org"
# The header rows of the four layouts (the row with `Name`), trailing blanks dropped.
BY_SHA = ("", "SHA", "Code", "Name", "NHS", "Social Care", "Both", "Total")  # April 2011 to March 2013
BY_REGION = ("", "Region", "", "Code", "Name", "NHS", "Social Care", "Both", "Total")  # to June 2015
WITH_GSS = ("", "Region", "ONS Geography", "Code", "Name", "NHS", "Social Care", "Both", "Total")  # to March 2017
# the days, then the same four as "DTOC Beds" (to April 2019) or "Average Number of People Delayed per Day"
WITH_BEDS = (*WITH_GSS, "", "NHS", "Social Care", "Both", "Total")
FIGURES = ("NHS", "Social Care", "Both")  # the Total beside them is not imported: for a blank row it reads 0
MEASURES = {"NHS": "delayed-days-nhs", "Social Care": "delayed-days-social-care", "Both": "delayed-days-both"}
GAPS = {"-", ""}  # `-`: no figure reported, never a zero
OUTSIDE = re.compile(r"resident (in|outside) ", re.IGNORECASE)  # Scotland, Wales, outside GB: not councils
SERIES = "https://www.england.nhs.uk/statistics/statistical-work-areas/delayed-transfers-of-care/"
UPLOADS = "https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/"
# Each 2017-2019 file's address, as recorded by the psychty/DTOC download script (see the data folder's README).
URLS = {
    "April 2017": "2018/06/LA-Type-B-April-2017-92rd3.xls", "May 2017": "2018/06/LA-Type-B-May-2017-vP4lj.xls",
    "June 2017": "2018/06/LA-Type-B-June-2017-Szt03.xls", "July 2017": "2018/06/LA-Type-B-July-2017-JPBbd.xls",
    "August 2017": "2018/06/LA-Type-B-August-2017-dU97O.xls",
    "September 2017": "2018/06/LA-Type-B-September-2017-eNlrU.xls",
    "October 2017": "2018/05/LA-Type-B-October-2017-B2B1c.xls",
    "November 2017": "2018/05/LA-Type-B-November-2017-0smeW.xls",
    "December 2017": "2018/05/LA-Type-B-December-2018-3SmuW.xls",  # sic: the file is December 2017's
    "January 2018": "2018/12/LA-Type-B-January-2018-D7csN.xls",
    "February 2018": "2018/12/LA-Type-B-February-2018-AeE94.xls",
    "March 2018": "2018/12/LA-Type-B-March-2018-a8wRN.xls", "April 2018": "2019/05/LA-Type-B-April-2018-e2c97.xls",
    "May 2018": "2019/05/LA-Type-B-May-2018-cuifB.xls", "June 2018": "2019/05/LA-Type-B-June-2018-L7vym.xls",
    "July 2018": "2019/05/LA-Type-B-July-2018-VYly2.xls", "August 2018": "2019/05/LA-Type-B-August-2018-uwfNj.xls",
    "September 2018": "2019/05/LA-Type-B-September-2018-Je0H7.xls",
    "October 2018": "2019/05/LA-Type-B-October-2018-7VM1o.xls",
    "November 2018": "2019/09/LA-Type-B-November-2018-253WD.xls",
    "December 2018": "2019/09/LA-Type-B-December-2018-82pwz.xls",
    "January 2019": "2019/09/LA-Type-B-January-2019-gm978.xls",
    "February 2019": "2019/09/LA-Type-B-February-2019-Sxz4V.xls",
    "March 2019": "2019/09/LA-Type-B-March-2019-gmwv8.xls", "April 2019": "2019/09/LA-Type-B-April-2019-jUENZ.xls",
    "May 2019": "2019/09/LA-Type-B-May-2019-50Vdt-1.xls", "June 2019": "2019/09/LA-Type-B-June-2019-njg1B.xls",
    "July 2019": "2019/09/LA-Type-B-July-2019-9e0AO.xls", "August 2019": "2019/10/LA-Type-B-August-2019-KJK5B.xls",
    "September 2019": "2019/11/LA-Type-B-September-2019-Kv9xQ.xls",
    "October 2019": "2019/12/LA-Type-B-October-2019-AyuDr.xls",
    "November 2019": "2020/01/LA-Type-B-November-2019-fZk64.xls",
    "December 2019": "2020/02/LA-Type-B-December-2019-9tun8.xls",
}
REORGANISED = date(2019, 4, 1)  # Dorset's councils reorganised: DH codes are read from months before this only
BCP, BOURNEMOUTH = "E06000058", "E06000028"
INFERRED = {  # (code as published, month) -> (the code we publish it under, why)
    (BOURNEMOUTH, "April 2019"): (BCP, "NHS England's April 2019 workbook gives this under Bournemouth UA "
                                       "(E06000028), a council that had ended on 31 March 2019, and leaves Poole's "
                                       "row blank: we take it to be the new Bournemouth, Christchurch and Poole "
                                       "Council's. That is our inference, not the publisher's statement."),
}
ASCFR = ("ascfr", "CSV ASCFR Additional.csv")  # the ASC-FR 2016-17 file, beside dtoc/ in the official folder
OUTLIER = 5  # a month more than this many times the council's median month is worth a look


def header_index(raw: RawFile) -> int | None:
    """Index of the header record: the first with a cell reading `Name` (row 14 in every known month)."""
    return next((i for i, r in enumerate(raw.records[:30]) if "Name" in (c.strip() for c in r)), None)


def header(raw: RawFile) -> tuple[str, ...]:
    """The header's cells, trailing blanks dropped (empty when there is no header)."""
    top = header_index(raw)
    cells = [c.strip() for c in raw.records[top]] if top is not None else []
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def title_block(raw: RawFile) -> dict[str, tuple[str, int]]:
    """The `Label:` cells above the header, each with the cell beside it and its row."""
    found = {}
    for record, line in zip(raw.records[:header_index(raw) or 0], raw.lines, strict=False):
        cells = [c.strip() for c in record]
        for i, text in enumerate(cells[:-1]):
            if text.endswith(":"):
                found[text[:-1]] = (cells[i + 1], line)
    return found


def day_of(text: str) -> str:
    """`27th May 2011` as 2011-05-27; blank when not given (`-`, blank) or not a date (the note keeps the text)."""
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([A-Z][a-z]+) (\d{4})", text)
    if not match or match.group(2) not in MONTHS:
        return ""
    return date(int(match.group(3)), MONTHS.index(match.group(2)) + 1, int(match.group(1))).isoformat()


def source(raw: RawFile, month: str, block: dict[str, tuple[str, int]]) -> dict[str, str]:
    """The month's source record: the workbook's title, its published and revised dates, and its address."""
    published, revised = (block.get(k, ("", 0))[0] for k in ("Published", "Revised"))
    url = UPLOADS + URLS[month] if month in URLS else SERIES
    link = ("The link is the file's address as recorded by the psychty/DTOC download script (not checked)."
            if month in URLS else "The link is the statistical work area: the exact address of the month's file "
            "could not be checked.")
    given = [f"published {published}" if published not in GAPS else "no publication date",
             f"revised {revised}" if revised not in GAPS else "no revision date"]
    dates = f"The workbook gives {' and '.join(given)}; any later revision is not reflected."
    return {
        "id": f"src-dtoc-{period_dates(month)[0]:%Y-%m}",  # type: ignore[index]
        "title": f"{block['Title'][0]}: {month} (local authority basis)" if block.get("Title", ("", 0))[0] else
                 f"NHS England on England's councils: delayed transfers of care, {month} (title not recorded)",
        "publisher": "NHS England", "published": day_of(published), "url": url, "kind": "primary",
        "confidence": "high",
        "note": f"Workbook {raw.path.name}, sheet {raw.sheet or SHEET}. {dates} {link}",
    }


def month_of(raw: RawFile, block: dict[str, tuple[str, int]]) -> str:
    """The month the workbook's `Period:` cell names (`April 2011`); a problem when it names no month."""
    text, line = block.get("Period", ("", 0))
    dates = period_dates(text)
    if not re.fullmatch(r"[A-Z][a-z]+ \d{4}", text) or dates is None:
        raise ProblemsFound([problem("no-period", "the title block has no `Period:` cell naming one month "
                                     "(e.g. April 2011)", raw.shown, line, "Period", text)], "nothing was imported")
    return text


def whole(text: str) -> bool:
    """Whether a cell is a whole number of days, not negative."""
    if read_number(text)[1]:  # read as `validate` reads a number: no NaN, Infinity, 1_000 or other digits
        return False
    value = Decimal(text)
    return value == value.to_integral_value() and value >= 0


def read_rows(raw: RawFile, areas: Areas, locate: Callable[[dict[str, str], int], tuple[str, str] | Problem]) -> \
        Reading:
    """Every council's days by responsible organisation, and England's; `locate` gives a row's (code, key shown)."""
    block = title_block(raw)
    month = month_of(raw, block)
    start = period_dates(month)[0]  # type: ignore[index]
    reading = Reading(source(raw, month, block), DAYS)
    top = header_index(raw) or 0
    names = [c.strip() for c in raw.records[top]]
    columns = {name: names.index(name) for name in FIGURES}  # the first four: days (beds or people come after)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for record, line in zip(raw.records[top + 1:], raw.lines[top + 1:], strict=True):
        row = dict(zip(names, (c.strip() for c in record), strict=False))
        if not any(row.get(k) for k in ("Name", "Code", "ONS Geography", *FIGURES, "Total")):
            continue  # a blank line, or the notes below the table
        name = row.get("Name", "")
        if OUTSIDE.match(name):
            reading.skipped.append(f"row {line}: {name}")
            continue
        found = (ENGLAND, "") if name == "England" else locate(row, line)
        if isinstance(found, Problem):
            problems.append(found)
            continue
        code, key = found
        if not areas.known(code):
            problems.append(unknown_area(raw, line, "Code" if "ONS Geography" not in row else "ONS Geography", code,
                                         f"row {line}, {name}"))
            continue
        code, note = INFERRED.get((code, month), (code, ""))
        if not note and code in areas.ends and areas.ends[code] < start:
            note = (f"NHS England's {month} workbook gives this under the code of a council that had ended on "
                    f"{areas.ends[code].day} {areas.ends[code]:%B %Y}; kept under that code as published: whose "
                    "area it covers the workbook does not say.")
        if code in seen:
            problems.append(problem("duplicate-council", f"a second row for {code} (the first is row {seen[code]})",
                                    raw.shown, line, "Name", name))
            continue
        seen[code] = line
        for heading, col in columns.items():
            text = record[col].strip() if col < len(record) else ""
            if text in GAPS:
                reading.gaps += 1
                continue
            item = (f"sheet {raw.sheet or SHEET}, row {line}, {f'{key} ' if key else ''}{name}, "
                    f"column {column_letters(col)} ({heading})")
            if not whole(text):
                problems.append(problem("bad-value", f"delayed days are a whole number or '-' ({item})", raw.shown,
                                        line, heading, text))
                continue
            reading.cells.append(Cell(code, MEASURES[heading], month, text, item, line, note, name))
    if ENGLAND not in seen:
        problems.append(problem("missing-row", "the sheet has no England row below its header", raw.shown, top + 1,
                                "Name", "England"))
    if problems:
        raise ProblemsFound(problems, "nothing was imported")
    return reading


def by_gss(raw: RawFile, areas: Areas) -> Reading:
    """A month whose rows carry their GSS code (`ONS Geography`, July 2015 onward)."""
    def locate(row: dict[str, str], line: int) -> tuple[str, str] | Problem:
        return row.get("ONS Geography", ""), f"{row.get('Code', '')} {row.get('ONS Geography', '')}".strip()
    return read_rows(raw, areas, locate)


def by_dh_code(raw: RawFile, areas: Areas) -> Reading:
    """A month whose rows carry only the DH/CASSR code (to June 2015): the run's lookup gives the GSS code."""
    def locate(row: dict[str, str], line: int) -> tuple[str, str] | Problem:
        code = row.get("Code", "")
        if code in areas.dh_codes:
            return areas.dh_codes[code], code
        return problem("unknown-council-code", f"DH code {code!r} ({row.get('Name', '')}) maps to no GSS code: no "
                       "month carrying both codes (July 2015 to March 2019) among the files imported, nor the ASC-FR "
                       "2016-17 file, gives it; import it with those months", raw.shown, line, "Code", code)
    return read_rows(raw, areas, locate)


def pairs_in(raw: RawFile) -> list[tuple[str, str, str, int]]:
    """(DH code, GSS code, where, row) of a month carrying both, before the 2019 reorganisation; else none."""
    names = list(header(raw))
    if "ONS Geography" not in names or "Code" not in names:
        return []
    block = title_block(raw)
    dates = period_dates(block.get("Period", ("", 0))[0])
    if dates is None or dates[0] >= REORGANISED:
        return []
    gss, code, top = names.index("ONS Geography"), names.index("Code"), header_index(raw) or 0
    found = []
    for record, line in zip(raw.records[top + 1:], raw.lines[top + 1:], strict=True):
        cells = [c.strip() for c in record] + [""] * len(names)
        if re.fullmatch(r"E\d{8}", cells[gss]) and cells[code] not in ("", "-"):
            found.append((cells[code], cells[gss], raw.shown, line))
    return found


def ascfr_pairs(raws: Iterable[RawFile], read: Callable[[Path], RawFile]) -> list[tuple[str, str, str, int]]:
    """(CASSR code, GSS code, where, line) from the ASC-FR 2016-17 file beside the workbooks' folder, if there."""
    found = []
    for path in sorted({raw.path.resolve().parent.parent.joinpath(*ASCFR) for raw in raws}):
        if not path.is_file():
            continue
        raw = read(path)
        names = raw.records[0] if raw.records else []
        if "CASSR_CODE" not in names or "GEOGRAPHY_CODE" not in names:
            continue
        code, gss = names.index("CASSR_CODE"), names.index("GEOGRAPHY_CODE")
        for record, line in zip(raw.records[1:], raw.lines[1:], strict=True):
            if len(record) > max(code, gss) and record[code].strip() and record[gss].strip():
                found.append((record[code].strip(), record[gss].strip(), display(path), line))
    return found


def prepare(raws: list[RawFile], areas: Areas, read: Callable[[Path], RawFile]) -> tuple[list[str], list[Problem]]:
    """The DH code -> GSS lookup of the run, into areas; a code given two GSS codes is a problem, never a choice.

    `read` reads the ASC-FR file (the run's reader: this module stays below core in the import chain)."""
    months = [p for raw in raws for p in pairs_in(raw)]
    ascfr = ascfr_pairs((r for r in raws if r.sheet and header_index(r) is not None), read)
    first: dict[str, tuple[str, str, int]] = {}
    problems = []
    for code, gss, where, line in months + ascfr:
        if code not in first:
            first[code] = (gss, where, line)
        elif first[code][0] != gss:
            problems.append(problem("unknown-council-code", f"code {code} is {gss} here but {first[code][0]} in "
                                    f"{first[code][1]} (line or row {first[code][2]}): which is meant is not "
                                    "guessed", where, line, "Code", code))
    areas.dh_codes.update({code: gss for code, (gss, _, _) in first.items()})
    from_months = {c for c, *_ in months}
    from_ascfr = {c for c, *_ in ascfr} - from_months
    said = (f"Council codes: {len(from_months)} DH codes matched to GSS codes from the months that carry both "
            f"(July 2015 to March 2019), {len(from_ascfr)} more from the ASC-FR 2016-17 file"
            f"{'' if ascfr else ' (not found beside the workbooks)'}.")
    return [said], problems


def review(readings: list[Reading]) -> list[str]:
    """The import's own summary lines: months, outside-England rows left out, and months far above the usual."""
    months = sorted({c.period for r in readings for c in r.cells}, key=lambda m: period_dates(m)[0])  # type: ignore
    outside = sorted({s.split(": ", 1)[1] for r in readings for s in r.skipped})
    left = sum(len(r.skipped) for r in readings)
    lines = [f"Months: {len(months)}, {months[0]} to {months[-1]}." if months else "Months: none."]
    if left:
        lines.append(f"Left out {left} rows of patients resident outside England ({', '.join(outside)}): "
                     "they are not councils (they are in England's total).")
    series: dict[tuple[str, str], list[Cell]] = defaultdict(list)
    for reading in readings:
        for cell in reading.cells:
            series[(cell.area, cell.measure)].append(cell)
    found, months_found = [], 0
    for (area, measure), cells in sorted(series.items()):
        median = statistics.median(int(c.text) for c in cells)
        high = sorted((c for c in cells if median > 0 and int(c.text) > OUTLIER * median), key=lambda c: -int(c.text))
        if high:
            months_found += len(high)
            found.append(f"  {cells[-1].name} ({area}), {measure}: {plural(len(high), 'month')} over {OUTLIER} "
                         f"times its median month of {median:g} days; highest {high[0].text} in {high[0].period} "
                         f"({high[0].item})")
    if found:
        lines.append(f"Worth a look: {plural(months_found, 'month')} in {len(found)} series more than "
                     f"{OUTLIER} times the council's median month (the data stays as published):")
    return lines + found
