"""Curate ../shared/data/reported/figures.csv into the two seed figures packages (rerunnable, merge by id).

The decisions are data, reviewed like any data: `scripts/curation/decisions.csv` (one row per reported
row, keyed by the figure id it becomes: the NHS body where the source names one that the reported row
marks as inferred, our measure, period, qualifier, status, who said it, note, or why it is left out) and
`scripts/curation/area_names.csv` and `body_names.csv` (names of councils and NHS bodies matched by
hand). The vocabulary is each package's `measures.csv`; the table schemas are the descriptors. The
script upserts the figures and sources it makes, by id, and never deletes or rewrites any other row.
Notes are our own words: nothing is copied from the `quote` column.

Usage: python scripts/curate_figures.py [--shared PATH] [--out PATH] [--docs PATH]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sitegen.data.periods import label_from_reported, period_dates  # noqa: E402
from sitegen.importers.names import AreaIndex, BodyIndex, area_index, body_index, counterparty  # noqa: E402
from sitegen.importers.store import upsert, write_if_changed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared" / "data" / "reported" / "figures.csv"
DEFAULT_OUT = ROOT / "datapackages"
DECISIONS = Path(__file__).resolve().parent / "curation"
SEED_PACKAGES = ("nhs-debts", "better-care-fund")
ENGLAND = "E92000001"
MATCH = ("council", "measure_reported", "value", "period_reported", "url")

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


@dataclass(frozen=True)
class Measure:
    """What the curation needs to know of a measure in the vocabulary."""

    id: str
    label: str
    unit: str
    topic: str
    package: str


@dataclass
class Reference:
    """What the curation needs from the reference package."""

    areas: AreaIndex
    bodies: BodyIndex
    names: dict[str, str]  # GSS code -> official name
    body_names: dict[str, str]  # NHS body as reported -> ONS code, matched by hand


def load_reference(folder: Path, decisions: Path) -> Reference:
    """Name indexes of councils and NHS bodies, with the names matched by hand."""
    aliases = {r["name_reported"]: r["area_code"] for r in read_csv(decisions / "area_names.csv")}
    councils = read_csv(folder / "councils.csv")
    areas = area_index(councils, nations=read_csv(folder / "nations.csv"), aliases=aliases)
    bodies = body_index(read_csv(folder / "icbs.csv"), read_csv(folder / "former_ccgs.csv"))
    body_names = {r["name_reported"]: r["code"] for r in read_csv(decisions / "body_names.csv")}
    return Reference(areas, bodies, {c["code"]: c["name"] for c in councils} | {ENGLAND: "England"}, body_names)


def load_measures(out: Path) -> dict[str, Measure]:
    """The vocabulary of the seed packages, from their measures.csv."""
    return {r["id"]: Measure(r["id"], r["label"], r["unit"], r["topic"], package)
            for package in SEED_PACKAGES for r in read_csv(out / package / "measures.csv")}


def source_id(url: str) -> str:
    """A stable id for a source: `src-` and 8 hex digits of its URL's sha256."""
    return "src-" + hashlib.sha256(url.encode()).hexdigest()[:8]


def source_kind(url: str) -> str:
    """Primary (council paper, GOV.UK) or secondary (news, trade press, aggregators, mirrors)."""
    if any(hint in url for hint in SECONDARY_HINTS):
        return "secondary"
    return "primary" if any(hint in url for hint in PRIMARY_HINTS) else "secondary"


def source_row(row: dict[str, str], titles: dict[str, str]) -> dict[str, str]:
    """The sources.csv row for a reported row; `titles` replaces titles that were not recorded."""
    ident = source_id(row["url"])
    return {
        "id": ident, "title": titles.get(ident, row["title"]), "publisher": row["publisher"],
        "published": row["published"], "url": row["url"], "kind": source_kind(row["url"]),
        "confidence": row["confidence"],
    }


def decisions_by_row(shared: list[dict[str, str]], decisions: list[dict[str, str]]) -> list[dict[str, str]]:
    """The decision for each reported row, in file order; fails loudly on a row without one, or a stray one."""
    by_key = {tuple(d[k] for k in MATCH): d for d in decisions}
    if len(by_key) != len(decisions) or len({d["figure_id"] for d in decisions}) != len(decisions):
        raise SystemExit("decisions.csv: figure_id and the match columns must each be unique")
    found = []
    for line, row in enumerate(shared, start=2):
        key = (row["council"], row["measure"], row["value"], row["period"], row["url"])
        if key not in by_key:
            raise SystemExit(f"figures.csv line {line}: no decision for {key}: add a row to decisions.csv")
        found.append(by_key.pop(key))
    if by_key:
        raise SystemExit(f"decisions.csv: no reported row for {sorted(by_key)[0]}")
    return found


