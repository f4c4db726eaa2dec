"""Every number a council page's narrative states is recomputed here from the raw CSVs: each value is one of
that council's figures for that measure and period, and each change is the difference of two figures of
consecutive periods with like qualifiers, in the right direction, with the right percentage."""

from __future__ import annotations

import csv
import html
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT

from sitegen.site.words import tenfold

SCALE = {"bn": Decimal(10) ** 9, "m": Decimal(10) ** 6, "k": Decimal(1000), None: Decimal(1)}
QUALIFIED = {"exact": "{}", "approximate": "about {}", "at_least": "at least {}",
             "range_lower_bound": "at least {} (lower end of a range)"}


def raw_figures() -> list[dict[str, str]]:
    """Every figure row of every figures package, as the CSV has it."""
    rows = []
    for path in sorted((ROOT / "datapackages").glob("*/figures.csv")):
        rows += list(csv.DictReader(path.open(encoding="utf-8")))
    return rows


def labels() -> dict[str, str]:
    """Measure id -> label, from every measures.csv."""
    out: dict[str, str] = {}
    for path in sorted((ROOT / "datapackages").glob("*/measures.csv")):
        out |= {r["id"]: r["label"] for r in csv.DictReader(path.open(encoding="utf-8"))}
    return out


def area_codes() -> dict[str, str]:
    """Page slug -> area code, from the reference package."""
    out: dict[str, str] = {}
    for name in ("councils", "predecessors", "nations"):  # abolished councils have pages too
        path = ROOT / "datapackages/reference" / f"{name}.csv"
        out |= {r["slug"]: r["code"] for r in csv.DictReader(path.open(encoding="utf-8"))}
    return out


def amount(text: str) -> Decimal:
    """`£1.4m` -> 1400000, `−£5k` -> -5000."""
    match = re.fullmatch(r"(\u2212?)£([\d,.]+)(bn|m|k)?", text)
    assert match, text
    value = Decimal(match.group(2).replace(",", "")) * SCALE[match.group(3)]
    return -value if match.group(1) else value


def narrative(page: Path) -> list[str]:
    """The sentences of a council page's narrative list."""
    body = page.read_text(encoding="utf-8")
    block = re.search(r'<ul class="narrative">(.*?)</ul>', body, re.S)
    return [html.unescape(s) for s in re.findall(r"<li>(.*?)</li>", block.group(1))] if block else []


