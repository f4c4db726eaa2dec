"""The seed facts put right (issue 21, item 4): each as a reader sees it on the built page.

Every value was checked against the quote for its reported row in `../shared/data/reported/figures.csv`
(or, for the figures added by hand, against the report the note names).
"""

from __future__ import annotations

import html
import re
from pathlib import Path


def page(site: Path, slug: str) -> str:
    """A council page's HTML."""
    return (site / "councils" / slug / "index.html").read_text(encoding="utf-8")


def text(fragment: str) -> str:
    """What a reader reads: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def figure_row(site: Path, slug: str, figure_id: str) -> list[str]:
    """The cells of a figure's row in the page's table of all figures, as text."""
    found = re.search(rf'<tr id="figure-{re.escape(figure_id)}">(.*?)</tr>', page(site, slug), re.S)
    assert found, f"{figure_id} is not in the table on /councils/{slug}/"
    return [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.S)]


def england(site: Path, figure_id: str) -> list[str]:
    """The cells of a figure's row on England's page."""
    return figure_row(site, "england", figure_id)


def test_adass_risk_sharing_is_2016_17_and_2017_18_is_a_plan(real_site: Path) -> None:
    measure, period, value, status, *_ = england(real_site, "england-survey-risk-sharing-with-ccgs-2016-17")
    assert (measure, period, value) == ("Councils sharing financial risk with CCGs", "2016-17", "about 50%")
    assert status.startswith("Reported") and "the year before" in status
    measure, period, value, status, *_ = england(real_site, "england-survey-risk-sharing-with-ccgs-2017-18")
    assert (period, value) == ("2017-18", "about 50%")
    assert status.startswith("Planned by councils responding to the ADASS survey") and "not an outcome" in status
    # no sentence states a change between the outcome of 2016-17 and the plan for 2017-18
    assert not re.search(r"risk[^.]*(rose|fell|increase|fall)", text(page(real_site, "england")), re.I)


def test_the_extra_1bn_for_2017_18_is_there_as_an_announcement_with_its_source(real_site: Path) -> None:
    cells = england(real_site, "england-ibcf-spring-2017-grant-2017-18")
    measure, period, value, status, _counterparty, source = cells
    assert (measure, period, value) == ("Spring Budget 2017 social care grant", "2017-18", "£1bn")
    assert status.startswith("Planned by the government, in the Spring Budget 2017")
    assert "announced" in status and "not money spent" in status
    assert source.startswith("ADASS Budget Survey 2017")
    assert 'href="https://www.adass.org.uk/adass-budget-survey-2017"' in page(real_site, "england")


def test_the_1_27bn_protecting_social_care_is_a_plan_for_the_year_just_begun(real_site: Path) -> None:
    _measure, period, value, status, *_ = england(real_site, "england-bcf-spent-protecting-social-care-2017-18")
    assert (period, value) == ("2017-18", "£1.27bn")
    assert status.startswith("Planned by") and "not an outcome" in status
    # and the provisional total it is part of is a plan too
    _measure, period, value, status, *_ = england(real_site, "england-bcf-total-2017-18")
    assert (period, value, status.split(" ")[0]) == ("2017-18", "£5.5bn", "Planned")


CAMBRIDGESHIRE_NHS_DEBT = ("cambridgeshire-nhs-overdue-asc-debt-31-march-2023",
                           "cambridgeshire-nhs-overdue-asc-debt-31-march-2024",
                           "cambridgeshire-nhs-debt-disputed-share-31-march-2024")


def test_cambridgeshire_nhs_debt_names_the_icb_as_both_reports_do(real_site: Path) -> None:
    for figure_id in CAMBRIDGESHIRE_NHS_DEBT:
        counterparty = figure_row(real_site, "cambridgeshire", figure_id)[4]
        assert counterparty == "NHS Cambridgeshire and Peterborough ICB", figure_id  # no "(inferred)"
    shown = text(page(real_site, "cambridgeshire"))
    assert "did not name" not in shown and "we infer" not in shown
    assert "Both reports name the body the council's officers were dealing with" in shown
    icb = (real_site / "icbs" / "cambridgeshire-and-peterborough" / "index.html").read_text(encoding="utf-8")
    assert all(f"figure-{figure_id}" in icb for figure_id in CAMBRIDGESHIRE_NHS_DEBT)


def written(site: Path, slug: str) -> str:
    """The council page's written background, as text."""
    found = re.search(r'<section class="written".*?</section>', page(site, slug), re.S)
    assert found, f"/councils/{slug}/ has no written background"
    return text(found.group(0))


