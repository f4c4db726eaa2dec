"""Derive datapackages/reference/ from ../shared/data/reference (rerunnable, deterministic).

Usage: python scripts/derive_reference.py [--shared PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared" / "data" / "reference"
DEFAULT_OUT = ROOT / "datapackages" / "reference"

ONS_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: Office for National Statistics."
)
TYPES = {
    "E06": "Unitary authority",
    "E08": "Metropolitan district",
    "E09": "London borough",
    "E10": "County council",
}
SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
CC_BY = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
OGL = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}
MYSOCIETY = {
    "title": "mySociety: UK local authority names and codes (commit 67ef8b1, 2025-07-10)",
    "path": "https://github.com/mysociety/uk_local_authority_names_and_codes",
}
ONS = {
    "title": "Office for National Statistics lookups (ICB 2024, LSOA 2021, CCG 2021)",
    "path": "https://geoportal.statistics.gov.uk/",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV as dicts, tolerating (and dropping) a UTF-8 BOM."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def slugify(text: str) -> str:
    """Lowercase ASCII slug: apostrophes dropped, other punctuation to hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "").replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def icb_short_name(name: str) -> str:
    """`NHS X Integrated Care Board` -> `X`."""
    return name.removeprefix("NHS ").removesuffix(" Integrated Care Board")


def number(text: str) -> str:
    """Write a number plainly: integral floats lose their `.0`."""
    value = float(text)
    return str(int(value)) if value.is_integer() else repr(round(value, 6))


def derive_councils(shared: Path) -> list[dict[str, str]]:
    """The 153 councils, joined to mySociety for population and position."""
    mysociety = {r["gss-code"]: r for r in read_csv(shared / "mysociety/uk_local_authorities_current.csv")}
    rows = []
    for r in read_csv(shared / "derived/england_social_care_authorities_153_with_primary_icb.csv"):
        m = mysociety[r["gss_code"]]
        rows.append(
            {
                "code": r["gss_code"],
                "name": r["official_name"],
                "short_name": r["name"],
                "slug": slugify(r["name"]),
                "type": TYPES[r["gss_code"][:3]],
                "region": r["region"],
                "population": number(m["pop-2020"]) if m["pop-2020"] else "",
                "latitude": f"{float(m['lat']):.5f}",
                "longitude": f"{float(m['long']):.5f}",
                "icb_code": r["primary_icb24_code"],
            }
        )
    return sorted(rows, key=lambda row: row["code"])


def derive_icbs(shared: Path) -> list[dict[str, str]]:
    """The 42 ICBs with ONS and ODS codes."""
    rows = [
        {
            "code": r["icb24_code"],
            "ods_code": r["icb24_code_nhs"],
            "name": r["icb24_name"],
            "short_name": icb_short_name(r["icb24_name"]),
            "slug": slugify(icb_short_name(r["icb24_name"])),
        }
        for r in read_csv(shared / "ons/icb24_list.csv")
    ]
    return sorted(rows, key=lambda row: row["code"])


def derive_overlaps(shared: Path, councils: set[str]) -> list[dict[str, str]]:
    """Council -> ICB overlap by count of LSOAs (approximate: not population-weighted)."""
    rows = [
        {
            "council_code": r["utla23_code"],
            "icb_code": r["icb24_code"],
            "lsoa_count": r["lsoa21_count"],
            "approx_share": f"{float(r['share_of_utla_lsoas']):.4f}",
            "is_primary": "true" if r["is_primary_icb"] == "True" else "false",
        }
        for r in read_csv(shared / "ons/utla23_to_icb24_by_lsoa21_count.csv")
        if r["utla23_code"] in councils
    ]
    return sorted(rows, key=lambda row: (row["council_code"], row["icb_code"]))


@dataclass(frozen=True)
class Split:
    """A former CCG whose area went to more than one ICB: the part outside its successor's ICB."""

    code: str
    name: str
    successor_icb: str          # ICB of the sub-ICB location that kept the CCG's ODS code
    elsewhere: tuple[tuple[str, str, int], ...]   # (district, ICB it now lies in, LSOA 2011 count)