def mentioned(sentence: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The figures a sentence names by value and period, in the order it names them."""
    same = re.fullmatch(r".+? was (.+?) both (?:at|in) (.+?) and (?:at|in) (.+?)\.", sentence)
    if same:  # one value for two periods: `X was £Y both in P and in Q`
        return [r for label in same.groups()[1:] for r in rows if r["period_label"] == label
                and same.group(1) in [QUALIFIED[r["qualifier"]].format(shown) for shown in shown_forms(r)]]
    found = []
    for row in rows:
        when = "at" if re.fullmatch(r"\d{1,2} \w+ \d{4}", row["period_label"]) else "in"
        for shown in shown_forms(row):
            at = sentence.find(f"{QUALIFIED[row['qualifier']].format(shown)} {when} {row['period_label']}")
            if at >= 0:
                found.append((at, row))
                break
    return [row for _, row in sorted(found, key=lambda pair: pair[0])]


def shown_forms(row: dict[str, str]) -> list[str]:
    """The ways a value may be written: as an amount of money, a percentage or a count (checked by amount())."""
    value = Decimal(row["value"])
    if row["unit"] == "percent":
        return [f"{value.normalize():f}%"]
    if row["unit"] == "count":
        return [f"{value:,.0f}"]
    return money_forms(value)


def money_forms(value: Decimal) -> list[str]:
    """Candidate renderings of an amount; each is checked to mean exactly the value."""
    out = [f"£{value:,.0f}"] if value == value.to_integral_value() else [f"£{value:,.2f}"]
    for suffix in ("bn", "m", "k"):
        scaled = (value / SCALE[suffix]).normalize()
        if 1 <= scaled < 1000:
            out.append(f"£{scaled:f}{suffix}")
    return [text for text in out if amount(text) == value]


def test_every_narrative_number_is_recomputed_from_the_data(real_site: Path) -> None:
    rows, names, codes = raw_figures(), labels(), area_codes()
    checked = 0
    for page in sorted((real_site / "councils").glob("*/index.html")):
        code = codes[page.parent.name]
        for sentence in narrative(page):
            measure = next(m for m, label in sorted(names.items(), key=lambda p: -len(p[1]))
                           if sentence.startswith(label))
            own = [r for r in rows if r["measure"] == measure and r["area_code"] == code]
            named = mentioned(sentence, own)
            assert named, f"{page.parent.name}: {sentence!r} names no figure of the data"
            if " rose from " in sentence or " fell from " in sentence or " both " in sentence:
                check_change(sentence, named)
            checked += 1
    assert checked > 50


def check_change(sentence: str, named: list[dict[str, str]]) -> None:
    """A change: two figures of consecutive periods and like qualifiers, the right verb, amount and percentage."""
    assert len(named) == 2, sentence
    first, then = named
    assert first["qualifier"] == then["qualifier"] in ("exact", "approximate"), sentence
    start, end = date.fromisoformat(first["period_end"]), date.fromisoformat(then["period_start"])
    same_day = first["period_start"] == first["period_end"] and then["period_start"] == then["period_end"]
    gap = (date.fromisoformat(then["period_end"]) - start).days if same_day else (end - start).days
    assert (0 < gap <= 366) if same_day else gap == 1, f"not consecutive periods: {sentence}"
    old, new = Decimal(first["value"]), Decimal(then["value"])
    if " both " in sentence:
        assert old == new, sentence
        return
    assert (" rose from " in sentence) == (new > old), sentence
    stated = re.search(r"(?:an increase|a fall) of (?:about )?(\S+?)(?: \(([\d,]+)%\))?(: a change of more than ten "
                       r"times, as published; worth checking against the source)?\.$", sentence)
    assert stated, sentence
    assert bool(stated.group(3)) == (min(abs(old), abs(new)) * 10 <= max(abs(old), abs(new))), sentence
    if first["unit"] == "GBP":
        assert amount(stated.group(1)) == abs(new - old), sentence
    if stated.group(2):
        assert int(stated.group(2).replace(",", "")) == round(abs(new - old) / abs(old) * 100), sentence


@pytest.mark.parametrize("sentence", ["Client debt written off fell from about £1.03m in 2022-23 to at least £660k "
                                      "in 2024-25, a fall of £370k."])
def test_the_check_catches_a_change_from_a_lower_bound(sentence: str) -> None:
    kent = [r for r in raw_figures() if r["area_code"] == "E10000016" and r["measure"] == "client-debt-written-off"]
    with pytest.raises(AssertionError):
        check_change(sentence, mentioned(sentence, kent))


def test_no_change_is_computed_from_a_likely_slip(real_site: Path) -> None:
    """North Tyneside's 2015-16 BCF income (£15,233, flagged as a likely slip) starts no change, anywhere."""
    page = (real_site / "councils/north-tyneside/index.html").read_text(encoding="utf-8")
    assert "£15,233" in page and "103,123%" not in page
    assert "from £15,233" not in page


def test_a_tenfold_change_says_so_in_its_sentence(real_site: Path) -> None:
    """Derby's BCF income falling to a reported zero is stated with its caveat, not as a plain trend."""
    page = (real_site / "councils/derby/index.html").read_text(encoding="utf-8")
    sentence = page[page.index("Adult social care income from the Better Care Fund fell from"):][:300]
    assert "a fall of £11.28m (100%): a change of more than ten times, as published; worth checking against " \
           "the source." in sentence


def test_tenfold() -> None:
    assert tenfold(1.4e6, 13e6) is False and tenfold(1e6, 10e6) is True and tenfold(11.28e6, 0) is True
    assert tenfold(-5, 60) is True and tenfold(0, 0) is True


def test_whose_figure_reads_as_part_of_a_sentence(real_site: Path) -> None:
    """`Planned by the Health and Wellbeing Board…`, `said by the chief executive…`: never a capital mid-line."""
    wrong = {page.parent.name for page in (real_site / "councils").glob("*/index.html")
             if re.search(r"(?:said|Planned|Claim) by The ", page.read_text(encoding="utf-8"))}
    assert wrong == set()
    lancashire = (real_site / "councils/lancashire/index.html").read_text(encoding="utf-8")
    assert "said by the chief executive of NHS Lancashire" in lancashire
