"""`sitegen import`: layouts found from the header, exact values, gaps, flags, idempotence, clear errors."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "official-returns"

WIDE_HEADER = ",,,,,NE,NE,SW\nSupport type,Age category,Summary,Delivery mechanism,Accounting category,"
WIDE = (WIDE_HEADER + "{cols}\n"
        "Non Salt Totals,,Adult Social Care,Total,Income: joint arrangements,{joint}\n"
        "Non Salt Totals,,Adult Social Care,Total,Income: Income from NHS,{nhs}\n"
        "Notes,,,,,,,\n")
LABELLED = ("UUID,Council Code,Council Name,Data Type,Data Source,Age Band,Finance Type,Comparative totals,Value\n"
            "8326110,108,North Tyneside,Mandatory,Additional Data,-,Income,Income from Specific and Special Grants,7\n"
            "{rows}")
KEYED = ("UUID,FY_Ending,CASSR_CODE,GEOGRAPHY_CODE,REGION_GO_CODE,DataSource_KEY,Datatype_KEY,AgeBand_KEY,"
         "FinanceType_KEY,PrimarySupportReason_KEY,ComparativeTotals_KEY,ItemValue\n{rows}")
BCF = ("Code,LA_name,Bed based intermediate Care Services,Reablement in a persons own home,LA_code.x,population\n"
       "{rows}")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project with the real reference package and an empty official-returns package."""
    shutil.copytree(ROOT / "datapackages", tmp_path / "datapackages")
    for name in ("figures", "sources"):
        path = tmp_path / "datapackages" / PACKAGE / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    (tmp_path / "sitegen.toml").write_text((ROOT / "sitegen.toml").read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def run(project: Path, file: Path, *extra: str) -> tuple[int, str]:
    """`sitegen import FILE` in a project: exit code and everything printed."""
    result = CliRunner().invoke(cli, ["import", str(file), "--project", str(project), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def figures(project: Path) -> dict[tuple[str, str, str], dict[str, str]]:
    """Imported figures by (area, measure, period)."""
    with (project / "datapackages" / PACKAGE / "figures.csv").open(encoding="utf-8", newline="") as handle:
        return {(r["area_code"], r["measure"], r["period_label"]): r for r in csv.DictReader(handle)}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """A small raw file of one layout."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_wide_fixture_keeps_zeros_skips_gaps_and_reads_windows_1252(project: Path, tmp_path: Path) -> None:
    text = WIDE.format(cols="102 - Cumbria,108 - North Tyneside,914 - Torbay", joint="0,:,", nhs="1.5,20,300") + \
        "Data are presented in £000's\n"
    code, out = run(project, write(tmp_path, "pss-exp-eng-14-15-x.csv", text, "cp1252"))
    assert code == 0, out
    found = figures(project)
    assert found[("E10000006", "asc-income-from-joint-arrangements", "2014-15")]["value"] == "0"
    assert ("E08000022", "asc-income-from-joint-arrangements", "2014-15") not in found  # ':' is a gap
    assert ("E06000027", "asc-income-from-joint-arrangements", "2014-15") not in found  # blank is a gap
    cumbria = found[("E10000006", "asc-income-from-nhs", "2014-15")]
    assert (cumbria["value"], cumbria["published_value"], cumbria["published_unit"]) == ("1500", "1.5", "GBP thousands")
    assert cumbria["source_item"] == ("Non Salt Totals / Adult Social Care / Total / Income: Income from NHS; "
                                      "column 102 - Cumbria")
    assert "4 figures added, 0 changed, 0 unchanged; 2 gaps" in out and "3 councils covered" in out


def test_a_renamed_header_is_an_unknown_layout_naming_what_was_found(project: Path, tmp_path: Path) -> None:
    text = WIDE.format(cols="102 - Cumbria,108 - North Tyneside,914 - Torbay", joint="0,0,0", nhs="1,2,3")
    code, out = run(project, write(tmp_path, "pss-exp-eng-14-15-x.csv", text.replace("Support type", "Support")))
    assert code == 1
    assert "no importer knows this layout. Header found: 'Support, Age category, Summary, Delivery mechanism, " \
        "Accounting category, 102 - Cumbria, …'" in out
    assert "ascfr-wide (header starts 'Support type,Age category" in out and "bcf-eoy-2022-23" in out
    assert "Traceback" not in out
    assert figures(project) == {}


def test_a_renamed_row_label_is_named(project: Path, tmp_path: Path) -> None:
    text = WIDE.format(cols="102 - Cumbria,108 - North Tyneside,914 - Torbay", joint="0,0,0", nhs="1,2,3")
    code, out = run(project, write(tmp_path, "pss-exp-eng-14-15-x.csv", text.replace("Income from NHS", "NHS")))
    assert code == 1
    assert "the file has no row Non Salt Totals / Adult Social Care / Total / Income: Income from NHS" in out


def test_an_unknown_council_is_an_error_and_nothing_is_written(project: Path, tmp_path: Path) -> None:
    text = WIDE.format(cols="102 - Cumbria,999 - Atlantis,914 - Torbay", joint="0,0,0", nhs="1,2,3")
    code, out = run(project, write(tmp_path, "pss-exp-eng-14-15-x.csv", text))
    assert code == 1
    assert "line 2, field column 7, value '999 - Atlantis'" in out and "not a council or former council" in out
    assert figures(project) == {}


def test_labelled_fixture_flags_a_unit_anomaly_and_keeps_it_as_published(project: Path, tmp_path: Path) -> None:
    rows = ("8328110,108,North Tyneside,Voluntay,Additional Data,-,Income,Income from Better Care Fund,15.233\n"
            "8328110,207,Sheffield,Voluntay,Additional Data,-,Income,Income from Better Care Fund,\n"
            "8328110,810,Bournemouth,Voluntay,Additional Data,-,Income,Income from Better Care Fund,0\n"
            "8328110,809,Dorset,Voluntay,Additional Data,-,Income,Income from Better Care Fund,12174\n")
    code, out = run(project, write(tmp_path, "pss-exp-eng-15-16-fin-add-data.csv", LABELLED.format(rows=rows)))
    assert code == 0, out
    found = figures(project)
    tyneside = found[("E08000022", "asc-income-from-bcf", "2015-16")]
    assert (tyneside["value"], tyneside["published_value"], tyneside["flag"]) == ("15233", "15.233", "suspect")
    assert "Published as 15.233 in £ thousands, that is £15,233" in tyneside["note"]
    assert found[("E06000028", "asc-income-from-bcf", "2015-16")]["value"] == "0"  # Bournemouth keeps its code
    assert found[("E10000009", "asc-income-from-bcf", "2015-16")]["value"] == "12174000"  # Dorset County Council
    assert ("E08000019", "asc-income-from-bcf", "2015-16") not in found
    assert found[("E06000028", "asc-income-from-bcf", "2015-16")]["flag"] == ""


def test_a_file_with_no_year_is_refused(project: Path, tmp_path: Path) -> None:
    rows = "8328110,108,North Tyneside,Voluntay,Additional Data,-,Income,Income from Better Care Fund,1\n"
    code, out = run(project, write(tmp_path, "additional.csv", LABELLED.format(rows=rows)))
    assert code == 1 and "file name, value 'additional.csv'" in out


def test_keyed_fixture_england_regions_gaps_and_an_unknown_code(project: Path, tmp_path: Path) -> None:
    rows = ("8328110,2017,108,E08000022,E12000001,1,1,,,,6,15724\n"
            "8328110,2017,406,E08000025,E12000005,1,1,,,,6,:\n"
            "8328110,2017,,,E12000001,1,1,,,,6,15724\n"
            "8328110,2017,,,E92000001,1,1,,,,6,1244340.32\n")
    path = write(tmp_path, "CSV ASCFR Additional.csv", KEYED.format(rows=rows))
    code, out = run(project, path)
    assert code == 0, out
    found = figures(project)
    assert found[("E92000001", "asc-income-from-bcf", "2016-17")]["value"] == "1244340320"
    assert found[("E92000001", "asc-income-from-bcf", "2016-17")]["precision"] == "10"
    assert ("E08000025", "asc-income-from-bcf", "2016-17") not in found
    assert "skipped 1 row not about one area; 1 councils covered and England" in out
    bad = write(tmp_path, "bad.csv", KEYED.format(rows="8328110,2017,999,E06000999,E12000001,1,1,,,,6,5\n"))
    code, out = run(project, bad)
    assert code == 1 and "line 2, field GEOGRAPHY_CODE, value 'E06000999'" in out


def test_bcf_fixture_plans_in_pounds_with_na_as_a_gap(project: Path, tmp_path: Path) -> None:
    rows = ("E06000009,Blackpool,4563258,NA,x,1\nE06000052,Cornwall & Scilly,8884000,5647512.5,x,1\n"
            "Total,NA,13447258,5647512.5,NA,2\n")
    code, out = run(project, write(tmp_path, "BCF.csv", BCF.format(rows=rows)))
    assert code == 0, out
    found = figures(project)
    blackpool = found[("E06000009", "bcf-planned-bed-based-intermediate-care", "2022-23")]
    assert (blackpool["value"], blackpool["status"], blackpool["published_unit"]) == ("4563258", "planned", "GBP")
    assert ("E06000009", "bcf-planned-reablement-at-home", "2022-23") not in found
    cornwall = found[("E06000052", "bcf-planned-reablement-at-home", "2022-23")]
    assert cornwall["value"] == "5647512.5" and "Cornwall and the Isles of Scilly" in cornwall["note"]
    assert len(found) == 3  # the Total row is not a figure


def test_a_value_that_is_not_a_number_is_named(project: Path, tmp_path: Path) -> None:
    rows = "E06000009,Blackpool,12 thousand,NA,x,1\n"
    code, out = run(project, write(tmp_path, "BCF.csv", BCF.format(rows=rows)))
    assert code == 1 and "line 2, field value, value '12 thousand'" in out


def test_importing_twice_changes_no_byte_and_hand_added_rows_survive(project: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "BCF.csv", BCF.format(rows="E06000009,Blackpool,4563258,100,x,1\n"))
    assert run(project, path)[0] == 0
    folder = project / "datapackages" / PACKAGE
    header, *rows = (folder / "figures.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    by_hand = ("aaa-by-hand,E06000017,,,,false,asc-income-from-nhs,5,GBP,2014-04-01,2015-03-31,2014-15,exact,"
               "reported,,src-bcf-eoy-2022-23,,,,,,,\n")  # in its place: rows are sorted by id
    (folder / "figures.csv").write_text(header + by_hand + "".join(rows), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, out = run(project, path)
    assert code == 0 and "0 figures added, 0 changed, 2 unchanged" in out
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert "aaa-by-hand" in before["figures.csv"].decode()


def test_a_changed_upstream_value_updates_its_row(project: Path, tmp_path: Path) -> None:
    assert run(project, write(tmp_path, "BCF.csv", BCF.format(rows="E06000009,Blackpool,100,200,x,1\n")))[0] == 0
    code, out = run(project, write(tmp_path, "BCF.csv", BCF.format(rows="E06000009,Blackpool,150,200,x,1\n")))
    assert code == 0 and "0 figures added, 1 changed, 1 unchanged" in out
    assert figures(project)[("E06000009", "bcf-planned-bed-based-intermediate-care", "2022-23")]["value"] == "150"


def test_figures_that_break_a_rule_are_not_imported(project: Path, tmp_path: Path) -> None:
    measures = project / "datapackages" / PACKAGE / "measures.csv"
    measures.write_text(measures.read_text(encoding="utf-8").replace(
        "bcf-planned-reablement-at-home,BCF plan: reablement at home,GBP", "bcf-planned-reablement-at-home,"
        "BCF plan: reablement at home,count"), encoding="utf-8")
    before = (project / "datapackages" / PACKAGE / "figures.csv").read_bytes()
    code, out = run(project, write(tmp_path, "BCF.csv", BCF.format(rows="E06000009,Blackpool,100,200,x,1\n")))
    assert code == 1 and "bcf-planned-reablement-at-home is measured in count" in out
    assert (project / "datapackages" / PACKAGE / "figures.csv").read_bytes() == before


def test_a_package_that_does_not_exist_is_named(project: Path, tmp_path: Path) -> None:
    code, out = run(project, write(tmp_path, "BCF.csv", BCF.format(rows="E06000009,Blackpool,1,2,x,1\n")),
                    "--into", "nowhere")
    assert code == 1 and "no figures package 'nowhere' here" in out


def test_validate_warns_of_a_tenfold_change_but_the_data_stays_valid(project: Path, tmp_path: Path) -> None:
    rows = ("8328110,108,North Tyneside,Voluntay,Additional Data,-,Income,Income from Better Care Fund,15.233\n"
            "8328110,207,Sheffield,Voluntay,Additional Data,-,Income,Income from Better Care Fund,9000\n")
    assert run(project, write(tmp_path, "pss-exp-eng-15-16-fin-add-data.csv", LABELLED.format(rows=rows)))[0] == 0
    keyed = KEYED.format(rows="8328110,2017,108,E08000022,E12000001,1,1,,,,6,15724\n"
                              "8328110,2017,207,E08000019,E12000003,1,1,,,,6,9100\n")
    code, out = run(project, write(tmp_path, "CSV ASCFR Additional.csv", keyed))
    assert code == 0, out
    warning = "15724000 in 2016-17 after 15233 in 2015-16: a change of more than 10 times"
    assert warning in out and "1 warning (the data is valid" in out  # Sheffield's 1% rise is no warning
    result = CliRunner().invoke(cli, ["validate", str(project / "datapackages")])
    assert result.exit_code == 0 and warning in result.output
    assert result.output.startswith("OK: ")


def test_quiet_import_says_nothing_and_verbose_times_its_steps(project: Path, tmp_path: Path) -> None:
    text = WIDE.format(cols="102 - Cumbria,108 - North Tyneside,914 - Torbay", joint="0,:,", nhs="1.5,20,300")
    raw = write(tmp_path, "pss-exp-eng-14-15-x.csv", text)
    quiet = CliRunner().invoke(cli, ["import", str(raw), "--project", str(project), "-q"])
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert ("E10000006", "asc-income-from-nhs", "2014-15") in figures(project)  # imported all the same
    verbose = CliRunner().invoke(cli, ["import", str(raw), "--project", str(project), "-v"])
    assert verbose.exit_code == 0 and "0 figures added, 0 changed, 4 unchanged" in verbose.stdout
    assert "s  Read and merged 1 file; validating " in verbose.stderr