def test_lancashire_narrative_attributes_the_claims_and_owns_its_reading_of_the_period(real_site: Path) -> None:
    shown = written(real_site, "lancashire")
    assert "planned to save £28m" in shown and "a plan, not an outcome" in shown
    assert "2024-25 to 2026-27, is our reading, not the source's" in shown
    # what went wrong is told as what named people said, paraphrased, never quoted
    assert "Mark Howe, said" in shown and "Noel O'Neill, said" in shown
    assert "council officers' accounts" in shown and "own officers were saying" in shown
    assert not re.search(r"[\"“”‘’]|not worked out", shown)
    assert "at least £200m a year" in shown and "according to the ICB's chief executive" in shown
    assert 'href="https://www.lancasterguardian.co.uk/' in page(real_site, "lancashire")
    period = figure_row(real_site, "lancashire", "lancashire-cost-sharing-savings-target-2024-25-to-2026-27")[1]
    assert period == "2024-25 to 2026-27"


NORFOLK_CCGS = "Norfolk CCGs (Norwich, South Norfolk, West Norfolk, North Norfolk, Great Yarmouth and Waveney)"


def test_norfolk_and_waveney_icb_lists_the_figures_naming_the_five_norfolk_ccgs(real_site: Path) -> None:
    icb = (real_site / "icbs" / "norfolk-and-waveney" / "index.html").read_text(encoding="utf-8")
    former = icb[icb.index("Figures naming a CCG replaced by"):]
    for figure_id in ("norfolk-bcf-nhs-contribution-2015-16", "norfolk-bcf-nhs-discretionary-contribution-2015-16",
                      "norfolk-bcf-nhs-discretionary-contribution-not-made-2016-17",
                      "norfolk-nhs-savings-required-2016-17"):
        found = re.search(rf'<tr id="figure-{figure_id}">(.*?)</tr>', former, re.S)
        assert found, figure_id
        shown = text(found.group(1))
        assert NORFOLK_CCGS in shown and "merged into NHS Norfolk and Waveney CCG" in shown


def test_norfolk_2011_12_money_is_a_section_256_transfer_not_bcf(real_site: Path) -> None:
    cells = figure_row(real_site, "norfolk", "norfolk-nhs-s256-transfer-to-social-care-2011-12")
    measure, period, value, status, *_ = cells
    assert (measure, period, value) == ("NHS transfer to social care (section 256)", "2011-12", "about £10m")
    assert "years before the BCF began in 2015-16" in status
    norfolk = page(real_site, "norfolk")
    assert "norfolk-bcf-nhs-contribution-to-social-care-2011-12" not in norfolk
    for row in re.findall(r'<tr id="figure-[^"]*">(.*?)</tr>', norfolk, re.S):
        cells = [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        assert not (cells[1] == "2011-12" and re.search("BCF|Better Care", cells[0])), cells
    definition = text((real_site / "measures" / "nhs-s256-transfer-to-social-care" / "index.html").read_text())
    assert "section 256" in definition and "not BCF money" in definition


def test_bcp_lists_the_christchurch_part_of_dorset_county_council_as_a_predecessor(real_site: Path) -> None:
    reference = Path(__file__).resolve().parent.parent / "datapackages" / "reference" / "successions.csv"
    rows = reference.read_text(encoding="utf-8").splitlines()
    assert "E10000009,E06000058,Christchurch" in rows  # Dorset County Council -> BCP, a part
    assert "E10000009,E06000059,East Dorset; North Dorset; Purbeck; West Dorset; Weymouth and Portland" in rows
    bcp = page(real_site, "bournemouth-christchurch-and-poole")
    found = re.search(r'<section class="former" aria-labelledby="former-dorset-county-council">(.*?)</section>',
                      bcp, re.S)
    assert found, "BCP's page has no section for Dorset County Council"
    shown = text(found.group(1))
    assert shown.startswith("Figures for the former Dorset County Council Until 31 March 2019, Dorset County Council "
                            "was the county council for the former district of Christchurch, now in this council's "
                            "area (the rest of its area passed to Dorset Council).")
    assert "for the whole of its area" in shown and "councils/dorset-county-council/index.html" in found.group(1)
    county = text(page(real_site, "dorset-county-council"))
    assert ("Its area passed to Bournemouth, Christchurch and Poole Council (the former district of Christchurch) "
            "and Dorset Council (the former districts of") in county
