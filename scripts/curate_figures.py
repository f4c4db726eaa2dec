"""Curate ../shared/data/reported/figures.csv into the two figures packages (the seed import).

Every decision is a table below, so the curation can be reviewed and rerun:
MEASURES (our vocabulary), FOLD (working code -> measure), AREAS (name as reported -> GSS code),
EXCLUDED (rows left out, with the reason) and ROWS (per-row period, qualifier, status, note).
Notes are our own words: nothing is copied from the `quote` column.

Usage: python scripts/curate_figures.py [--shared PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sitegen.periods import label_from_reported, period_dates  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared" / "data" / "reported" / "figures.csv"
DEFAULT_OUT = ROOT / "datapackages"
REFERENCE = ROOT / "datapackages" / "reference"
ENGLAND = "E92000001"
SLUG = "^[a-z0-9]+(-[a-z0-9]+)*$"

# id: (label, unit, topic, package, allows_negative, definition)
MEASURES: dict[str, tuple[str, str, str, str, bool, str]] = {
    "nhs-overdue-asc-debt": ("NHS overdue adult social care debt", "GBP", "nhs-debt", "nhs-debts", False,
        "Money owed by NHS bodies to the council for adult social care, past its due date, at a date."),
    "nhs-debt-disputed-share": ("Share of NHS overdue debt in dispute", "percent", "nhs-debt", "nhs-debts", False,
        "Percentage of the NHS overdue adult social care debt that the NHS body disputes."),
    "nhs-debt-all-services": ("NHS debt to the council, all services", "GBP", "nhs-debt", "nhs-debts", False,
        "Money owed by an NHS body to the council for all services, not only adult social care."),
    "nhs-debt-all-services-peak": ("Highest NHS debt to the council in the period, all services", "GBP", "nhs-debt",
        "nhs-debts", False, "The most an NHS body owed the council for all services at any point in a period: "
        "a peak, not a balance at a date, so never compared with one."),
    "nhs-invoices-cancelled": ("Invoices to the NHS cancelled", "GBP", "nhs-debt", "nhs-debts", False,
        "Value of the council's invoices to an NHS body cancelled by credit notes after reconciliation."),
    "disputed-amount": ("Amount in dispute", "GBP", "dispute", "nhs-debts", False,
        "Money one side says the other owes for care, and the other disputes; the note says which way."),
    "nhs-debt-written-off": ("NHS debt written off", "GBP", "dispute", "nhs-debts", False,
        "Money the council had billed an NHS body and gave up collecting because the NHS disputed it."),
    "dispute-settlement": ("Dispute settlement paid by the NHS", "GBP", "dispute", "nhs-debts", False,
        "Money an NHS body agreed to pay the council to settle a dispute over care costs."),
    "cost-pressure-claimed": ("Cost pressure claimed", "GBP", "dispute", "nhs-debts", False,
        "A cost one party says the other's decisions or funding gap put on it; always a claim."),
    "cost-sharing-savings-target": ("Planned savings from NHS cost sharing", "GBP", "dispute", "nhs-debts", False,
        "Savings the council planned to make by changing how it shares care costs with the NHS."),
    "dispute-legal-costs": ("Legal costs of a dispute", "GBP", "dispute", "nhs-debts", False,
        "Money spent on lawyers and court costs in a dispute between a council and NHS bodies."),
    "client-debt-outstanding": ("Client debt outstanding", "GBP", "client-debt", "nhs-debts", False,
        "All money owed to the council by people for their adult social care, due or not yet due."),
    "client-debt-overdue": ("Client debt overdue", "GBP", "client-debt", "nhs-debts", False,
        "Money owed to the council by people for adult social care, past its due date."),
    "client-deferred-payment-debt": ("Deferred payment debt", "GBP", "client-debt", "nhs-debts", False,
        "Care costs deferred under deferred payment agreements, usually secured on the person's home."),
    "client-debt-written-off": ("Client debt written off", "GBP", "client-debt", "nhs-debts", False,
        "Adult social care charges owed by people that the council wrote off as uncollectable."),
    "bcf-total": ("Better Care Fund pooled total", "GBP", "bcf", "better-care-fund", False,
        "Total of the Better Care Fund pooled budget agreed by the council and the NHS for the period."),
    "bcf-nhs-contribution": ("NHS contribution to the BCF", "GBP", "bcf", "better-care-fund", False,
        "Money the NHS (CCGs, later ICBs) put into the Better Care Fund pool."),
    "bcf-nhs-discretionary-contribution": ("NHS discretionary contribution to the BCF", "GBP", "bcf",
        "better-care-fund", False, "NHS money put into the pool above the required minimum."),
    "bcf-nhs-contribution-to-social-care": ("NHS money for social care via the BCF", "GBP", "bcf",
        "better-care-fund", False,
        "The part of the NHS contribution that must be spent supporting adult social care."),
    "bcf-council-contribution": ("Council contribution to the BCF", "GBP", "bcf", "better-care-fund", False,
        "Money the council put into the Better Care Fund pool (revenue and capital together)."),
    "bcf-council-contribution-revenue": ("Council revenue contribution to the BCF", "GBP", "bcf",
        "better-care-fund", False, "Revenue money the council put into the Better Care Fund pool."),
    "bcf-council-contribution-capital": ("Council capital contribution to the BCF", "GBP", "bcf",
        "better-care-fund", False, "Capital money the council put into the Better Care Fund pool."),
    "bcf-payment-withheld": ("BCF payment withheld", "GBP", "bcf", "better-care-fund", False,
        "A Better Care Fund payment the council expected that the NHS held back or refused."),
    "bcf-spent-protecting-social-care": ("BCF spent protecting social care", "GBP", "bcf", "better-care-fund",
        False, "Better Care Fund money spent on protecting adult social care services."),
    "s75-pooled-budget": ("Section 75 pooled budget", "GBP", "bcf", "better-care-fund", False,
        "A pooled health and care budget under section 75 of the NHS Act 2006, wider than the BCF."),
    "s75-council-contribution": ("Council contribution to a section 75 pool", "GBP", "bcf",
        "better-care-fund", False, "Money the council put into a section 75 pooled budget or integrated provider."),
    "s75-nhs-contribution": ("NHS contribution to a section 75 pool", "GBP", "bcf", "better-care-fund", False,
        "Money an NHS body put into a section 75 pooled budget."),
    "ibcf-allocation": ("Improved BCF grant allocation", "GBP", "ibcf", "better-care-fund", False,
        "Improved Better Care Fund grant allocated to the council by central government for the year."),
    "ibcf-original-allocation": ("Improved BCF: original element", "GBP", "ibcf", "better-care-fund", False,
        "The original (2015 Spending Review) element of the council's iBCF grant."),
    "ibcf-supplementary-allocation": ("Improved BCF: supplementary element", "GBP", "ibcf", "better-care-fund",
        False, "The supplementary (Spring Budget 2017) element of the council's iBCF grant."),
    "ibcf-spring-2017-grant": ("Spring Budget 2017 social care grant", "GBP", "ibcf", "better-care-fund", False,
        "Additional adult social care money announced in the Spring Budget 2017, paid through the iBCF."),
    "dfg-allocation": ("Disabled Facilities Grant allocation", "GBP", "dfg", "better-care-fund", False,
        "Disabled Facilities Grant capital allocated for home adaptations, paid through the BCF."),
    "dfg-additional-allocation": ("Disabled Facilities Grant: in-year top-up", "GBP", "dfg",
        "better-care-fund", False, "Extra Disabled Facilities Grant allocated during the year."),
    "dfg-spend-approved": ("Disabled Facilities Grant spending approved", "GBP", "dfg", "better-care-fund",
        False, "Capital spending on Disabled Facilities Grants approved by the council."),
    "winter-pressures-grant": ("Winter pressures grant", "GBP", "grant", "better-care-fund", False,
        "One-off adult social care winter pressures grant (2018-19), to ease pressure on the NHS."),
    "discharge-fund-grant": ("Discharge Fund grant", "GBP", "discharge", "better-care-fund", False,
        "Adult Social Care Discharge Fund grant to the council, to speed discharge from hospital."),
    "dtoc-fines": ("Delayed discharge fines", "GBP", "discharge", "better-care-fund", False,
        "Reimbursement the council paid, or was billed, for delayed transfers of care from hospital."),
    "survey-integration-savings-priority": ("Directors rating integration a very important savings priority",
        "percent", "survey", "better-care-fund", False,
        "Share of responding directors of adult social services (ADASS survey)."),
    "survey-no-stp-benefit-expected": ("Directors not expecting financial benefit from STPs", "percent",
        "survey", "better-care-fund", False,
        "Share of responding directors not expecting their area's sustainability and transformation plan to "
        "bring the council financial benefit (ADASS survey)."),
    "survey-fined-or-warned-dtoc": ("Councils fined or warned over delayed discharges", "percent", "survey",
        "better-care-fund", False, "Share of responding councils fined, or warned of fines, for delayed "
        "transfers of care (ADASS survey)."),
    "survey-nhs-reduction-talks": ("Councils in talks on NHS reductions", "percent", "survey",
        "better-care-fund", False, "Share of responding councils in talks with the NHS about reducing "
        "continuing healthcare or NHS contributions (ADASS survey)."),
    "survey-bcf-reduction-talks": ("Councils in talks on BCF reductions", "percent", "survey",
        "better-care-fund", False, "Share of responding councils in talks about reducing the BCF (ADASS survey)."),
    "survey-directors-pessimistic": ("Directors pessimistic about the future", "percent", "survey",
        "better-care-fund", False, "Share of responding directors fairly or very pessimistic (ADASS survey)."),
    "survey-bcf-spend-on-nhs-pressures": ("Directors expecting BCF money to relieve NHS pressures", "percent",
        "survey", "better-care-fund", False,
        "Share of directors answering who said new BCF money would be spent on NHS pressures (ADASS survey)."),
    "survey-responding-councils": ("Councils responding to the ADASS survey", "count", "survey",
        "better-care-fund", False, "Number of councils whose director answered the ADASS budget survey."),
}

# Working measure code (shared/data) -> our measure id.
FOLD: dict[str, str] = {
    "nhs_overdue_asc_debt": "nhs-overdue-asc-debt",
    "nhs_overdue_asc_debt_disputed_share": "nhs-debt-disputed-share",
    "nhs_debt_to_council_all_services": "nhs-debt-all-services",
    "nhs_debt_to_council_peak": "nhs-debt-all-services-peak",
    "credit_notes_issued_to_nhs": "nhs-invoices-cancelled",
    "nhs_debt_claimed_disputed": "disputed-amount",
    "chc_dispute_amount": "disputed-amount",
    "chc_restitution_claim": "disputed-amount",
    "bcf_s75_dispute_invoice": "disputed-amount",
    "nhs_debt_written_off": "nhs-debt-written-off",
    "nhs_dispute_settlement_paid_to_council": "dispute-settlement",
    "bcf_dispute_settlement_to_councils": "dispute-settlement",
    "cost_shunting_pressure_ld": "cost-pressure-claimed",
    "asc_s75_funding_gap_claimed_by_nhs": "cost-pressure-claimed",
    "cost_sharing_savings_target": "cost-sharing-savings-target",
    "ordinary_residence_dispute_legal_costs": "dispute-legal-costs",
    "client_asc_debt_total": "client-debt-outstanding",
    "client_asc_debt_outstanding": "client-debt-outstanding",
    "echs_debt_total_incl_asc": "client-debt-outstanding",
    "client_overdue_asc_debt": "client-debt-overdue",
    "client_overdue_asc_debt_unsecured": "client-debt-overdue",
    "client_deferred_payment_debt": "client-deferred-payment-debt",
    "client_debt_written_off": "client-debt-written-off",
    "debt_written_off_echs_incl_asc": "client-debt-written-off",
    "bcf_total": "bcf-total",
    "bcf_nhs_contribution": "bcf-nhs-contribution",
    "bcf_nhs_discretionary_payment": "bcf-nhs-discretionary-contribution",
    "bcf_nhs_contribution_to_asc": "bcf-nhs-contribution-to-social-care",
    "nhs_s256_transfer_to_social_care": "bcf-nhs-contribution-to-social-care",
    "bcf_council_contribution": "bcf-council-contribution",
    "bcf_council_capital_contribution": "bcf-council-contribution-capital",
    "bcf_council_contribution_capital": "bcf-council-contribution-capital",
    "bcf_council_contribution_revenue": "bcf-council-contribution-revenue",
    "bcf_payment_withheld": "bcf-payment-withheld",
    "bcf_spent_protecting_social_care": "bcf-spent-protecting-social-care",
    "s75_pooled_fund_total_incl_bcf": "s75-pooled-budget",
    "s75_ld_pooled_budget_total": "s75-pooled-budget",
    "s75_ld_pooled_budget_council_contribution": "s75-council-contribution",
    "s75_pooled_budget_council_virement": "s75-council-contribution",
    "council_contribution_to_nhs_ico_for_asc": "s75-council-contribution",
    "s75_ld_pooled_budget_nhs_contribution": "s75-nhs-contribution",
    "ibcf_allocation": "ibcf-allocation",
    "ibcf_original_allocation": "ibcf-original-allocation",
    "ibcf_supplementary_allocation": "ibcf-supplementary-allocation",
    "asc_spring_budget_2017_grant_via_ibcf": "ibcf-spring-2017-grant",
    "ibcf_allocation_at_risk": "ibcf-spring-2017-grant",
    "dfg_allocation": "dfg-allocation",
    "dfg_additional_allocation": "dfg-additional-allocation",
    "dfg_capital_spend_approved": "dfg-spend-approved",
    "asc_winter_pressures_grant": "winter-pressures-grant",
    "asc_discharge_fund_la_grant": "discharge-fund-grant",
    "dtoc_fines": "dtoc-fines",
    "adass_integration_very_important_savings_priority_share": "survey-integration-savings-priority",
    "adass_directors_not_expecting_stp_financial_benefit_share": "survey-no-stp-benefit-expected",
    "adass_councils_fined_or_warned_dtoc_share": "survey-fined-or-warned-dtoc",
    "adass_nhs_reduction_talks_chc_or_contributions_share": "survey-nhs-reduction-talks",
    "adass_bcf_reduction_talks_share": "survey-bcf-reduction-talks",
    "adass_directors_pessimistic_share": "survey-directors-pessimistic",
    "adass_bcf_spend_on_nhs_pressures_share": "survey-bcf-spend-on-nhs-pressures",
    "adass_survey_responding_councils": "survey-responding-councils",
}

# Council as written in the source -> GSS code, where the name is not a council's name or short name.
AREAS: dict[str, str] = {
    "England (all councils)": ENGLAND,
    "Bromley (London Borough)": "E09000006",
    "Lewisham (London Borough)": "E09000023",
    "Hillingdon (London Borough)": "E09000017",
    "Havering (London Borough)": "E09000016",
    "Hammersmith and Fulham (London Borough)": "E09000013",
    "Wirral Borough Council": "E08000015",
    "Wirral Council": "E08000015",
    "Durham County Council": "E06000047",
    "Southend-on-Sea": "E06000033",
    "Telford & Wrekin Council": "E06000020",
    "Brent Council": "E09000005",
}

# Rows left out: key (council, working measure, value) -> reason.
EXCLUDED: dict[tuple[str, str, str], str] = {
    ("Gloucester", "dfg_allocation", "1584452"): "Gloucester City Council is a district council, not one of "
        "the 153 councils with adult social care duties; we do not attribute its grant to the county.",
    ("Gloucester", "dfg_allocation", "1388345"): "As above: district council, out of scope.",
    ("Gloucester", "dfg_allocation", "1276921"): "As above: district council, out of scope.",
    ("Barnet, Camden, Enfield, Haringey and Islington councils (combined)", "bcf_dispute_settlement_to_councils",
     "10400000"): "A combined settlement for five councils; the source gives no split, so it cannot be "
        "attributed to any one council without guessing.",
    ("Surrey County Council", "client_asc_debt_total", "14000000"): "The date of the figure is not known "
        "(the meeting date was not in what was read), so no honest period can be given.",
    ("Surrey County Council", "client_overdue_asc_debt_unsecured", "4500000"): "As above: date not known.",
    ("Bromley (London Borough)", "echs_debt_total_incl_asc", "10300000"): "Debt of the whole Education, Care "
        "and Health Services department, not adult social care alone; adjacent to our subject.",
    ("Bromley (London Borough)", "debt_written_off_echs_incl_asc", "652401"): "As above: whole-department "
        "write-off, not adult social care alone.",
    ("Lincolnshire County Council", "dtoc_fines", "1400"): "The year the fine relates to is not known "
        "(the source says only 'the previous year' and its date was not seen).",
}

FY = "financial year"


@dataclass(frozen=True)
class Decision:
    """How one reported row is published (fields not given are derived from the row)."""

    period: str = ""          # period label in a contract form; blank: derive from the row
    qualifier: str = "exact"
    claimant: str = ""        # non-blank: status is claim
    note: str = ""


# Per-row decisions: key (council, working measure, value).
ROWS: dict[tuple[str, str, str], Decision] = {
    ("Norfolk County Council", "nhs_debt_written_off", "2400000"): Decision(
        "2018-19 to 2022-23", note="On invoices from 2018 to 2023 that the NHS disputed; years are our reading "
        "of the source's range."),
    ("Norfolk County Council", "nhs_dispute_settlement_paid_to_council", "5950000"): Decision(
        "2018-19 to 2022-23", note="Settlement of invoices from 2018 to 2023; the council paid the NHS about "
        "£1m in the same settlement."),
    ("Lancashire County Council", "cost_sharing_savings_target", "28000000"): Decision(
        "2024-25 to 2026-27", claimant="Lancashire County Council",
        note="A savings target in the budget set in February 2024 for the years ahead; the NHS raised concerns. "
        "The years are our reading."),
    ("Wiltshire Council", "bcf_payment_withheld", "2300000"): Decision(
        "2015-16", note="Payment-for-performance element held back by the CCG; the year is inferred."),
    ("Birmingham City Council", "dtoc_fines", "1100000"): Decision(
        "2014-15 to 2016-17", claimant="Sandwell and West Birmingham Hospitals NHS Trust",
        note="Unpaid fines over about three years that the council disputes; the years are inferred."),
    ("Brent Council", "chc_dispute_amount", "8000000"): Decision(
        "2006-07 to 2007-08", "range_lower_bound", claimant="Brent Council",
        note="The council contested primary care trust bills for continuing care estimated at £8m to £12m; "
        "the lower bound is entered."),
    ("Luton Borough Council", "client_debt_written_off", "455783"): Decision(
        "2010-11 to 2023-24", note="Individual debts over £10,000 run up between 2010 and 2024, put forward "
        "for write-off."),
    ("Kent County Council", "client_debt_written_off", "3919551"): Decision(
        "2020-21 to 2024-25", note="Five financial years from April 2020."),
    ("Kent County Council", "client_debt_written_off", "969000"): Decision(qualifier="approximate"),
    ("Kent County Council", "client_debt_written_off", "1030000"): Decision(qualifier="approximate"),
    ("Kent County Council", "client_debt_written_off", "660000"): Decision(qualifier="at_least"),
    ("Cheshire East Council", "client_asc_debt_outstanding", "1900000"): Decision(
        "27 September 2012", note="As reported to the meeting of 27 September 2012; about 800 people owed it."),
    ("Coventry City Council", "bcf_total", "148000000"): Decision(
        "2023-24 to 2024-25", "approximate", note="The two-year 2023-25 plan."),
    ("Essex County Council", "client_deferred_payment_debt", "11900000"): Decision(
        "31 March 2019", note="Year-end 2018-19 is inferred from the source."),
    ("Southend-on-Sea", "client_deferred_payment_debt", "2800000"): Decision(
        "31 March 2019", note="Year-end 2018-19 is inferred from the source."),
    ("Thurrock", "client_deferred_payment_debt", "690000"): Decision(
        "31 March 2019", note="Year-end 2018-19 is inferred from the source."),
    ("Northumberland County Council", "client_asc_debt_outstanding", "5300000"): Decision(
        "December 2022", "at_least", note="Over 3,900 unpaid invoices, per a report to a scrutiny committee."),
    ("Hammersmith and Fulham (London Borough)", "client_debt_written_off", "133000"): Decision(
        "1 July 2015", "approximate", note="Estimated home care debt written off when charging for home care "
        "was abolished."),
    ("Surrey County Council", "chc_dispute_amount", "1500000"): Decision(
        "2008-09 to 2014-15", "at_least", claimant="Surrey County Council",
        note="Care costs the council paid that it said the CCG (and its predecessor PCT) should have paid; "
        "the years are approximate."),
    ("Surrey County Council", "chc_restitution_claim", "310000"): Decision(
        "2020", claimant="Surrey County Council",
        note="The restitution claim as limited by the statutory limitation period, in a case decided in 2020 "
        "([2020] EWHC 3550 (QB)); plus interest."),
    ("Torbay Council", "asc_s75_funding_gap_claimed_by_nhs", "35000000"): Decision(
        "2026", "approximate", claimant="Torbay and South Devon NHS Foundation Trust",
        note="The trust's estimate of the yearly gap between the cost of adult social care it delivers and "
        "the funding; stated in 2026."),
    ("Cornwall Council", "bcf_s75_dispute_invoice", "1800000"): Decision(
        "2019-20", claimant="Cornwall Council", note="Invoice presented in November 2020 for the previous "
        "year's BCF outturn, disputed by the CCG; the year is inferred."),
    ("Cornwall Council", "bcf_s75_dispute_invoice", "2300000"): Decision(
        "2020-21", claimant="Cornwall Council", note="The council's figure for 2020-21, disputed by the CCG."),
    ("Hillingdon (London Borough)", "bcf_payment_withheld", "800000"): Decision(
        "2015-16", "approximate", note="Care Act money the council expected through the CCG's BCF plan."),
    ("Hillingdon (London Borough)", "bcf_total", "18000000"): Decision("2015-16"),
    ("Liverpool City Council", "dtoc_fines", "562000"): Decision(
        "2008-09 to 2010-11", note="Three years to 2011; the years are inferred from the report's date."),
    ("Wirral Borough Council", "dtoc_fines", "335900"): Decision(
        "2008-09 to 2010-11", note="Three years to 2011; the years are inferred from the report's date."),
    ("Hertfordshire County Council", "dtoc_fines", "1962205"): Decision(
        "2008-09 to 2010-11", note="Three years to 2011; the years are inferred from the report's date."),
    ("Hampshire County Council", "dtoc_fines", "12000"): Decision(
        "1 January 2004 to 14 January 2004", note="Fines for the first two weeks of January 2004. The source is "
        "a mirror of a BBC News page."),
    ("Herefordshire Council", "ibcf_allocation_at_risk", "4500000"): Decision(
        "2017-18", note="The council's share of the West Midlands' additional Better Care money, which it "
        "said was at risk because of conditions on delayed transfers of care."),
    ("Oxfordshire County Council", "s75_pooled_budget_council_virement", "21000000"): Decision(
        "2013-14", note="Council money moved into the Older People's Pooled Budget."),
    ("Havering (London Borough)", "client_asc_debt_total", "6500000"): Decision(
        "April 2009", "at_least", note="Over £2m of it was provided for as bad debt."),
    ("Cambridgeshire County Council", "s75_ld_pooled_budget_total", "122000000"): Decision(
        "2023-24", note="Learning Disability Partnership pooled budget, as reported in October 2023."),
    ("Cambridgeshire County Council", "s75_ld_pooled_budget_council_contribution", "93700000"): Decision(
        "2023-24", note="Council share of the Learning Disability Partnership pooled budget."),
    ("Cambridgeshire County Council", "s75_ld_pooled_budget_nhs_contribution", "28300000"): Decision(
        "2023-24", note="ICB share of the Learning Disability Partnership pooled budget."),
    ("Cambridgeshire County Council", "nhs_debt_claimed_disputed", "10000000"): Decision(
        "March 2025", claimant="Cambridgeshire County Council",
        note="Historical debt of the Learning Disability Partnership that the council says the NHS owes; "
        "the ICB disputes the amount. The month is approximate."),
    ("Sheffield City Council", "cost_shunting_pressure_ld", "500000"): Decision(
        "2016-17", claimant="Sheffield City Council",
        note="Forecast in June 2016: learning disability costs the council attributed to CCG activity."),
    ("City of Wolverhampton Council", "ordinary_residence_dispute_legal_costs", "75000"): Decision(
        "2018", note="Spent on an ordinary-residence case decided in 2018 ([2018] EWHC 1136)."),
    ("Southampton City Council", "dfg_capital_spend_approved", "1200000"): Decision(
        "2015-16 to 2016-17", note="Approved in 2015-16, phased across 2015-16 and 2016-17."),
    ("Thurrock Council", "bcf_total", "40000000"): Decision("2017-18 to 2018-19", "at_least",
        note="The 2017-19 plan."),
    ("Norfolk County Council", "nhs_s256_transfer_to_social_care", "10000000"): Decision(
        "2011-12", "approximate", note="NHS money transferred to social care under section 256, a forerunner "
        "of the BCF; the year is inferred."),
    ("Peterborough City Council", "nhs_debt_to_council_all_services", "1400000"): Decision(
        "31 March 2020", note="Debts more than 30 days old."),
    ("Peterborough City Council", "nhs_debt_to_council_peak", "16000000"): Decision(
        "2019-20", "approximate", note="The highest level reached during 2019-20."),
    ("Peterborough City Council", "credit_notes_issued_to_nhs", "1600000"): Decision(
        "2019-20", note="Issued after errors were found when reconciling the CCG's account."),
    ("Cambridgeshire County Council", "nhs_overdue_asc_debt_disputed_share", "5"): Decision(
        "31 March 2024", "approximate"),
    ("Lancashire County Council", "bcf_total", "200000000"): Decision("2024-25", "at_least",
        note="Stated as a yearly figure."),
    ("Norfolk County Council", "bcf_nhs_contribution", "50000000"): Decision("2015-16", "at_least",
        note="The year is inferred from the source."),
    ("Norfolk County Council", "bcf_nhs_discretionary_payment", "7000000"): Decision("2015-16", "approximate",
        note="Paid above the minimum to reduce unplanned hospital admissions; the year is inferred."),
    ("Norfolk County Council", "bcf_payment_withheld", "7000000"): Decision(
        "2016-17", note="The CCGs said they could not afford the discretionary payment for 2016-17."),
    ("England (all councils)", "bcf_total", "5500000000"): Decision(
        "2017-18", note="Provisional total that councils planned to agree."),
    ("England (all councils)", "bcf_total", "5360000000"): Decision(
        "2016-17", note="The source says 2017-18 was 'down from' this figure, though this figure is lower; "
        "we publish both figures as reported."),
    ("England (all councils)", "adass_councils_fined_or_warned_dtoc_share", "25"): Decision(
        "2017-18", "approximate"),
    ("England (all councils)", "adass_directors_pessimistic_share", "75"): Decision("2017-18", "approximate"),
    ("England (all councils)", "adass_bcf_spend_on_nhs_pressures_share", "32"): Decision(
        "2017-18", note="Of the 87 directors who answered this question."),
    ("England (all councils)", "adass_survey_responding_councils", "138"): Decision(
        "2017-18", note="Of 151 councils providing social care."),
    ("Devon County Council", "ibcf_original_allocation", "19700000"): Decision(
        note="Rounded to £0.1m by the source."),
    ("Devon County Council", "ibcf_supplementary_allocation", "9500000"): Decision(
        note="Rounded to £0.1m by the source."),
}

# A title in the shared data that says the headline was not seen; we publish our own description instead.
PLACEHOLDER = "[title not shown"
# Measure labels that start with a name keep their capital mid-sentence.
PROPER_STARTS = ("NHS", "BCF", "Better Care Fund", "Disabled Facilities Grant", "Spring Budget", "Improved BCF",
                 "Discharge Fund")

SECONDARY_HINTS = ("opengovernment.network", "opencouncil.network", "shepwayvox", "pages.dev",
                   "parallelparliament", "lukeclements", "healthcare-management")
PRIMARY_HINTS = ("gov.uk", "democracy.", "mycouncil.", "moderngov", "modgov.", "councillors.",
                 "edemocracy.", "cds.bromley", "devon.gov.uk", "torbay.gov.uk", "southampton.gov.uk")


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV as dicts."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def norm(name: str) -> str:
    """Normalise a council or NHS body name for matching."""
    name = re.sub(r"\(.*?\)", " ", name.lower()).replace("&", "and")
    for word in ("nhs ", " integrated care board", " icb", " ccg", " council", " county", " city",
                 " borough", " metropolitan", "london borough of ", "royal borough of ", " district"):
        name = name.replace(word, " ")
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


@dataclass
class Reference:
    """What the curation needs from the reference package."""

    areas: dict[str, str]        # normalised name -> GSS code
    slugs: dict[str, str]        # GSS code -> slug
    icbs: dict[str, str]         # normalised ICB name -> ONS code
    ccgs: dict[str, str]         # normalised former CCG name -> ONS code


def load_reference(folder: Path) -> Reference:
    """Index councils and NHS bodies by normalised name."""
    councils = read_csv(folder / "councils.csv")
    areas = {norm(c[k]): c["code"] for c in councils for k in ("name", "short_name")}
    slugs = {c["code"]: c["slug"] for c in councils} | {ENGLAND: "england"}
    icbs = {norm(r["name"]): r["code"] for r in read_csv(folder / "icbs.csv")}
    ccgs = {norm(r["name"]): r["code"] for r in read_csv(folder / "former_ccgs.csv")}
    return Reference(areas, slugs, icbs, ccgs)


def area_code(reported: str, ref: Reference) -> str:
    """GSS code for a council as written in the source; fails loudly rather than guess."""
    code = AREAS.get(reported) or ref.areas.get(norm(reported))
    if not code:
        raise SystemExit(f"no GSS code for {reported!r}: add it to AREAS or EXCLUDED")
    return code


def counterparty(reported: str, ref: Reference) -> tuple[str, str, bool]:
    """(code, name, inferred) for the NHS body as reported; `NHS (X)` means we inferred X."""
    inferred = reported.startswith("NHS (") and reported.endswith(")")
    name = reported[5:-1] if inferred else reported
    return body_code(name, ref), name, inferred


def body_code(name: str, ref: Reference) -> str:
    """ONS code of an ICB or former CCG named exactly enough; blank for trusts, PCTs and groups."""
    plain = re.sub(r"\(.*?\)", "", name)
    if re.search(r"\bICB\b|Integrated Care Board", plain):
        return ref.icbs.get(norm(name), "")
    if re.search(r"\bCCG\b", plain) and not re.search(r"CCGs|/", plain):
        return ref.ccgs.get(norm(name), "")
    return ""


def source_id(url: str) -> str:
    """A stable id for a source: `src-` and 8 hex digits of its URL's sha256."""
    return "src-" + hashlib.sha256(url.encode()).hexdigest()[:8]