def ccg_successors(shared: Path) -> tuple[dict[str, str], list[Split]]:
    """CCG code -> the one ICB (2024) its whole area passed to; and the CCGs whose area was split.

    A sub-ICB location that kept the CCG's ONS code kept its boundary (ONS codes change when a
    boundary does), so the whole area sits in that sub-ICB location's ICB. A CCG whose code changed
    is followed by its ODS code to the sub-ICB location that kept it; its area is then checked district
    by district (LSOA 2011 overlaps): a piece in a council that in 2024 has no area at all in that ICB
    went elsewhere, and the CCG is split. A piece in a council shared between ICBs is taken to have
    stayed, since the lookups cannot say otherwise.
    """
    sicbls = read_csv(shared / "ons/sicbl24_icb24_list.csv")
    by_ons = {r["sicbl24_code"]: r["icb24_code"] for r in sicbls}
    by_ods = {r["sicbl24_code_nhs"]: r["icb24_code"] for r in sicbls}
    council_of = {r["ltla23_code"]: r["utla23_code"] for r in read_csv(shared / "ons/lookup_ltla23_utla23.csv")}
    icbs_of: dict[str, set[str]] = {}
    for r in read_csv(shared / "ons/utla23_to_icb24_by_lsoa21_count.csv"):
        icbs_of.setdefault(r["utla23_code"], set()).add(r["icb24_code"])
    pieces: dict[str, list[dict[str, str]]] = {}
    for r in read_csv(shared / "ons/ccg21_stp21_ltla21_by_lsoa11_count.csv"):
        pieces.setdefault(r["ccg21_code"], []).append(r)
    whole: dict[str, str] = {}
    splits: list[Split] = []
    for r in read_csv(shared / "ons/ccg21_stp21_cal21_lookup.csv"):
        code = r["CCG21CD"]
        if code in by_ons:
            whole[code] = by_ons[code]
            continue
        successor = by_ods.get(r["CCG21CDH"])
        if not successor:
            raise SystemExit(f"no sub-ICB location kept the code of {code} {r['CCG21NM']}")
        elsewhere = []
        for piece in pieces[code]:
            council = council_of.get(piece["ltla21_code"])
            if council is None:
                raise SystemExit(f"district {piece['ltla21_code']} of {code} is not in the 2023 lookup")
            if successor not in icbs_of[council]:
                (other,) = icbs_of[council]
                elsewhere.append((piece["ltla21_name"], other, int(piece["lsoa11_count"])))
        if elsewhere:
            splits.append(Split(code, r["CCG21NM"], successor, tuple(sorted(elsewhere))))
        else:
            whole[code] = successor
    return whole, sorted(splits, key=lambda split: split.code)


def derive_ccgs(shared: Path) -> list[dict[str, str]]:
    """Former CCGs, with the ICB their whole area passed to (blank where it was split), and their main one."""
    whole, splits = ccg_successors(shared)
    main = whole | {split.code: split.successor_icb for split in splits}
    rows = [
        {
            "code": r["CCG21CD"],
            "ods_code": r["CCG21CDH"],
            "name": r["CCG21NM"],
            "icb_code": whole.get(r["CCG21CD"], ""),
            "main_icb_code": main[r["CCG21CD"]],
        }
        for r in read_csv(shared / "ons/ccg21_stp21_cal21_lookup.csv")
    ]
    return sorted(rows, key=lambda row: row["code"])


NATIONS = [{"code": "E92000001", "name": "England", "slug": "england"}]
# Abolished in the reorganisations of 2019-2023: upper-tier councils whose successors are among the 153.
REORGANISED_FROM, REORGANISED_TO = "2019-01-01", "2023-12-31"
UPPER_TIER = ("E06", "E10")  # districts (E07) had no adult social care duties


