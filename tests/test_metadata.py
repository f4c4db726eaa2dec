"""Metadata for machines: the dataset pages' schema.org JSON-LD, the DCAT catalogue, the published datapackage.json
(id, version, created) and the static JSON API, each read from the built fixture site and checked against its CSVs."""

from __future__ import annotations

import copy
import csv
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import frictionless
import pytest
from conftest import MINI, build, copy_project
from gitrepo import commit, edit, make_repo, set_value

from sitegen.config import load_config
from sitegen.data.model import build_model
from sitegen.data.validate import validate_packages
from sitegen.history.releases import load_history
from sitegen.publish.datasets import about_packages, published_descriptor

BASE = load_config(MINI).base_url
DATA = MINI / "datapackages"
MEDIA = {".csv": "text/csv", ".json": "application/json", ".zip": "application/zip",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
IANA = "https://www.iana.org/assignments/media-types/"


def rows(path: Path) -> list[dict[str, str]]:
    """A CSV's rows as text, as a reader downloading it sees them."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def figure_rows() -> dict[str, dict[str, str]]:
    """Every figure of the fixture's packages, by id, with its package's name."""
    return {r["id"]: r | {"package": p.parent.name} for p in sorted(DATA.glob("*/figures.csv")) for r in rows(p)}


def local(site: Path, url: str) -> Path:
    """The built file a published address points to."""
    assert url.startswith(BASE), url
    path = site / url.removeprefix(BASE)
    return path / "index.html" if url.endswith("/") else path


def read_json(path: Path) -> Any:
    """A built JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


# --- schema.org JSON-LD on the dataset pages -------------------------------------------------------------------

def page_jsonld(site: Path, package: str) -> dict[str, Any]:
    """The JSON-LD block of a dataset page."""
    page = (site / f"data/{package}/index.html").read_text(encoding="utf-8")
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(found) == 1
    return dict(json.loads(found[0]))


@pytest.mark.parametrize("package", sorted(p.name for p in DATA.iterdir()))
def test_dataset_jsonld_gives_coverage_identifier_keywords_licence_publisher_and_every_file(
        mini_site: Path, package: str) -> None:
    """Every file of the package is a distribution at its real address, with the media type of its bytes; the
    temporal coverage is the span of the figures' periods in the CSV; England is the spatial coverage."""
    body = page_jsonld(mini_site, package)
    descriptor = json.loads((DATA / package / "datapackage.json").read_text(encoding="utf-8"))
    assert body["@type"] == "Dataset" and body["identifier"] == body["url"] == f"{BASE}data/{package}/"
    assert body["name"] == descriptor["title"] and body["keywords"] and all(body["keywords"])
    assert body["license"] == [x["path"] for x in descriptor["licenses"]]
    assert body["publisher"]["name"] == load_config(MINI).title and body["publisher"]["url"] == BASE
    assert body["spatialCoverage"] == {"@type": "Place", "name": "England", "identifier": "E92000001"}
    assert body["dateModified"] == body["datePublished"] == "2026-01-01"  # no history: SOURCE_DATE_EPOCH
    files = {d["contentUrl"]: d["encodingFormat"] for d in body["distribution"]}
    expected = {f"{package}.zip", f"{package}.xlsx", "datapackage.json",
                *(r["path"] for r in descriptor["resources"])}
    assert {url.removeprefix(f"{BASE}data/{package}/") for url in files} == expected
    for url, media in files.items():
        assert local(mini_site, url).is_file() and media == MEDIA[Path(url).suffix], url
    figures = [r for r in figure_rows().values() if r["package"] == package]
    if figures:
        span = f"{min(r['period_start'] for r in figures)}/{max(r['period_end'] for r in figures)}"
        assert body["temporalCoverage"] == span
    else:
        assert "temporalCoverage" not in body  # reference data covers no period


# --- the DCAT catalogue -----------------------------------------------------------------------------------------

# DCAT-AP 3.0.0 (SEMIC, https://semiceu.github.io/DCAT-AP/releases/3.0.0/), its mandatory properties by class:
# Catalogue: dct:title, dct:description, dct:publisher, and dcat:dataset (mandatory up to DCAT-AP 2.1.1; this
# catalogue exists to list them); Dataset: dct:title, dct:description; Distribution: dcat:accessURL; Agent:
# foaf:name. Then what this site promises beyond them, each a DCAT-AP recommended or optional property with the
# range W3C DCAT 3 (https://www.w3.org/TR/vocab-dcat-3/) gives it.
MANDATORY = {
    "dcat:Catalog": ("dct:title", "dct:description", "dct:publisher", "dcat:dataset"),
    "dcat:Dataset": ("dct:title", "dct:description"),
    "dcat:Distribution": ("dcat:accessURL",),
    "foaf:Agent": ("foaf:name",),
}
PROMISED = {
    "dcat:Catalog": ("dct:issued", "dct:modified", "foaf:homepage"),
    "dcat:Dataset": ("dct:identifier", "dct:publisher", "dct:license", "dct:issued", "dct:modified",
                     "dcat:keyword", "dct:spatial", "dcat:distribution", "dcat:landingPage", "dcat:version"),
    "dcat:Distribution": ("dcat:downloadURL", "dcat:mediaType", "dct:license", "dct:format"),
}
NAMESPACES = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
              "foaf": "http://xmlns.com/foaf/0.1/", "xsd": "http://www.w3.org/2001/XMLSchema#"}