def source_kind(url: str) -> str:
    """Primary (council paper, GOV.UK) or secondary (news, trade press, aggregators, mirrors)."""
    if any(hint in url for hint in SECONDARY_HINTS):
        return "secondary"
    return "primary" if any(hint in url for hint in PRIMARY_HINTS) else "secondary"


def source_row(row: dict[str, str], titles: dict[str, str] | None = None) -> dict[str, str]:
    """The sources.csv row for a reported row; `titles` replaces titles that were not recorded."""
    ident = source_id(row["url"])
    return {
        "id": ident, "title": (titles or {}).get(ident, row["title"]), "publisher": row["publisher"],
        "published": row["published"], "url": row["url"], "kind": source_kind(row["url"]),
        "confidence": row["confidence"],
    }


def key(row: dict[str, str]) -> tuple[str, str, str]:
    """The key decisions are filed under."""
    return row["council"], row["measure"], row["value"]


def period_of(row: dict[str, str], decision: Decision) -> tuple[str, date, date]:
    """Label and dates for a row: the decision's label, else the cleanly reported one."""
    label = decision.period or label_from_reported(row["period"], row["period_kind"])
    dates = period_dates(label) if label else None
    if not label or not dates:
        raise SystemExit(f"no period for {key(row)} ({row['period']!r}): add a decision to ROWS")
    return label, dates[0], dates[1]