def abolished(shared: Path, councils: dict[str, str]) -> list[tuple[dict[str, str], list[dict[str, str]]]]:
    """(mySociety row, successor rows) of each English upper-tier council abolished in 2019-2023."""
    rows = read_csv(shared / "mysociety/uk_local_authorities_current.csv")
    by_code = {r["local-authority-code"]: r for r in rows}
    found = []
    for r in rows:
        successors = [by_code[c] for c in r["replaced-by"].split(",") if c]
        if (r["gss-code"][:3] in UPPER_TIER and REORGANISED_FROM <= r["end-date"] <= REORGANISED_TO
                and successors and all(s["gss-code"] in councils for s in successors)):
            found.append((r, successors))
    return sorted(found, key=lambda pair: pair[0]["gss-code"])


def derive_predecessors(shared: Path, councils: dict[str, str]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Councils abolished in 2019-2023, and which of the 153 took over each one's area.

    The end date is the day before the successors started (mySociety's own `end-date` is sometimes that
    day and sometimes the successors' first day).
    """
    predecessors, successions = [], []
    rows = read_csv(shared / "mysociety/uk_local_authorities_current.csv")
    by_code = {r["local-authority-code"]: r for r in rows}
    for r, successors in abolished(shared, councils):
        # a county's districts, abolished with it, say which part of its area each successor took: one may go to
        # a council its own `replaced-by` does not name (Christchurch, in Dorset County, to BCP)
        parts: dict[str, list[str]] = {}
        for d in rows:
            if d["county-la"] == r["local-authority-code"] and d["end-date"] == r["end-date"]:
                for code in filter(None, d["replaced-by"].split(",")):
                    parts.setdefault(by_code[code]["gss-code"], []).append(d["nice-name"])
        successors = successors + [by_code[c] for c in sorted(by_code) if by_code[c]["gss-code"] in parts
                                   and by_code[c]["gss-code"] in councils and by_code[c] not in successors]
        split = len(successors) > 1
        first = min(date.fromisoformat(s["start-date"]) for s in successors)
        predecessors.append({
            "code": r["gss-code"], "name": r["official-name"], "short_name": r["nice-name"],
            "slug": slugify(r["official-name"]), "type": TYPES[r["gss-code"][:3]],
            "region": councils[successors[0]["gss-code"]], "end_date": (first - timedelta(days=1)).isoformat(),
        })
        successions += [{"predecessor_code": r["gss-code"], "successor_code": s["gss-code"],
                         "part": "; ".join(sorted(parts.get(s["gss-code"], []))) if split else ""} for s in successors]
    return predecessors, sorted(successions, key=lambda row: (row["predecessor_code"], row["successor_code"]))


def field(name: str, type_: str, description: str, **constraints: object) -> dict[str, object]:
    """A Table Schema field."""
    out: dict[str, object] = {"name": name, "type": type_, "description": description}
    if constraints:
        out["constraints"] = constraints
    return out


def council_fields() -> list[dict[str, object]]:
    """Schema of councils.csv."""
    return [
        field("code", "string", "GSS code of the council", required=True, unique=True,
              pattern="^E(06|08|09|10)[0-9]{6}$"),
        field("name", "string", "Official name", required=True),
        field("short_name", "string", "Short name, as commonly used", required=True),
        field("slug", "string", "URL slug: the council's page is /councils/<slug>/", required=True,
              unique=True, pattern=SLUG_PATTERN),
        field("type", "string", "Kind of council, from the GSS code prefix", required=True,
              enum=sorted(TYPES.values())),
        field("region", "string", "English region", required=True),
        field("population", "integer", "Mid-2020 population estimate as published by mySociety; kept as "
              "published, not used by the site (per-head figures use populations.csv)", minimum=0),
        field("latitude", "number", "Latitude (WGS84) of a point in the council's area (mySociety)",
              minimum=49, maximum=56),
        field("longitude", "number", "Longitude (WGS84) of a point in the council's area (mySociety)",
              minimum=-7, maximum=2),
        field("icb_code", "string", "ONS code of the ICB covering most of the council's area",
              required=True),
    ]


def icb_fields() -> list[dict[str, object]]:
    """Schema of icbs.csv."""
    return [
        field("code", "string", "ONS code of the Integrated Care Board (April 2024)", required=True,
              unique=True, pattern="^E54[0-9]{6}$"),
        field("ods_code", "string", "NHS ODS code", required=True, unique=True),
        field("name", "string", "Official name", required=True),
        field("short_name", "string", "Name without 'NHS' and 'Integrated Care Board'", required=True),
        field("slug", "string", "URL slug: the ICB's page is /icbs/<slug>/", required=True,
              unique=True, pattern=SLUG_PATTERN),
    ]


def overlap_fields() -> list[dict[str, object]]:
    """Schema of council_icbs.csv."""
    return [
        field("council_code", "string", "GSS code of the council", required=True),
        field("icb_code", "string", "ONS code of the ICB", required=True),
        field("lsoa_count", "integer", "LSOAs (2021) of the council inside the ICB", required=True,
              minimum=1),
        field("approx_share", "number",
              "APPROXIMATE share of the council inside the ICB: by count of LSOAs, not population",
              required=True, minimum=0, maximum=1),
        field("is_primary", "boolean", "The ICB covering most of the council", required=True),
    ]


def ccg_fields(splits: list[Split]) -> list[dict[str, object]]:
    """Schema of former_ccgs.csv."""
    return [
        field("code", "string", "ONS code of the former CCG (2021)", required=True, unique=True,
              pattern="^E38[0-9]{6}$"),
        field("ods_code", "string", "NHS ODS code of the former CCG", required=True),
        field("name", "string", "Name of the former CCG", required=True),
        field("icb_code", "string",
              "ONS code of the ICB (2024) the whole of the CCG's area passed to; blank where the area was "
              "split between ICBs (" + ", ".join(f"{x.code} {x.name}" for x in splits) + "; see "
              "docs/data-model.md)"),
        field("main_icb_code", "string",
              "ONS code of the ICB (2024) that took over the CCG's NHS code, and with it all or most of its area: "
              "equal to icb_code, or for a split CCG the ICB of the sub-ICB location that kept its code",
              required=True),
    ]


def nation_fields() -> list[dict[str, object]]:
    """Schema of nations.csv."""
    return [
        field("code", "string", "GSS code of the nation", required=True, unique=True,
              pattern="^E92[0-9]{6}$"),
        field("name", "string", "Name", required=True),
        field("slug", "string", "URL slug", required=True, unique=True, pattern=SLUG_PATTERN),
    ]


def predecessor_fields() -> list[dict[str, object]]:
    """Schema of predecessors.csv."""
    return [
        field("code", "string", "GSS code the council had (figures of its years keep it)", required=True,
              unique=True, pattern="^E(06|10)[0-9]{6}$"),
        field("name", "string", "Official name", required=True),
        field("short_name", "string", "Short name (mySociety's nice name)", required=True),
        field("slug", "string", "URL slug, from the official name, so it never clashes with a successor's",
              required=True, unique=True, pattern=SLUG_PATTERN),
        field("type", "string", "Kind of council, from the GSS code prefix", required=True,
              enum=sorted(TYPES.values())),
        field("region", "string", "English region (its successors')", required=True),
        field("end_date", "date", "Last day the council existed: the day before its successors started",
              required=True),
    ]


def succession_fields() -> list[dict[str, object]]:
    """Schema of successions.csv."""
    return [
        field("predecessor_code", "string", "GSS code of the abolished council", required=True),
        field("successor_code", "string", "GSS code of a council that took over all or part of its area",
              required=True),
        field("part", "string", "Where the area was split between successors: the former districts whose area "
              "this successor took, separated by '; ' (e.g. Christchurch); blank where it took the whole area"),
    ]


def resource(name: str, title: str, description: str, fields_: list[dict[str, object]],
             primary_key: list[str], foreign_keys: list[dict[str, object]],
             licenses: list[dict[str, str]], sources: list[dict[str, str]]) -> dict[str, object]:
    """A tabular data resource descriptor."""
    schema: dict[str, object] = {"fields": fields_, "primaryKey": primary_key, "missingValues": [""]}
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "name": name, "path": f"{name}.csv", "title": title, "description": description,
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "licenses": licenses, "sources": sources, "schema": schema,
    }


def fk(fields_: str, resource_name: str, ref: str = "code") -> dict[str, object]:
    """An in-package foreign key."""
    return {"fields": fields_, "reference": {"resource": resource_name, "fields": ref}}


def descriptor(splits: list[Split]) -> dict[str, object]:
    """The reference package descriptor."""
    both = [CC_BY, OGL]
    return {
        "name": "reference",
        "title": "Reference: English councils with adult social care duties, and the NHS bodies",
        "description": (
            "The 153 English councils with adult social care duties, the 42 Integrated Care Boards "
            "(April 2024), council-to-ICB overlaps (approximate), former Clinical Commissioning "
            "Groups, the councils abolished in 2019-2023 and their successors, and England as a national area. "
            "Council names, codes, population and position "
            "from mySociety (CC-BY-4.0). " + ONS_ATTRIBUTION
        ),
        "attribution": "mySociety (CC-BY-4.0). " + ONS_ATTRIBUTION,
        "profile": "tabular-data-package",
        "licenses": both,
        "sources": [MYSOCIETY, ONS],
        "resources": [
            resource("councils", "Councils with adult social care duties",
                     "The 153 upper-tier and unitary councils in England (E06, E08, E09, E10).",
                     council_fields(), ["code"], [fk("icb_code", "icbs")], both, [MYSOCIETY, ONS]),
            resource("icbs", "Integrated Care Boards", "The 42 ICBs in England, April 2024.",
                     icb_fields(), ["code"], [], [OGL], [ONS]),
            resource("council_icbs", "Council to ICB overlap (approximate)",
                     "Share of each council's small areas (LSOA 2021) inside each ICB: approximate, "
                     "by count of areas, not population-weighted.",
                     overlap_fields(), ["council_code", "icb_code"],
                     [fk("council_code", "councils"), fk("icb_code", "icbs")], [OGL], [ONS]),
            resource("former_ccgs", "Former Clinical Commissioning Groups",
                     "CCGs as in April 2021, abolished on 1 July 2022 when ICBs took over; the ICB each "
                     "one's area passed to, where it passed whole to one.",
                     ccg_fields(splits), ["code"], [fk("icb_code", "icbs"), fk("main_icb_code", "icbs")], [OGL], [ONS]),
            resource("predecessors", "Councils abolished in 2019-2023",
                     "Upper-tier councils abolished in the reorganisations of 2019-2023, with the day each "
                     "ended. Official returns of earlier years report under their codes; their figures keep "
                     "them and are never summed into or split between successors.",
                     predecessor_fields(), ["code"], [], [CC_BY], [MYSOCIETY]),
            resource("successions", "Successors of abolished councils",
                     "Which of the 153 councils took over the area of each abolished council (mySociety's "
                     "replaced-by).", succession_fields(), ["predecessor_code", "successor_code"],
                     [fk("predecessor_code", "predecessors"), fk("successor_code", "councils")], [CC_BY],
                     [MYSOCIETY]),
            resource("nations", "Nations", "England, the area of national figures.",
                     nation_fields(), ["code"], [], [OGL], [ONS]),
        ],
    }


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    """Write rows with LF line endings and minimal quoting."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def main() -> None:
    """Derive every reference resource and the descriptor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    councils = derive_councils(args.shared)
    write_csv(args.out / "councils.csv", councils)
    write_csv(args.out / "icbs.csv", derive_icbs(args.shared))
    write_csv(args.out / "council_icbs.csv", derive_overlaps(args.shared, {c["code"] for c in councils}))
    write_csv(args.out / "former_ccgs.csv", derive_ccgs(args.shared))
    predecessors, successions = derive_predecessors(args.shared, {c["code"]: c["region"] for c in councils})
    write_csv(args.out / "predecessors.csv", predecessors)
    write_csv(args.out / "successions.csv", successions)
    write_csv(args.out / "nations.csv", NATIONS)
    text = json.dumps(descriptor(ccg_successors(args.shared)[1]), indent=2, ensure_ascii=False) + "\n"
    (args.out / "datapackage.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