def precision(value: str) -> str:
    """The largest power of ten the value is a multiple of: how finely the source gave it (`5.5` -> `0.1`)."""
    number = Decimal(value)
    step = Decimal(10) ** min(int(number.as_tuple().exponent), 0)
    while number and number % (step * 10) == 0:
        step *= 10
    return format(step, "f")


def period_of(row: dict[str, str], decision: dict[str, str]) -> tuple[str, date, date]:
    """Label and dates for a row: the decision's label, else the cleanly reported one."""
    label = decision["period_label"] or label_from_reported(row["period"], row["period_kind"])
    dates = period_dates(label) if label else None
    if not label or not dates:
        raise SystemExit(f"no period for {decision['figure_id']} ({row['period']!r}): set period_label")
    return label, dates[0], dates[1]


def figure_row(row: dict[str, str], decision: dict[str, str], ref: Reference,
               measures: dict[str, Measure]) -> dict[str, str]:
    """The figures.csv row a reported row becomes under its decision."""
    measure = measures.get(decision["measure"])
    if measure is None or measure.unit != row["unit"]:
        raise SystemExit(f"{decision['figure_id']}: measure {decision['measure']!r} is unknown or not in "
                         f"{row['unit']}")
    code = ref.areas.code(row["council"])
    if not code:
        raise SystemExit(f"no GSS code for {row['council']!r}: add it to curation/area_names.csv")
    label, start, end = period_of(row, decision)
    # The reported column marks a body as inferred (`NHS (X)`); a decision may correct that where the source names it.
    body, name, inferred = counterparty(decision.get("counterparty") or row["counterparty"], ref.bodies)
    body = body or ref.body_names.get(name, "")
    return {
        "id": decision["figure_id"], "area_code": code, "area_name_reported": row["council"],
        "counterparty_code": body, "counterparty_name": name,
        "counterparty_inferred": "true" if inferred else "false", "measure": measure.id,
        "value": row["value"], "unit": row["unit"], "period_start": start.isoformat(),
        "period_end": end.isoformat(), "period_label": label, "qualifier": decision["qualifier"],
        "status": decision["status"], "claimant": decision["claimant"], "source_id": source_id(row["url"]),
        "note": decision["note"], "said_by": decision["said_by"],
        "precision": decision["precision"] or precision(row["value"]),
        "dispute": decision.get("dispute", ""),
    }


def curate(shared: list[dict[str, str]], decisions: list[dict[str, str]], ref: Reference,
           measures: dict[str, Measure]) -> dict[str, list[dict[str, str]]]:
    """The figures each reported row becomes, by package (left-out rows become none)."""
    figures: dict[str, list[dict[str, str]]] = {package: [] for package in SEED_PACKAGES}
    for row, decision in zip(shared, decisions_by_row(shared, decisions), strict=True):
        if not decision["left_out"]:
            fig = figure_row(row, decision, ref, measures)
            figures[measures[fig["measure"]].package].append(fig)
    return figures


def lower_first(label: str) -> str:
    """A measure label as it reads mid-sentence: `Client debt overdue` -> `client debt overdue`."""
    return label if label.startswith(PROPER_STARTS) else label[:1].lower() + label[1:]