def figure_row(row: dict[str, str], ref: Reference) -> dict[str, str]:
    """The figures.csv row for a reported row (without its id)."""
    decision = ROWS.get(key(row), Decision())
    label, start, end = period_of(row, decision)
    code, name, inferred = counterparty(row["counterparty"], ref)
    measure = FOLD[row["measure"]]
    if MEASURES[measure][1] != row["unit"]:
        raise SystemExit(f"unit {row['unit']} does not fit {measure} for {key(row)}")
    return {
        "area_code": area_code(row["council"], ref), "area_name_reported": row["council"],
        "counterparty_code": code, "counterparty_name": name,
        "counterparty_inferred": "true" if inferred else "false", "measure": measure,
        "value": row["value"], "unit": row["unit"], "period_start": start.isoformat(),
        "period_end": end.isoformat(), "period_label": label, "qualifier": decision.qualifier,
        "status": "claim" if decision.claimant else "reported", "claimant": decision.claimant,
        "source_id": source_id(row["url"]), "note": decision.note,
    }


def figure_id(fig: dict[str, str], ref: Reference, taken: set[str]) -> str:
    """Readable, unique id: area slug, measure and period."""
    period = re.sub(r"[^a-z0-9]+", "-", fig["period_label"].lower()).strip("-")
    base = f"{ref.slugs[fig['area_code']]}-{fig['measure']}-{period}"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    taken.add(ident)
    return ident