IRI_VALUED = ("dcat:accessURL", "dcat:downloadURL", "dcat:mediaType", "dct:license", "dcat:landingPage",
              "foaf:homepage")  # ranges that are resources (rdfs:Resource, dct:MediaType, dct:LicenseDocument...)
DATE_VALUED = ("dct:issued", "dct:modified", "dcat:startDate", "dcat:endDate")


def values(node: dict[str, Any], prop: str) -> list[Any]:
    """A property's values, one or many, as a list."""
    value = node.get(prop)
    return [] if value in (None, "", []) else value if isinstance(value, list) else [value]


def dcat_problems(catalog: dict[str, Any]) -> list[str]:
    """What the catalogue lacks or gets wrong, against the lists above: one line each."""
    problems = [f"@context: {p} is not {ns}" for p, ns in NAMESPACES.items() if catalog["@context"].get(p) != ns]

    def check(node: dict[str, Any], kind: str, where: str) -> None:
        if node.get("@type") != kind:
            problems.append(f"{where}: @type {node.get('@type')!r}, not {kind}")
        if not str(node.get("@id", "")).startswith(("http://", "https://")):
            problems.append(f"{where}: no IRI (@id)")
        problems.extend(f"{where}: {prop} missing" for prop in MANDATORY.get(kind, ()) + PROMISED.get(kind, ())
                        if not values(node, prop))
        for prop in IRI_VALUED:
            problems.extend(f"{where}: {prop} {v!r} is not an IRI" for v in values(node, prop)
                            if not (isinstance(v, dict) and str(v.get("@id", "")).startswith("http")))
        for prop in DATE_VALUED:
            problems.extend(f"{where}: {prop} {v!r} is not an xsd:date" for v in values(node, prop)
                            if not (isinstance(v, dict) and v.get("@type") == "xsd:date"
                                    and date.fromisoformat(v.get("@value", "")).isoformat() == v["@value"]))
        problems.extend(f"{where}: dcat:keyword {v!r} is not a text" for v in values(node, "dcat:keyword")
                        if not isinstance(v, str) or not v.strip())
        for agent in values(node, "dct:publisher"):
            check(agent, "foaf:Agent", f"{where} publisher")
        for period in values(node, "dct:temporal"):
            if period.get("@type") != "dct:PeriodOfTime" or not (values(period, "dcat:startDate")
                                                                  or values(period, "dcat:endDate")):
                problems.append(f"{where}: dct:temporal is not a period of time with a start or an end")
        for n, dataset in enumerate(values(node, "dcat:dataset")):
            check(dataset, "dcat:Dataset", f"dataset {n}")
        for n, dist in enumerate(values(node, "dcat:distribution")):
            check(dist, "dcat:Distribution", f"{where} distribution {n}")
            problems.extend(f"{where} distribution {n}: media type {v['@id']} is not IANA's"
                            for v in values(dist, "dcat:mediaType") if not v["@id"].startswith(IANA))

    check(catalog, "dcat:Catalog", "catalogue")
    return problems


