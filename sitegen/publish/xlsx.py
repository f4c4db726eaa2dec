"""A minimal Office Open XML workbook written directly: typed cells, fixed bytes for fixed input."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from math import isfinite
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from sitegen.publish.spreadsheet import DATE_FORMAT, safe_cell
from sitegen.publish.zipped import Member, Piece, ZipWriter, deflate
from sitegen.text import column_letters

if TYPE_CHECKING:
    from sitegen.cache import Cache

ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # every zip's one date: no build clock in the bytes
MAX_TEXT = 32_767  # Excel's longest cell text, in UTF-16 units: a longer one makes Excel "repair" the file
EXCEL_EPOCH = date(1899, 12, 30).toordinal()  # serial 0, so that 1900-03-01 is 61 as in Excel
PLAIN = {str, float, int, bool, date}  # the types a cell is written from without a conversion
FLUSH_ROWS = 2_000  # rows of sheet XML held before they go to the zip: memory stays flat however long a sheet is
# Excel's own escape for characters XML 1.0 forbids: "\x01" is written _x0001_, and a literal _x0001_ in the text
# gets its underscore escaped (_x005F_x0001_) so a reader does not decode it; the same escaping xlsxwriter did
OOXML_ESCAPE = re.compile("_(x[0-9a-fA-F]{4}_)")
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
BOLD, DAY = ' s="1"', ' s="2"'  # cellXfs indexes in STYLES
STYLES = (
    f'{HEAD}<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode={quoteattr(DATE_FORMAT)}/>'
    '</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its rows (the first is the header), widths in characters by column index, and its views."""

    name: str
    rows: Sequence[Sequence[Any]]
    widths: Mapping[int, float] = field(default_factory=dict)
    bold_header: bool = False
    frozen_header: bool = False
    autofilter: bool = False
    row_keys: Sequence[bytes] | None = None  # a digest of each row's cells, if known: its XML is then cached
    columns: int = 0  # how many columns, if known without reading every row (0: the widest row's)


def workbook(title: str, created: date, sheets: list[Sheet], parts: Cache | None = None) -> bytes:
    """The XLSX file: the sheets in order, their text in one shared-strings table, dated `created`; the XML of a
    sheet with row keys is kept in parts (a cache) by chunks of rows."""
    names = [s.name for s in sheets]
    for name in names:  # what Excel refuses to open, refused here rather than written
        if not 0 < len(name) <= 31 or re.search(r"[\[\]:*?/\\]", name) or FORBIDDEN.search(name) \
                or name.startswith("'") or name.endswith("'"):
            raise ValueError(f"not a worksheet name Excel accepts: {name!r}")
    if len({n.lower() for n in names}) < len(names):
        raise ValueError(f"worksheet names must differ (Excel ignores case): {names}")
    strings: dict[str, int] = {}
    archive = ZipWriter()
    for part, text in package_parts(title, created, sheets).items():
        archive.write(part, text.encode("utf-8"))
    for i, sheet in enumerate(sheets, start=1):
        with archive.member(f"xl/worksheets/sheet{i}.xml") as out:
            write_sheet(out, sheet, i == 1, strings, parts)
    with archive.member("xl/sharedStrings.xml") as out:  # last: it is complete only once every sheet is
        out.write(f'{HEAD}<sst xmlns="{MAIN}" uniqueCount="{len(strings)}">'.encode())
        shared_items(out, strings, parts)
        out.write(b"</sst>")
    return archive.bytes()


def shared_items(out: Member, strings: dict[str, int], parts: Cache | None) -> None:
    """The shared strings' XML, deflated, from the cache (kept by the strings, in order) where it holds it."""
    if parts is None:
        out.write("".join(map(shared_item, strings)).encode("utf-8"))
        return
    key = hashlib.sha256(json.dumps(list(strings)).encode()).hexdigest()
    _, piece = kept(parts, key, ".sstz")
    if piece is None:
        data = "".join(map(shared_item, strings)).encode("utf-8")
        piece = deflate(data)
        parts.put_bytes(key, ".sstz", piece_entry(piece))
        out.add(piece, data)
    else:
        out.add(piece)


def piece_entry(piece: Piece, head: bytes = b"") -> bytes:
    """A deflated piece as a cache entry: a line of its own (head), a line of its length and CRC, then its bytes."""
    return head + b"\n" + f"{piece.length} {piece.crc}".encode() + b"\n" + piece.deflated