def curate(shared: Path, reference: Path) -> tuple[dict[str, list[dict[str, str]]], list[tuple[int, str]]]:
    """Figures by package, and the excluded rows (file line, reason): together all reported rows."""
    ref = load_reference(reference)
    rows = read_csv(shared)
    figures: dict[str, list[dict[str, str]]] = {"nhs-debts": [], "better-care-fund": []}
    excluded: list[tuple[int, str]] = []
    taken: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if key(row) in EXCLUDED:
            excluded.append((line, EXCLUDED[key(row)]))
            continue
        fig = figure_row(row, ref)
        fig = {"id": figure_id(fig, ref, taken)} | fig
        figures[MEASURES[fig["measure"]][3]].append(fig)
    return {k: sorted(v, key=lambda f: f["id"]) for k, v in figures.items()}, excluded


def lower_first(label: str) -> str:
    """A measure label as it reads mid-sentence: `Client debt overdue` -> `client debt overdue`."""
    return label if label.startswith(PROPER_STARTS) else label[:1].lower() + label[1:]


def spoken_list(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def described_title(row: dict[str, str], figures: list[dict[str, str]], names: dict[str, str]) -> str:
    """Our title for a source whose title was not recorded: facts we hold, none of the source's words.

    Publisher, the areas and measures of the published figures that cite it, the publication date
    when known, and `title not recorded`. The URL slug and the quote are not used.
    """
    areas = sorted({names[fig["area_code"]] for fig in figures})
    order = list(MEASURES)
    measures = sorted({fig["measure"] for fig in figures}, key=order.index)
    labels = "; ".join(lower_first(MEASURES[m][0]) for m in measures)
    when = ""
    if row["published"]:
        day = date.fromisoformat(row["published"])
        when = f"published {day.day} {day:%B %Y}; "
    return f"{row['publisher']} on {spoken_list(areas)}: {labels} ({when}title not recorded)"


def source_titles(shared: Path, reference: Path, figures: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """Source id -> our title, for every published source whose title the shared data did not record.

    Built from all published figures, so a source cited by both packages gets the same title in both.
    Fails loudly if two published sources would share a title.
    """
    names = {c["code"]: c["name"] for c in read_csv(reference / "councils.csv")} | {ENGLAND: "England"}
    citing: dict[str, list[dict[str, str]]] = {}
    for fig in (fig for rows in figures.values() for fig in rows):
        citing.setdefault(fig["source_id"], []).append(fig)
    rows = {source_id(r["url"]): r for r in read_csv(shared)}
    titles = {ident: described_title(rows[ident], citing[ident], names)
              for ident in sorted(citing) if rows[ident]["title"].startswith(PLACEHOLDER)}
    published = [titles.get(ident, rows[ident]["title"]) for ident in sorted(citing)]
    clashes = sorted({t for t in published if published.count(t) > 1})
    if clashes:
        raise SystemExit(f"sources share a title {clashes}: make the rule tell them apart")
    return titles


def sources_for(shared: Path, ids: set[str], titles: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The sources cited by a package's figures, deduplicated by URL."""
    by_id = {source_row(r, titles)["id"]: source_row(r, titles) for r in read_csv(shared)}
    return [by_id[i] for i in sorted(ids)]


def measures_for(package: str) -> list[dict[str, str]]:
    """The measures vocabulary rows of one package."""
    return [
        {"id": mid, "label": label, "unit": unit, "definition": definition, "topic": topic,
         "allows_negative": "true" if negative else "false"}
        for mid, (label, unit, topic, pkg, negative, definition) in sorted(MEASURES.items())
        if pkg == package
    ]


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str]) -> None:
    """Write rows with LF line endings."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def f(name: str, type_: str, description: str, **constraints: object) -> dict[str, object]:
    """A Table Schema field."""
    out: dict[str, object] = {"name": name, "type": type_, "description": description}
    if constraints:
        out["constraints"] = constraints
    return out


FIGURE_FIELDS = [
    f("id", "string", "Stable id of the figure; Markdown refers to it", required=True, unique=True,
      pattern=SLUG),
    f("area_code", "string", "GSS code of the council (reference package, councils) or E92000001 for "
      "England (reference package, nations); checked by sitegen validate", required=True,
      pattern="^E[0-9]{8}$"),
    f("area_name_reported", "string", "The area as the source wrote it"),
    f("counterparty_code", "string", "ONS code of the NHS body (E54 ICB or E38 former CCG) where it can be "
      "identified in the reference package", pattern="^E(54|38)[0-9]{6}$"),
    f("counterparty_name", "string", "The NHS body as reported, or as we inferred it"),
    f("counterparty_inferred", "boolean", "True where the source did not name the NHS body and we inferred it",
      required=True),
    f("measure", "string", "What is counted: an id in measures", required=True),
    f("value", "number", "The figure, in whole units of `unit`, rounded as the source rounded it",
      required=True),
    f("unit", "string", "Unit of the value; equals the measure's unit", required=True,
      enum=["GBP", "count", "percent"]),
    f("period_start", "date", "First day of the period", required=True),
    f("period_end", "date", "Last day of the period (a point in time has start = end)", required=True),
    f("period_label", "string", "The period in words, agreeing with the dates: 2023-24, "
      "2017-18 to 2019-20, 31 March 2024, 1 January 2004 to 14 January 2004, March 2024 or 2019",
      required=True),
    f("qualifier", "string", "How exact the value is", required=True,
      enum=["exact", "approximate", "at_least", "range_lower_bound"]),
    f("status", "string", "reported: stated as fact by the source; claim: one side's claim in a dispute",
      required=True, enum=["reported", "claim"]),
    f("claimant", "string", "Whose claim it is (required when status is claim)"),
    f("source_id", "string", "The source: an id in sources", required=True),
    f("note", "string", "Context in our own words (never the source's)"),
]
MEASURE_FIELDS = [
    f("id", "string", "Measure id", required=True, unique=True, pattern=SLUG),
    f("label", "string", "Short label", required=True),
    f("unit", "string", "Unit of every figure of this measure", required=True,
      enum=["GBP", "count", "percent"]),
    f("definition", "string", "What is counted, in our words", required=True),
    f("topic", "string", "Topic, used to group charts", required=True,
      enum=["bcf", "client-debt", "dfg", "discharge", "dispute", "grant", "ibcf", "nhs-debt", "survey"]),
    f("allows_negative", "boolean", "Whether a figure of this measure may be negative", required=True),
]
SOURCE_FIELDS = [
    f("id", "string", "Source id", required=True, unique=True, pattern=SLUG),
    f("title", "string", "Title as published; where it was not recorded, our description from the "
      "figures citing it, ending '(title not recorded)' (see docs/curation.md)", required=True),
    f("publisher", "string", "Who published it", required=True),
    f("published", "date", "Publication date; blank where not known"),
    f("url", "string", "Where to read it (http or https)", required=True, pattern="^https?://.+"),
    f("kind", "string", "primary: council paper, GOV.UK, Parliament; secondary: news, trade press, "
      "aggregators, mirrors", required=True, enum=["primary", "secondary"]),
    f("confidence", "string", "high: number and period explicit; medium: period inferred or amount "
      "approximate", required=True, enum=["high", "medium"]),
]
CC_BY = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
         "title": "Creative Commons Attribution 4.0"}
PACKAGES = {
    "nhs-debts": ("Money owed between English councils and the NHS for care",
                  "NHS debts owed to councils for adult social care, disputed claims, write-offs, "
                  "settlements and client debt, each figure as reported in a cited public source."),
    "better-care-fund": ("Better Care Fund and related grants",
                         "Better Care Fund totals and contributions, improved BCF, Disabled Facilities "
                         "Grant, withheld payments, related grants, delayed-discharge fines and national "
                         "survey indicators, each figure as reported in a cited public source."),
}


RESOURCE_TEXT = {
    "figures": "One row per figure: the area, the NHS body where known, the measure, value and unit, the period "
               "as dates and a label, how exact it is, whether it is a claim and whose, and its source.",
    "measures": "The vocabulary of measures: label, unit, definition, topic, and whether a figure may be negative.",
    "sources": "Every public source a figure cites: title, publisher, publication date where known, web address, "
               "kind (primary or secondary) and confidence.",
}


def table(name: str, title: str, fields: list[dict[str, object]], fks: list[dict[str, object]],
          description: str) -> dict:
    """A tabular resource descriptor."""
    schema: dict[str, object] = {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}
    if fks:
        schema["foreignKeys"] = fks
    return {"name": name, "path": f"{name}.csv", "title": title, "description": description,
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": schema}


def descriptor(package: str) -> dict[str, object]:
    """Descriptor of one figures package."""
    title, description = PACKAGES[package]
    fks = [{"fields": "measure", "reference": {"resource": "measures", "fields": "id"}},
           {"fields": "source_id", "reference": {"resource": "sources", "fields": "id"}}]
    return {
        "name": package, "title": title, "profile": "tabular-data-package",
        "description": description + " Coverage is partial and uneven: a council without a figure has "
        "no figure reported, not a zero. Curated from public sources; every curation decision is recorded in "
        "docs/curation.md in the project repository.",
        "licenses": [CC_BY],
        "contributors": [{"title": "Who Pays for Care contributors", "role": "author"}],
        "sources": [{"title": "Public sources cited figure by figure (see the sources resource)"}],
        "resources": [table("figures", "Figures", FIGURE_FIELDS, fks, RESOURCE_TEXT["figures"]),
                      table("measures", "Measures", MEASURE_FIELDS, [], RESOURCE_TEXT["measures"]),
                      table("sources", "Sources", SOURCE_FIELDS, [], RESOURCE_TEXT["sources"])],
    }


def write_package(out: Path, package: str, figures: list[dict[str, str]], shared: Path,
                  titles: dict[str, str]) -> None:
    """Write one figures package folder."""
    folder = out / package
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "figures.csv", figures, [str(x["name"]) for x in FIGURE_FIELDS])
    write_csv(folder / "measures.csv", measures_for(package), [str(x["name"]) for x in MEASURE_FIELDS])
    sources = sources_for(shared, {fig["source_id"] for fig in figures}, titles)
    write_csv(folder / "sources.csv", sources, [str(x["name"]) for x in SOURCE_FIELDS])
    text = json.dumps(descriptor(package), indent=2, ensure_ascii=False) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


TITLE_RULE = """Where the shared data did not record a source's title (its `title` starts with
`[title not shown`), we do not reconstruct the headline, not even from the words of the URL slug:
that would be guessing at the source's wording, and the address itself is published in `url`. The
title we publish is built only from facts we hold, always in the same form:
`<publisher> on <areas>: <measures> (published <date>; title not recorded)`, where the areas are the
councils (or England) and the measures are the labels of our vocabulary for the published figures that
cite the source, and the date is left out where it is not known. Any description the shared data gave
after the placeholder is not carried over either. `scripts/curate_figures.py` fails if two published
sources would end up with the same title."""

CAVEATS = """## Caveats carried into the data