def test_the_catalogue_has_dcat_ap_mandatory_properties_and_what_the_site_promises(mini_site: Path) -> None:
    """catalog.jsonld: a dcat:Catalog with every package as a dcat:Dataset, each file a dcat:Distribution whose
    download address is a file of the site with the media type of its bytes."""
    catalog = read_json(mini_site / "catalog.jsonld")
    assert dcat_problems(catalog) == []
    datasets = {d["@id"]: d for d in catalog["dcat:dataset"]}
    assert set(datasets) == {f"{BASE}data/{p.name}/" for p in DATA.iterdir()}
    nhs = datasets[f"{BASE}data/nhs-debts/"]
    figures = [r for r in figure_rows().values() if r["package"] == "nhs-debts"]
    assert nhs["dct:temporal"]["dcat:startDate"]["@value"] == min(r["period_start"] for r in figures)
    assert nhs["dct:temporal"]["dcat:endDate"]["@value"] == max(r["period_end"] for r in figures)
    assert nhs["dct:spatial"]["skos:prefLabel"] == "England"
    assert nhs["dcat:version"] == read_json(mini_site / "data/nhs-debts/datapackage.json")["version"]
    for dataset in datasets.values():
        for dist in dataset["dcat:distribution"]:
            url = dist["dcat:downloadURL"]["@id"]
            assert local(mini_site, url).is_file(), url
            assert dist["dcat:mediaType"]["@id"] == IANA + MEDIA[Path(url).suffix]


@pytest.mark.parametrize(("path", "prop"), [((), "dct:title"), ((), "dct:publisher"), (("dcat:dataset", 0),
                         "dct:description"), (("dcat:dataset", 1, "dcat:distribution", 2), "dcat:accessURL"),
                         (("dcat:dataset", 0, "dct:publisher"), "foaf:name"), (("dcat:dataset", 2), "dct:license")])
def test_the_dcat_check_finds_a_missing_property(mini_site: Path, path: tuple[Any, ...], prop: str) -> None:
    """The check above fails a catalogue without a mandatory or promised property."""
    catalog = copy.deepcopy(read_json(mini_site / "catalog.jsonld"))
    node = catalog
    for step in path:
        node = node[step]
    del node[prop]
    assert any(p.endswith(f"{prop} missing") for p in dcat_problems(catalog))


def test_the_dcat_check_finds_a_text_where_an_address_or_a_date_belongs(mini_site: Path) -> None:
    """A download address as a plain string, or a date without its datatype, is not DCAT's range."""
    catalog = read_json(mini_site / "catalog.jsonld")
    dist = catalog["dcat:dataset"][0]["dcat:distribution"][0]
    dist["dcat:downloadURL"] = dist["dcat:downloadURL"]["@id"]
    catalog["dct:modified"] = "1 January 2026"
    problems = dcat_problems(catalog)
    assert any("dcat:downloadURL" in p and "not an IRI" in p for p in problems)
    assert any("dct:modified" in p and "not an xsd:date" in p for p in problems)


# --- the published datapackage.json ------------------------------------------------------------------------------