def kept(parts: Cache, key: str, suffix: str) -> tuple[bytes, Piece | None]:
    """The head line and piece a cache entry holds (piece_entry's); no piece when there is none of this shape."""
    entry = parts.get_bytes(key, suffix)
    if entry is None:
        return b"", None
    head, _, rest = entry.partition(b"\n")
    sizes, _, deflated = rest.partition(b"\n")
    numbers = sizes.split(b" ")
    if len(numbers) != 2 or not all(n.isdigit() for n in numbers):
        return head, None
    return head, Piece(int(numbers[0]), int(numbers[1]), deflated)


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A file in a zip with the fixed date and mode every download has: the same files, the same bytes."""
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def package_parts(title: str, created: date, sheets: list[Sheet]) -> dict[str, str]:
    """Every part but the sheets and their strings: content types, relationships, properties, workbook, styles."""
    n = len(sheets)
    stamp = f"{created.isoformat()}T00:00:00Z"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    filters = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                      f"{escape(quoted(s.name))}!$A$1:${column_letters(width(s) - 1)}${max(len(s.rows), 2)}"
                      "</definedName>"
                      for i, s in enumerate(sheets) if s.autofilter)
    return {
        "[Content_Types].xml": (
            f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{kind}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}.sharedStrings+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{kind}.worksheet+xml"/>'
                      for i in range(1, n + 1)) + "</Types>"),
        "_rels/.rels": relationships([
            ("officeDocument/2006/relationships/officeDocument", "xl/workbook.xml"),
            ("package/2006/relationships/metadata/core-properties", "docProps/core.xml")]),
        "docProps/core.xml": (
            f'{HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{text_xml(title)}</dc:title>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'),
        "xl/workbook.xml": (
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/></bookViews><sheets>'
            + "".join(f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>'
                      for i, s in enumerate(sheets, start=1))
            + "</sheets>" + (f"<definedNames>{filters}</definedNames>" if filters else "") + "</workbook>"),
        "xl/_rels/workbook.xml.rels": relationships(
            [("officeDocument/2006/relationships/worksheet", f"worksheets/sheet{i}.xml") for i in range(1, n + 1)]
            + [("officeDocument/2006/relationships/styles", "styles.xml"),
               ("officeDocument/2006/relationships/sharedStrings", "sharedStrings.xml")]),
        "xl/styles.xml": STYLES,
    }


def relationships(targets: list[tuple[str, str]]) -> str:
    """A relationships part: rId1, rId2, … in the order given (the workbook's sheets are rId1 to rIdN)."""
    links = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/{kind}" Target="{target}"/>'
                    for i, (kind, target) in enumerate(targets, start=1))
    return f'{HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{links}' \
           "</Relationships>"


