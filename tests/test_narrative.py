"""Every number a council page's narrative states is recomputed here from the raw CSVs: each value is one of
that council's figures for that measure and period, as precisely as its source gave it, and each change is the
difference of two figures of consecutive periods with like qualifiers, in the right direction, with a percentage
no more precise than the two values."""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from conftest import ROOT

from sitegen.data.model import Council, Figure, Measure, Source, Topic
from sitegen.site.words import council_narrative, tenfold

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


def step(row: dict[str, str]) -> Decimal | None:
    """How finely the site may show a row's value: its precision, but £1,000 at finest for a return in £ thousands,
    and a pound at finest for a value the file writes past the penny (a spreadsheet's float noise)."""
    given = Decimal(row["precision"]) if row.get("precision") else None
    if row.get("published_unit") == "GBP thousands":
        return max(given or Decimal(1000), Decimal(1000))
    if row.get("published_unit") == "GBP" and len(row.get("published_value", "").partition(".")[2]) > 2:
        return max(given or Decimal(1), Decimal(1))
    if row["unit"] == "GBP" and given is not None and Decimal("0.01") < given < 1:
        return Decimal(1)  # money is shown to the penny or the pound, never to 10p
    return given


def shown_value(row: dict[str, str]) -> Decimal:
    """The value as the site states it: rounded to its step, halves away from zero."""
    value, by = Decimal(row["value"]), step(row)
    return value if by is None else (value / by).quantize(Decimal(1), ROUND_HALF_UP) * by


def shown_forms(row: dict[str, str]) -> list[str]:
    """The ways a value may be written: as an amount of money, a percentage or a count (checked by amount())."""
    value = shown_value(row)
    if row["unit"] == "percent":
        return [f"{value.normalize():f}%"]
    if row["unit"] == "count":
        return [f"{value:,.0f}"]
    return money_forms(value)


def money_forms(value: Decimal) -> list[str]:
    """Candidate renderings of an amount; each is checked to mean exactly the value."""
    out = [f"£{value:,.0f}"] if value == value.to_integral_value() else [f"£{value:,.2f}"]
    for suffix in ("bn", "m", "k"):
        scaled = value / SCALE[suffix]
        if 1 <= scaled < 10000:
            out += [f"£{scaled:,.{places}f}{suffix}" for places in range(4)]
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
            # a long series' sentence ends with its latest change, as a sentence of its own (long_series_sentence)
            change = sentence.partition(" Latest: ")[2] or sentence
            if " rose from " in change or " fell from " in change or re.search(r" both (in|at) ", change):
                check_change(change, mentioned(change, own))
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
    old, new = shown_value(first), shown_value(then)
    if " both " in sentence:
        assert old == new, sentence
        return
    assert (" rose from " in sentence) == (new > old), sentence
    stated = re.search(r"(?:an increase|a fall) of (?:about )?(\S+?)(?: \((about )?([\d,]+)%\))?(: a change of more "
                       r"than ten times, as published; worth checking against the source)?\.$", sentence)
    assert stated, sentence
    raw = [abs(Decimal(first["value"])), abs(Decimal(then["value"]))]
    assert bool(stated.group(4)) == (min(raw) * 10 <= max(raw)), sentence
    if first["unit"] == "GBP":
        assert amount(stated.group(1)) == abs(new - old), sentence
    if old:
        check_percentage(sentence, stated.group(3), bool(stated.group(2)), (old, new), (step(first), step(then)))
    else:
        assert stated.group(3) is None, sentence  # no percentage of nothing