@pytest.mark.parametrize("package", sorted(p.name for p in DATA.iterdir()))
def test_a_published_descriptor_has_id_version_and_created_and_is_valid(mini_site: Path, package: str) -> None:
    """The source descriptor has none of them; the published one has them, is otherwise the same, and frictionless
    finds the published package (descriptor and CSVs as downloaded) valid."""
    source = json.loads((DATA / package / "datapackage.json").read_text(encoding="utf-8"))
    published = read_json(mini_site / f"data/{package}/datapackage.json")
    assert not {"id", "version", "created"} & set(source)
    assert published["id"] == f"{BASE}data/{package}/"
    assert re.fullmatch(r"2026\.1\.1\+[0-9a-f]{12}", published["version"])
    assert published["created"] == "2026-01-01T00:00:00Z"  # the data's date (SOURCE_DATE_EPOCH), not the clock
    assert {k: v for k, v in published.items() if k not in ("id", "version", "created")} == source
    report = frictionless.validate(str(mini_site / f"data/{package}/datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]


def test_a_data_change_makes_a_new_version_and_a_projects_own_stand(mini_site: Path, tmp_path: Path) -> None:
    """A changed value gives its package a new version and leaves the others' alone; a project that sets its own
    id, version and created keeps them."""
    project = copy_project(MINI, tmp_path / "project")
    figures = project / "datapackages/nhs-debts/figures.csv"
    text = figures.read_text(encoding="utf-8")
    first = rows(figures)[0]
    figures.write_text(text.replace(f",{first['value']},", f",{int(first['value']) + 1},", 1), encoding="utf-8")
    own = project / "datapackages/better-care-fund/datapackage.json"
    body = json.loads(own.read_text(encoding="utf-8"))
    mine = {"id": "urn:example:bcf", "version": "3.1.0", "created": "2025-06-30T12:00:00Z"}
    own.write_text(json.dumps(mine | body, indent=2), encoding="utf-8")
    site = build(project)
    before, after = (read_json(s / "data/nhs-debts/datapackage.json") for s in (mini_site, site))
    assert before["version"] != after["version"] and before["created"] == after["created"]
    same = "data/reference/datapackage.json"
    assert read_json(site / same) == read_json(mini_site / same)
    kept = read_json(site / "data/better-care-fund/datapackage.json")
    assert {k: kept[k] for k in mine} == mine
    shown = page_jsonld(site, "better-care-fund")
    assert (shown["identifier"], shown["version"]) == ("urn:example:bcf", "3.1.0")


def test_each_package_dates_from_the_commits_that_touched_it(tmp_path: Path) -> None:
    """In a git history, a package was issued with the first commit that touched it and last changed with the
    newest: a commit to one package's figures moves its dates, version and `created`, and no other package's."""
    repo = make_repo(tmp_path / "repo")  # 1 January 2026
    edit(repo, set_value("cambridgeshire-nhs-overdue-asc-debt-31-march-2024", "13500000"))
    commit(repo, "A value", 1767312000)  # 2 January 2026
    config = load_config(repo)
    packages, problems = validate_packages(repo / config.datapackages_dir, config)
    assert not problems
    site = build_model(packages, config)
    abouts = about_packages(site, load_history(config))
    nhs, bcf = abouts["nhs-debts"], abouts["better-care-fund"]
    assert (nhs.issued, nhs.modified) == (date(2026, 1, 1), date(2026, 1, 2))
    assert (bcf.issued, bcf.modified) == (date(2026, 1, 1), date(2026, 1, 1))
    assert nhs.version.startswith("2026.1.2+") and bcf.version.startswith("2026.1.1+")
    published = json.loads(published_descriptor(packages.packages["nhs-debts"], nhs))
    assert published["created"] == "2026-01-02T00:00:00Z"


# --- the JSON API ------------------------------------------------------------------------------------------------

def digits(text: str) -> int:
    """Significant digits a number is written with."""
    return len(Decimal(text).normalize().as_tuple().digits)


def raw_json(path: Path) -> Any:
    """A built JSON file with every number kept as the text the file writes."""
    return json.loads(path.read_text(encoding="utf-8"), parse_float=str, parse_int=str)


def test_the_api_gives_every_figure_of_the_csvs_with_its_source(mini_site: Path) -> None:
    """Recomputed from the CSVs: each measure's file holds exactly its figures, each value equal to the CSV's and
    written with no more digits, with its period, unit, qualifier, status, said_by and source as the CSVs say."""
    csv_figures = figure_rows()
    sources = {r["id"]: r for p in sorted(DATA.glob("*/sources.csv")) for r in rows(p)}
    measures = {r["id"]: r for p in sorted(DATA.glob("*/measures.csv")) for r in rows(p)}
    seen: set[str] = set()
    for measure_id, measure in measures.items():
        body = raw_json(mini_site / f"api/measures/{measure_id}.json")
        assert body["measure"]["label"] == measure["label"] and body["measure"]["unit"] == measure["unit"]
        assert all(local(mini_site, body["measure"][key]).is_file() for key in ("page", "csv"))
        assert {f["id"] for f in body["figures"]} == {i for i, r in csv_figures.items() if r["measure"] == measure_id}
        for f in body["figures"]:
            row, seen = csv_figures[f["id"]], seen | {f["id"]}
            assert Decimal(f["value"]) == Decimal(row["value"]) and digits(f["value"]) <= digits(row["value"]), f
            assert (f["area"], f["measure"], f["unit"], f["period_start"], f["period_end"], f["period_label"],
                    f["qualifier"], f["status"], f["said_by"], f["source"]) == (
                row["area_code"], row["measure"], row["unit"], row["period_start"], row["period_end"],
                row["period_label"], row["qualifier"], row["status"], row.get("said_by", ""), row["source_id"])
            assert f.get("note", "") == row["note"] and f.get("claimant", "") == row["claimant"]
            shown = body["sources"][f["source"]]
            src = sources[row["source_id"]]
            assert (shown["title"], shown["publisher"], shown["url"]) == (src["title"], src["publisher"], src["url"])
            area = body["areas"][f["area"]]
            assert f'id="figure-{f["id"]}"' in local(mini_site, area["page"]).read_text(encoding="utf-8")
    assert seen == set(csv_figures)


def test_each_council_file_holds_its_figures_and_the_index_lists_every_file(mini_site: Path) -> None:
    """A council's file has its figures (the same objects as in the measures' files) and links to its page, its
    CSV and itself; the index lists every council and measure, with how many figures each file holds."""
    index = read_json(mini_site / "api/index.json")
    assert local(mini_site, index["catalog"]).is_file()
    by_measure = {f["id"]: f for m in index["measures"]
                  for f in read_json(local(mini_site, m["api"]))["figures"]}
    councils = {r["code"]: r["slug"] for r in rows(DATA / "reference/councils.csv")}
    assert set(councils.values()) <= {c["slug"] for c in index["councils"]}
    for entry in index["councils"]:
        body = read_json(local(mini_site, entry["api"]))
        assert body["area"]["code"] == entry["code"] and len(body["figures"]) == entry["figures"]
        assert [f["id"] for f in body["figures"]] == sorted(
            (f["id"] for f in by_measure.values() if f["area"] == entry["code"]),
            key=lambda i: (by_measure[i]["measure"], by_measure[i]["period_start"], by_measure[i]["period_end"], i))
        assert all(f == by_measure[f["id"]] for f in body["figures"])
        assert local(mini_site, body["area"]["page"]).is_file()
        if entry["figures"]:
            shown = rows(local(mini_site, body["area"]["csv"]))
            assert sorted(r["id"] for r in shown) == sorted(f["id"] for f in body["figures"])
        else:
            assert body["area"]["csv"] is None
        assert set(body["measures"]) == {f["measure"] for f in body["figures"]}
    for entry in index["measures"]:
        assert len(read_json(local(mini_site, entry["api"]))["figures"]) == entry["figures"]
    assert sum(m["figures"] for m in index["measures"]) == len(figure_rows())


def test_the_data_page_links_the_catalogue_and_the_api(mini_site: Path) -> None:
    """The Data page links both, and both are compact JSON files (no indentation in the API's)."""
    page = (mini_site / "data/index.html").read_text(encoding="utf-8")
    assert 'href="../catalog.jsonld"' in page and 'href="../api/index.json"' in page
    assert all("\n " not in p.read_text(encoding="utf-8") for p in (mini_site / "api").rglob("*.json"))


def test_scripts_on_any_site_may_fetch_the_api_and_the_catalogue(mini_site: Path) -> None:
    """`_headers` lets other origins read the JSON files (CORS), and nothing else of the site."""
    rules = (mini_site / "_headers").read_text(encoding="utf-8")
    for path in ("/test/api/*", "/test/catalog.jsonld"):
        assert f"{path}\n  Access-Control-Allow-Origin: *\n" in rules
    assert rules.count("Access-Control-Allow-Origin") == 2


@pytest.mark.xdist_group("real")
def test_the_real_sites_catalogue_holds_and_its_biggest_api_files_stay_compact(real_site: Path) -> None:
    """The real data: the catalogue passes the DCAT check, the API holds every figure, and each delayed-days
    measure (~16,000 figures) is one compact file under 6 MB."""
    real = Path(__file__).resolve().parent.parent / "datapackages"
    catalog = read_json(real_site / "catalog.jsonld")
    assert dcat_problems(catalog) == []
    assert len(catalog["dcat:dataset"]) == len([p for p in real.iterdir() if (p / "datapackage.json").is_file()])
    index = read_json(real_site / "api/index.json")
    assert sum(m["figures"] for m in index["measures"]) == sum(len(rows(p)) for p in real.glob("*/figures.csv"))
    for measure in ("delayed-days-both", "delayed-days-nhs", "delayed-days-social-care"):
        path = real_site / f"api/measures/{measure}.json"
        assert len(read_json(path)["figures"]) > 15_000 and path.stat().st_size < 6_000_000, measure