def spoken_list(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def described_title(row: dict[str, str], figures: list[dict[str, str]], names: dict[str, str],
                    measures: dict[str, Measure]) -> str:
    """Our title for a source whose title was not recorded: facts we hold, none of the source's words.

    Publisher, the areas and measures of the published figures that cite it, the publication date
    when known, and `title not recorded`. The URL slug and the quote are not used.
    """
    areas = sorted({names[fig["area_code"]] for fig in figures})
    order = sorted(measures)
    cited = sorted({fig["measure"] for fig in figures}, key=order.index)
    labels = "; ".join(lower_first(measures[m].label) for m in cited)
    when = ""
    if row["published"]:
        day = date.fromisoformat(row["published"])
        when = f"published {day.day} {day:%B %Y}; "
    return f"{row['publisher']} on {spoken_list(areas)}: {labels} ({when}title not recorded)"


def source_titles(shared: list[dict[str, str]], figures: dict[str, list[dict[str, str]]], ref: Reference,
                  measures: dict[str, Measure]) -> dict[str, str]:
    """Source id -> our title, for every published source whose title the shared data did not record.

    Built from all published figures, so a source cited by both packages gets the same title in both.
    Fails loudly if two published sources would share a title.
    """
    citing: dict[str, list[dict[str, str]]] = {}
    for fig in (fig for rows in figures.values() for fig in rows):
        citing.setdefault(fig["source_id"], []).append(fig)
    rows = {source_id(r["url"]): r for r in shared}
    titles = {ident: described_title(rows[ident], citing[ident], ref.names, measures)
              for ident in sorted(citing) if rows[ident]["title"].startswith(PLACEHOLDER)}
    published = [titles.get(ident, rows[ident]["title"]) for ident in sorted(citing)]
    clashes = sorted({t for t in published if published.count(t) > 1})
    if clashes:
        raise SystemExit(f"sources share a title {clashes}: make the rule tell them apart")
    return titles


def sources_for(shared: list[dict[str, str]], figures: list[dict[str, str]],
                titles: dict[str, str]) -> list[dict[str, str]]:
    """The sources cited by a package's figures, deduplicated by URL."""
    by_id = {source_id(r["url"]): source_row(r, titles) for r in shared}
    return [by_id[i] for i in sorted({fig["source_id"] for fig in figures})]


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
- Claims in a dispute are published with `status` = `claim` and the `claimant`; plans and targets with
  `status` = `planned`; a figure a named person said carries `said_by`.
- Adjacent measures (winter pressures grant 2018-19, wider section 75 pooled budgets, Peterborough's
  all-services NHS debt) are kept under clearly labelled measures.
- Aggregator, blog, mirror and third-party sites are marked `secondary`.
- The national 2016-17 BCF total is published as reported; the note explains the source's wording.
"""


def curation_doc(shared: list[dict[str, str]], decisions: list[dict[str, str]], measures: dict[str, Measure],
                 aliases: list[dict[str, str]], titles: dict[str, str], bodies: list[dict[str, str]]) -> str:
    """docs/curation.md, generated from the decision tables so it cannot drift from them."""
    rows = decisions_by_row(shared, decisions)
    left_out = [(line, d) for line, d in enumerate(rows, start=2) if d["left_out"]]
    folded: dict[str, set[str]] = {}
    for d in rows:
        folded.setdefault(d["measure"], set()).add(f"`{d['measure_reported']}`")
    lines = ["# Curation notes", "", "Generated by `scripts/curate_figures.py` from its decision tables in "
             "`scripts/curation/`; do not edit by hand.", "",
             f"Of {len(rows)} reported rows, {len(rows) - len(left_out)} are published and {len(left_out)} "
             "left out.", "", "## Measures", "", "| id | label | unit | topic | package | working codes folded in |",
             "|---|---|---|---|---|---|"]
    for m in sorted(measures.values(), key=lambda m: m.id):
        lines.append(f"| `{m.id}` | {m.label} | {m.unit} | {m.topic} | {m.package} | "
                     f"{', '.join(sorted(folded.get(m.id, set())))} |")
    lines += ["", "## Names mapped by hand", "", "| as reported | GSS code |", "|---|---|"]
    lines += [f"| {r['name_reported']} | {r['area_code']} |" for r in aliases]
    lines += ["", "Other names match a council's official or short name. No figure names a council "
              "abolished in the 2019-2023 reorganisations, so none is attributed to a successor.", "",
              "## NHS bodies mapped by hand", "", "| as reported | ONS code | why |", "|---|---|---|"]
    lines += [f"| {r['name_reported']} | {r['code']} | {r['why']} |" for r in bodies]
    lines += ["", "Other NHS bodies are matched by name to an ICB or a former CCG of the reference package, "
              "or left without a code.", "",
              "## Rows left out", "", "| line in figures.csv | council | measure | reason |", "|---|---|---|---|"]
    lines += [f"| {line} | {d['council']} | `{d['measure_reported']}` | {d['left_out']} |" for line, d in left_out]
    publishers = {source_id(r["url"]): r["publisher"] for r in shared}
    lines += ["", "## Sources whose title was not recorded", "", TITLE_RULE, "",
              "| source | publisher | title we publish |", "|---|---|---|"]
    lines += [f"| `{ident}` | {publishers[ident]} | {title} |" for ident, title in sorted(titles.items())]
    return "\n".join(lines) + "\n\n" + CAVEATS


def run(shared_path: Path, out: Path, docs: Path, decisions_dir: Path = DECISIONS) -> str:
    """Merge the seed figures and their sources into the packages; write the curation notes; a summary."""
    shared = read_csv(shared_path)
    decisions = read_csv(decisions_dir / "decisions.csv")
    ref = load_reference(out / "reference", decisions_dir)
    measures = load_measures(out)
    figures = curate(shared, decisions, ref, measures)
    titles = source_titles(shared, figures, ref, measures)
    report = []
    for package, rows in figures.items():
        done = upsert(out / package, "figures", rows)
        upsert(out / package, "sources", sources_for(shared, rows, titles))
        report.append(f"{package}: {done.summary('figures')}")
    aliases = read_csv(decisions_dir / "area_names.csv")
    bodies = read_csv(decisions_dir / "body_names.csv")
    write_if_changed(docs / "curation.md", curation_doc(shared, decisions, measures, aliases, titles, bodies))
    return "\n".join(report)


def main() -> None:
    """Curate the seed figures into both packages."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder of the data packages")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="where curation.md goes")
    args = parser.parse_args()
    print(run(args.shared, args.out, args.docs))


if __name__ == "__main__":
    main()
