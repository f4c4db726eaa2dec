"""The built real site shows money as its source gave it: no pennies from a spreadsheet's float noise, nothing finer
than £1,000 from a return in £ thousands, and one format for figures of one precision in every list of a page."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path

from test_narrative import amount, area_codes, narrative, raw_figures, shown_value, step

MONEY = re.compile(r"\u2212?£[\d,]+(?:\.\d+)?(?:bn|m|k)?")
QUALIFIERS = re.compile(r"^(?:about |at least )|(?: \(lower end of a range\))$")
SCALES = {"bn": Decimal(10) ** 9, "m": Decimal(10) ** 6, "k": Decimal(1000), "": Decimal(1)}


def style(text: str) -> tuple[str, Decimal]:
    """How a money text is written: its unit (`m`, `k`, `bn`, or `` in full) and how finely it states the amount."""
    match = re.fullmatch(r"\u2212?£[\d,]+(?:\.(\d+))?(bn|m|k)?", text)
    assert match, text
    return match.group(2) or "", SCALES[match.group(2) or ""] / Decimal(10) ** len(match.group(1) or "")


def slugs() -> dict[str, str]:
    """Area code -> its page's slug."""
    return {code: slug for slug, code in area_codes().items()}


def value_cells(site: Path) -> dict[str, str]:
    """Figure id -> the text of its value cell in its area page's figures table, qualifier dropped."""
    cells = {}
    for page in sorted((site / "councils").glob("*/index.html")):
        body = page.read_text(encoding="utf-8")
        for figure_id, row in re.findall(r'<tr id="figure-([^"]+)">(.*?)</tr>', body, re.S):
            value = re.findall(r'<td class="num">(.*?)</td>', row, re.S)[0]
            cells[figure_id] = QUALIFIERS.sub("", html.unescape(value).strip())
    return cells


def test_every_money_figure_is_shown_to_its_precision_in_the_format_of_its_precision(real_site: Path) -> None:
    """The value a figures table states is the value rounded to how finely the source gave it: £k, £m or £bn with
    the precision's decimals from £1,000 (a return in £ thousands never finer), else in full to the pound, with
    pence only where the source gave pennies."""
    cells, checked = value_cells(real_site), 0
    for row in raw_figures():
        by = step(row)
        if row["unit"] != "GBP" or by is None:
            continue
        text = cells[row["id"]]
        assert amount(text) == shown_value(row), (row["id"], text)
        unit, stated = style(text)
        if by >= 1000 and amount(text):
            assert unit and stated == min(by, SCALES[unit]), (row["id"], text)
        elif by < 1000:
            assert (unit, stated) == ("", Decimal("0.01") if by == Decimal("0.01") else Decimal(1)), (row["id"], text)
        if row.get("published_unit") == "GBP thousands":
            assert stated >= 1000 or not amount(text), (row["id"], text)
        checked += 1
    assert checked > 800


def test_no_pennies_from_float_noise_anywhere_on_the_site(real_site: Path) -> None:
    """Wirral's BCF plan, 9493273.969999999 in the extract, is £9,493,274: never £9,493,273.97, on any page or
    chart. Pennies a source did give (Cheshire West and Chester's £2,793,587.99) are still shown. (This copy has no
    git history, so no data-change log: that log states values exactly as the data file holds them.)"""
    noise = {f"£{Decimal(r['value']):,.2f}" for r in raw_figures()
             if r["unit"] == "GBP" and Decimal(r["value"]) % 1 and (step(r) or 0) >= 1}
    assert "£9,493,273.97" in noise and "£3,948,293.08" in noise  # the BCF extract's and an ASC-FR return's
    files = [*real_site.rglob("*.html"), *(real_site / "charts").glob("*.json")]
    shown = {text for path in files for text in MONEY.findall(path.read_text(encoding="utf-8"))}
    assert not noise & shown
    wirral = (real_site / "councils/wirral/index.html").read_text(encoding="utf-8")
    assert "£9,493,274" in wirral
    cheshire = (real_site / "councils/cheshire-west-and-chester/index.html").read_text(encoding="utf-8")
    assert "£2,793,587.99" in cheshire


def mentions(sentences: list[str], rows: list[dict[str, str]]) -> list[tuple[str, Decimal]]:
    """(money text, step) for each figure a narrative states by value and period, in any format the site might use."""
    found = []
    for row in rows:
        by, value = step(row), shown_value(row)
        when = "at" if re.fullmatch(r"\d{1,2} \w+ \d{4}", row["period_label"]) else "in"
        for text in {m for s in sentences for m in MONEY.findall(s)}:
            if amount(text) == value and by is not None and any(f"{text} {when} {row['period_label']}" in s
                                                                 for s in sentences):
                found.append((text, by))
    return found


def test_a_list_never_mixes_formats_for_figures_of_one_precision(real_site: Path) -> None:
    """Cambridgeshire's "What the figures show": £12.900m beside £15.457m (both to £1,000 in the return), never
    £12.9m; and the same on every council page's narrative and figures table."""
    rows, codes = raw_figures(), slugs()
    cells = value_cells(real_site)
    cambridgeshire = narrative(real_site / "councils/cambridgeshire/index.html")
    assert any("£12.900m in 2014-15" in s for s in cambridgeshire)
    assert any("from £15.457m in 2015-16 to £16.071m in 2016-17" in s for s in cambridgeshire)
    lists = 0
    for code, slug in sorted(codes.items()):
        page = real_site / "councils" / slug / "index.html"
        own = [r for r in rows if r["area_code"] == code and r["unit"] == "GBP"]
        if not own or not page.exists():
            continue
        table = [(cells[r["id"]], by) for r in own if (by := step(r)) is not None]  # key figures are table values
        for shown in (mentions(narrative(page), own), table):
            by_step: dict[Decimal, set[tuple[str, Decimal]]] = {}
            for text, by in shown:
                if amount(text):
                    by_step.setdefault(by, set()).add(style(text))
            for by, styles in by_step.items():
                assert len({unit == "" for unit, _ in styles}) == 1, (slug, by, styles)  # in full, or compact
                assert len(styles) == len({unit for unit, _ in styles}), (slug, by, styles)  # one unit, one way
            lists += 1
    assert lists > 300