def write_sheet(out: Member, sheet: Sheet, first: bool, strings: dict[str, int], parts: Cache | None = None) -> None:
    """One worksheet's XML, deflated in chunks of rows; its text goes into `strings` (text -> index). With row keys
    and a cache of parts, each chunk comes deflated from the cache when its rows and the strings before it are
    those it was made from."""
    letters = [column_letters(c) for c in range(width(sheet))]
    last = f"{letters[-1]}{len(sheet.rows)}" if sheet.rows else "A1"
    view = ' tabSelected="1"' if first else ""
    pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/>' if sheet.frozen_header else "")
    # a width in characters of Calibri 11's 7-pixel digit, plus Excel's 5 pixels of padding, as xlsxwriter stored it
    cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{int((int(w * 7 + 0.5) + 5) / 7 * 256) / 256}" '
                   'customWidth="1"/>' for c, w in sorted(sheet.widths.items()))
    out.write(f'{HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1:{last}"/><sheetViews>'
              f'<sheetView{view} workbookViewId="0">{pane}</sheetView></sheetViews>'
              f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData>'.encode())
    seen: dict[str, int] = {}  # a cell's text -> its shared string: each distinct text is made safe and escaped once
    chunks = Chunks(sheet, letters, strings, seen, parts if sheet.row_keys is not None else None)
    tail = "</sheetData>"
    if sheet.autofilter:
        tail += f'<autoFilter ref="A1:{letters[-1]}{max(len(sheet.rows), 2)}"/>'
    tail += "</worksheet>"
    for start in range(0, len(sheet.rows), FLUSH_ROWS):
        chunks.add(out, start)
    out.write(tail.encode())


class Chunks:
    """A sheet's rows as XML, FLUSH_ROWS at a time; with a cache, a chunk is kept by its rows' keys and by the
    shared strings before it (a digest chained over them), with the strings it adds."""

    def __init__(self, sheet: Sheet, letters: list[str], strings: dict[str, int], seen: dict[str, int],
                 parts: Cache | None) -> None:
        self.sheet, self.letters, self.strings, self.seen, self.parts = sheet, letters, strings, seen, parts
        self.chain = hashlib.sha256(json.dumps(list(strings)).encode()).digest() if parts is not None else b""

    def add(self, out: Member, start: int) -> None:
        """The XML of the rows from start, deflated (from the cache where it holds them), added to out."""
        if self.parts is None or self.sheet.row_keys is None:
            out.write(rows_xml(self.sheet, start, self.letters, self.strings, self.seen, []).encode())
            return
        head = f"{start} {len(self.letters)} {self.sheet.bold_header}\0".encode()
        key = hashlib.sha256(head + self.chain + b"".join(self.sheet.row_keys[start:start + FLUSH_ROWS])).hexdigest()
        added, piece = kept(self.parts, key, ".xmlz")
        if piece is not None:
            new = json.loads(added)
            for item in new:
                self.strings.setdefault(item, len(self.strings))
            out.add(piece)
        else:
            new = []
            data = rows_xml(self.sheet, start, self.letters, self.strings, self.seen, new).encode()
            piece = deflate(data)
            self.parts.put_bytes(key, ".xmlz", piece_entry(piece, json.dumps(new, ensure_ascii=False).encode()))
            out.add(piece, data)
        self.chain = hashlib.sha256(self.chain + json.dumps(new).encode()).digest()


def rows_xml(sheet: Sheet, start: int, letters: list[str], strings: dict[str, int], seen: dict[str, int],
             new: list[str]) -> str:
    """The XML of FLUSH_ROWS rows from start (0-based); each text not yet in `strings` is added, and to `new`."""
    chunk: list[str] = []
    for r, cells in enumerate(sheet.rows[start:start + FLUSH_ROWS], start=start + 1):
        number, style = str(r), BOLD if r == 1 and sheet.bold_header else ""
        chunk.append(f'<row r="{number}">')
        for c, value in enumerate(cells):
            kind = type(value)
            if kind not in PLAIN:
                if value is None:
                    continue  # a gap, not a zero
                value = plain(value)
                kind = type(value)
            if kind is str:
                if not value:
                    continue  # empty text is a gap too
                index = seen.get(value)
                if index is None:
                    safe = safe_cell(value)
                    index = strings.get(safe)
                    if index is None:
                        index = strings[safe] = len(strings)
                        new.append(safe)
                    seen[value] = index
                chunk.append(f'<c r="{letters[c]}{number}"{style} t="s"><v>{index}</v></c>')
            elif kind is float:
                if not isfinite(value):
                    raise ValueError(f"a workbook cell cannot hold {value!r}")
                text = repr(value)  # the shortest text that reads back as exactly this number: no float noise
                if text.endswith(".0"):
                    text = text[:-2]  # a whole number as one, as xlsxwriter wrote it: a reader gets 1, not 1.0
                chunk.append(f'<c r="{letters[c]}{number}"{style}><v>{text}</v></c>')
            elif kind is int:
                chunk.append(f'<c r="{letters[c]}{number}"{style}><v>{value}</v></c>')
            elif kind is bool:
                chunk.append(f'<c r="{letters[c]}{number}"{style} t="b"><v>{int(value)}</v></c>')
            else:  # a date, counted as Excel does, with its 29 February 1900: later days are one on
                serial = value.toordinal() - EXCEL_EPOCH
                chunk.append(f'<c r="{letters[c]}{number}"{DAY}><v>{serial if serial > 60 else serial - 1}</v></c>')
        chunk.append("</row>")
    return "".join(chunk)


def width(sheet: Sheet) -> int:
    """How many columns the sheet has: its widest row (at least one)."""
    return sheet.columns or max((len(row) for row in sheet.rows), default=1) or 1


def plain(value: Any) -> Any:
    """A value of no plain cell type as one: a subclass of int, float or date as its base, anything else as text."""
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        return int(value)  # an IntEnum, say (bool, which is an int too, cannot be subclassed: it is plain)
    if isinstance(value, date):
        return date(value.year, value.month, value.day)  # a datetime: its day, as the workbooks always showed
    return str(value)


def text_xml(text: str) -> str:
    """Text as XML character data: markup escaped, forbidden characters in Excel's _xHHHH_ form, Excel's length."""
    if len(text) > MAX_TEXT // 2 and len(text.encode("utf-16-le")) > 2 * MAX_TEXT:
        text = text.encode("utf-16-le")[:2 * MAX_TEXT].decode("utf-16-le", "ignore")  # as xlsxwriter truncated
    text = OOXML_ESCAPE.sub(r"_x005F_\1", text)
    return escape(FORBIDDEN.sub(lambda m: f"_x{ord(m.group()):04X}_", text))


def shared_item(text: str) -> str:
    """One shared string; leading or trailing space kept, which Excel would otherwise trim."""
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<si><t{space}>{text_xml(text)}</t></si>"


def quoted(name: str) -> str:
    """A sheet name as a formula refers to it: always quoted, an apostrophe doubled."""
    return "'" + name.replace("'", "''") + "'"