def check_percentage(sentence: str, stated: str | None, about: bool, values: tuple[Decimal, Decimal],
                     steps: tuple[Decimal | None, Decimal | None]) -> None:
    """A whole percent at most, and no more significant figures than the old value, the new one and the difference
    (to the coarser precision) have; `about` when the figures cut it short; none when they allow none."""
    (old, new), ratio = values, abs(values[1] - values[0]) / abs(values[0]) * 100
    whole = ratio.quantize(Decimal(1), ROUND_HALF_UP)
    if None in steps:
        assert stated is not None and int(stated.replace(",", "")) == round(ratio) and not about, sentence
        return
    p, q = steps
    assert p is not None and q is not None
    figures = min([old.adjusted() - p.adjusted() + 1, (new - old).adjusted() - max(p, q).adjusted() + 1]
                  + ([new.adjusted() - q.adjusted() + 1] if new else []))
    if figures < 1:
        assert stated is None, sentence
        return
    assert stated is not None, sentence
    digits = len(str(whole)) if whole else 1
    if figures >= digits:
        assert (Decimal(stated.replace(",", "")), about) == (whole, False), sentence
    else:
        unit = Decimal(10) ** (digits - figures)
        assert (Decimal(stated.replace(",", "")), about) == (
            (ratio / unit).quantize(Decimal(1), ROUND_HALF_UP) * unit, True), sentence


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
    assert "a fall of £11.280m (100%): a change of more than ten times, as published; worth checking against " \
           "the source." in sentence


def test_a_percentage_is_no_more_precise_than_the_values(real_site: Path) -> None:
    """Cambridgeshire's NHS debt rose from £1.4m (to £0.1m) to £13m (to £1m): two significant figures each, so the
    percentage has two, never the 829% that three would claim."""
    page = real_site / "councils/cambridgeshire/index.html"
    sentence = next(s for s in narrative(page) if s.startswith("NHS overdue adult social care debt rose"))
    assert sentence.endswith("an increase of £11.6m (about 830%).")
    assert not re.search(r"\(\d{3}%\)", sentence)


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


def synthetic_series(values: Sequence[float], qualifier: str = "exact") -> Council:
    """A SYNTHETIC council with one yearly money figure a year from 2015-16, of these values."""
    topic = Topic("t", "SYNTHETIC topic", 1)
    measure = Measure("m", "SYNTHETIC budget", "GBP", "", topic, False, "p")
    source = Source("s", "SYNTHETIC source", "Test", None, "https://example.org/", "primary", "high")
    area = Council("E06000999", "SYNTHETIC Council", "SYNTHETIC", "synthetic")
    area.figures = [Figure(f"f{n}", area, measure, value, "GBP", date(2015 + n, 4, 1), date(2016 + n, 3, 31),
                           f"{2015 + n}-{(16 + n) % 100:02d}", qualifier, "reported", "", source, "", "", False,
                           None, "p") for n, value in enumerate(values)]
    return area


def test_a_series_of_three_figures_is_stated_figure_by_figure() -> None:
    assert council_narrative(synthetic_series([1_234_567, 2_345_678, 3_456_789])) == [
        "SYNTHETIC budget: £1,234,567 in 2015-16.",
        "SYNTHETIC budget rose from £2,345,678 in 2016-17 to £3,456,789 in 2017-18, an increase of £1,111,111 (47%)."]


def test_a_longer_series_is_summed_up_in_one_sentence_ending_with_its_latest_change() -> None:
    """Ten yearly figures: the narrative is an overview (the chart and its table give every figure)."""
    values = [1_234_567 + 100_000 * n for n in range(9)] + [2_345_678]
    assert council_narrative(synthetic_series(values)) == [
        "SYNTHETIC budget, 10 periods: £1,234,567 in 2015-16 to £2,345,678 in 2024-25. Latest: it rose from "
        "£2,034,567 in 2023-24 to £2,345,678 in 2024-25, an increase of £311,111 (15%)."]


def test_a_long_series_states_no_change_its_last_two_figures_cannot_support() -> None:
    """A lower bound gives no change: the sentence stops at the first and latest figures."""
    assert council_narrative(synthetic_series([1_234_567, 2_345_678, 3_456_789, 4_567_890], "at_least")) == [
        "SYNTHETIC budget, 4 periods: at least £1,234,567 in 2015-16 to at least £4,567,890 in 2018-19."]