- Coverage is thin and uneven: about 60 councils. NHS debt owed to councils is reported for only
  Cambridgeshire, Norfolk and Peterborough. The site shows a gap as a gap, never as zero.
- The iBCF allocations come from two GOV.UK determinations (2023-24, 2024-25) of which only the
  councils from Barking and Dagenham to Brighton and Hove were read.
- Claims in a dispute are published with `status` = `claim` and the `claimant`.
- Adjacent measures (winter pressures grant 2018-19, wider section 75 pooled budgets, Peterborough's
  all-services NHS debt) are kept under clearly labelled measures.
- Aggregator, blog, mirror and third-party sites are marked `secondary`.
- The national 2016-17 BCF total is published as reported; the note explains the source's wording.
"""


def curation_doc(figures: dict[str, list[dict[str, str]]], excluded: list[tuple[int, str]],
                 shared: Path, titles: dict[str, str]) -> str:
    """docs/curation.md, generated from the decision tables so it cannot drift from them."""
    folded: dict[str, list[str]] = {}
    for code, measure in sorted(FOLD.items()):
        folded.setdefault(measure, []).append(f"`{code}`")
    lines = ["# Curation notes", "", "Generated by `scripts/curate_figures.py` from its decision tables; "
             "do not edit by hand.", "",
             f"Of {sum(map(len, figures.values())) + len(excluded)} reported rows, "
             f"{sum(map(len, figures.values()))} are published and {len(excluded)} left out.", "",
             "## Measures", "", "| id | label | unit | topic | package | working codes folded in |",
             "|---|---|---|---|---|---|"]
    for mid, (label, unit, topic, package, _neg, _d) in sorted(MEASURES.items()):
        lines.append(f"| `{mid}` | {label} | {unit} | {topic} | {package} | {', '.join(folded.get(mid, []))} |")
    lines += ["", "## Names mapped by hand", "", "| as reported | GSS code |", "|---|---|"]
    lines += [f"| {name} | {code} |" for name, code in sorted(AREAS.items())]
    lines += ["", "Other names match a council's official or short name. No figure names a council "
              "abolished in the 2019-2023 reorganisations, so none is attributed to a successor.", "",
              "## Rows left out", "", "| line in figures.csv | council | measure | reason |", "|---|---|---|---|"]
    rows = read_csv(shared)
    for line, reason in excluded:
        row = rows[line - 2]
        lines.append(f"| {line} | {row['council']} | `{row['measure']}` | {reason} |")
    publishers = {source_id(r["url"]): r["publisher"] for r in rows}
    lines += ["", "## Sources whose title was not recorded", "", TITLE_RULE, "",
              "| source | publisher | title we publish |", "|---|---|---|"]
    lines += [f"| `{ident}` | {publishers[ident]} | {title} |" for ident, title in sorted(titles.items())]
    return "\n".join(lines) + "\n\n" + CAVEATS


def main() -> None:
    """Curate the seed figures into both packages."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    figures, excluded = curate(args.shared, args.reference)
    titles = source_titles(args.shared, args.reference, figures)
    for package, rows in figures.items():
        write_package(args.out, package, rows, args.shared, titles)
    doc = curation_doc(figures, excluded, args.shared, titles)
    (args.out.parent / "docs" if args.out == DEFAULT_OUT else args.out).joinpath("curation.md").write_text(
        doc, encoding="utf-8")
    published = sum(len(rows) for rows in figures.values())
    print(f"{published} figures published, {len(excluded)} excluded, of {published + len(excluded)} rows")


if __name__ == "__main__":
    main()
