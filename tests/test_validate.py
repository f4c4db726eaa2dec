"""`sitegen validate`: one small broken fixture per rule, asserting the file, line, field and value."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini" / "datapackages"
FIGURES = "nhs-debts/figures.csv"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A valid copy of the mini packages; paths are reported relative to tmp_path."""
    shutil.copytree(MINI, tmp_path / "datapackages")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "datapackages"


def run(*args: str) -> tuple[int, str]:
    """Run the real CLI; exit code and output."""
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.output


def problems(path: Path) -> list[dict[str, object]]:
    """Problems of the JSON report for path."""
    code, out = run(str(path), "--format", "json")
    report = json.loads(out)
    assert code == (0 if report["valid"] else 1)
    return report["problems"]


def set_cell(path: Path, line: int, field: str, value: str) -> None:
    """Change one cell of a CSV (no multi-line cells in the fixture, so records are lines)."""
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    rows[line - 1][rows[0].index(field)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def only(found: list[dict[str, object]], code: str) -> dict[str, object]:
    """The single problem of a kind."""
    matching = [p for p in found if p["code"] == code]
    assert len(matching) == 1, found
    return matching[0]


def test_real_packages_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out = run()
    assert code == 0, out
    assert out.startswith("OK: 5 packages, 30 resources")  # delayed-transfers: 4 more; nhs-debts: disputes
    assert out.splitlines()[0].endswith("no problems")  # warnings may follow; they do not make data invalid


def test_fixture_is_valid(data: Path) -> None:
    assert problems(data) == []


@pytest.mark.parametrize(
    ("file", "line", "field", "value", "code"),
    [
        (FIGURES, 3, "area_code", "E10999999", "unknown-area"),
        (FIGURES, 4, "counterparty_code", "E54999999", "unknown-counterparty"),
        (FIGURES, 5, "period_label", "2022-23", "period-label"),
        (FIGURES, 5, "period_label", "sometime in 2023", "period-label"),
        (FIGURES, 6, "source_id", "", "missing-source"),
        (FIGURES, 2, "note", "=HYPERLINK(\"http://x\")", "formula"),
        (FIGURES, 2, "claimant", "@SUM(A1)", "formula"),
        (FIGURES, 2, "note", "-2+3", "formula"),
        (FIGURES, 2, "note", "+44 1234", "formula"),
        (FIGURES, 2, "note", "\tindented", "formula"),
        (FIGURES, 2, "id", "-cambridgeshire", "formula"),  # not a slug either: the formula is said first
        (FIGURES, 3, "value", "-5", "negative"),
        (FIGURES, 3, "unit", "percent", "unit-mismatch"),
        (FIGURES, 3, "value", "not a number", "type-error"),
        (FIGURES, 3, "period_start", "31/03/2024", "type-error"),
        (FIGURES, 3, "qualifier", "roughly", "constraint-error"),
        (FIGURES, 3, "measure", "no-such-measure", "foreign-key"),
        ("nhs-debts/sources.csv", 3, "url", "javascript:alert(1)", "url-scheme"),
        ("reference/councils.csv", 3, "slug", "../../etc", "bad-slug"),
        (FIGURES, 4, "id", "Not_A_Slug", "bad-slug"),  # its pattern constraint fails too: the clearer is said
        ("nhs-debts/measures.csv", 2, "id", "index", "reserved-slug"),
    ],
)
def test_each_rule_names_file_line_field_and_value(
    data: Path, file: str, line: int, field: str, value: str, code: str
) -> None:
    set_cell(data / file, line, field, value)
    found = problems(data)
    hit = only(found, code)
    assert (hit["path"], hit["line"], hit["field"], hit["value"]) == (f"datapackages/{file}", line, field, value)
    assert hit["hint"]


def test_claim_needs_a_claimant(data: Path) -> None:
    set_cell(data / FIGURES, 2, "status", "claim")
    hit = only(problems(data), "missing-claimant")
    assert (hit["path"], hit["line"], hit["field"], hit["value"]) == (f"datapackages/{FIGURES}", 2, "claimant", "")


def test_a_dispute_that_points_nowhere_is_named_with_its_file_line_and_value(data: Path) -> None:
    set_cell(data / "better-care-fund/figures.csv", 3, "dispute", "no-such-dispute")
    hit = only(problems(data), "unknown-dispute")
    assert (hit["path"], hit["line"], hit["field"], hit["value"]) == (
        "datapackages/better-care-fund/figures.csv", 3, "dispute", "no-such-dispute")
    assert "disputes.csv" in str(hit["message"])


def test_a_dispute_of_another_package_is_known(data: Path) -> None:
    set_cell(data / "better-care-fund/figures.csv", 3, "dispute", "cambridgeshire-overdue-nhs-debt")
    assert [p for p in problems(data) if p["code"] == "unknown-dispute"] == []


def test_a_dispute_needs_a_known_status(data: Path) -> None:
    set_cell(data / "nhs-debts/disputes.csv", 2, "status", "resolved")
    hit = only(problems(data), "constraint-error")
    assert (hit["path"], hit["line"], hit["field"], hit["value"]) == (
        "datapackages/nhs-debts/disputes.csv", 2, "status", "resolved")


def test_period_end_before_start(data: Path) -> None:
    set_cell(data / FIGURES, 3, "period_start", "2025-01-01")
    hit = only(problems(data), "period-order")
    assert (hit["path"], hit["line"], hit["field"]) == (f"datapackages/{FIGURES}", 3, "period_end")


def test_percentage_out_of_range(data: Path) -> None:
    path = data / FIGURES
    line = next(i for i, r in enumerate(path.read_text().splitlines(), 1) if ",percent," in r)
    set_cell(path, line, "value", "140")
    hit = only(problems(data), "percent-range")
    assert (hit["line"], hit["field"], hit["value"]) == (line, "value", "140")


def test_duplicate_figure_names_both_lines(data: Path) -> None:
    path = data / FIGURES
    lines = path.read_text(encoding="utf-8").splitlines()
    copy = lines[2].replace(lines[2].split(",")[0], "a-copy", 1)
    path.write_text("\n".join([*lines, copy]) + "\n", encoding="utf-8")
    hit = only(problems(data), "duplicate-figure")
    assert (hit["line"], hit["field"], hit["value"]) == (len(lines) + 1, "id", "a-copy")
    assert "same figure as line 3" in str(hit["message"])


def test_ragged_rows_and_blank_rows_are_located(data: Path) -> None:
    path = data / FIGURES
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] += ",stray"
    lines[5] = ",".join(lines[5].split(",")[:5])
    lines.insert(6, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = problems(data)
    assert only(found, "extra-cell")["line"] == 4
    assert only(found, "missing-cell")["line"] == 6
    assert only(found, "blank-row")["line"] == 7


def test_shared_source_must_match_across_packages(data: Path) -> None:
    nhs = data / "nhs-debts/sources.csv"
    bcf = data / "better-care-fund/sources.csv"
    shared_row = bcf.read_text(encoding="utf-8").splitlines()[1]
    nhs.write_text(nhs.read_text(encoding="utf-8") + shared_row + "\n")
    assert problems(data) == []
    set_cell(nhs, len(nhs.read_text().splitlines()), "publisher", "Someone else")
    hit = only(problems(data), "source-conflict")
    assert hit["path"] in ("datapackages/nhs-debts/sources.csv", "datapackages/better-care-fund/sources.csv")


@pytest.mark.parametrize(
    ("mutate", "code", "line", "message"),
    [
        (lambda p: p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes()), "bom", 1, "byte order mark"),
        (lambda p: p.write_bytes(p.read_bytes().replace(b"Cambridgeshire", b"Cambridg\xe9shire", 1)),
         "encoding", None, "not valid UTF-8"),
        (lambda p: p.write_text(""), "empty-file", 1, "empty"),
        (lambda p: p.write_text(p.read_text().replace("area_code", "area", 1)), "header", 1,
         "column 2 should be 'area_code' but is 'area'"),
        (lambda p: p.unlink(), "missing-file", 0, "does not exist"),
    ],
)
def test_broken_files_give_one_clear_problem(data: Path, mutate, code: str, line: int | None, message: str) -> None:
    path = data / FIGURES
    mutate(path)
    code_, out = run(str(data))
    assert code_ == 1
    assert "Traceback" not in out
    hit = only(problems(data), code)
    assert hit["path"] == f"datapackages/{FIGURES}"
    assert message in str(hit["message"])
    if line is not None:
        assert hit["line"] == line
    # the other packages are still checked: break one more thing elsewhere and see it too
    set_cell(data / "better-care-fund/sources.csv", 2, "url", "ftp://example.org")
    assert any(p["code"] == "url-scheme" for p in problems(data))


def test_invalid_json_names_line_and_column(data: Path) -> None:
    path = data / "nhs-debts/datapackage.json"
    path.write_text(path.read_text().replace('"name": "nhs-debts",', '"name": "nhs-debts"', 1))
    hit = only(problems(data), "invalid-json")
    assert hit["path"] == "datapackages/nhs-debts/datapackage.json"
    assert "line" in str(hit["message"]) and "column" in str(hit["message"])
    assert int(str(hit["line"])) > 1


def test_missing_descriptor_and_unsafe_resource_path(data: Path) -> None:
    (data / "nhs-debts/datapackage.json").unlink()
    descriptor = json.loads((data / "better-care-fund/datapackage.json").read_text())
    descriptor["resources"][0]["path"] = "../../x.csv"
    (data / "better-care-fund/datapackage.json").write_text(json.dumps(descriptor))
    found = problems(data)
    hit = only(found, "unsafe-path")
    assert (hit["field"], hit["value"], hit["line"]) == ("resources[0].path", "../../x.csv", 1)  # one-line JSON
    empty = data.parent / "empty"
    empty.mkdir()
    assert only(problems(empty), "no-packages")["path"] == "empty"


@pytest.mark.parametrize("schema", [None, {}, {"fields": []}])
def test_a_resource_without_a_schema_is_named_as_such(data: Path, schema: object) -> None:
    path = data / "nhs-debts/datapackage.json"
    descriptor = json.loads(path.read_text())
    index = next(i for i, r in enumerate(descriptor["resources"]) if r["name"] == "topics")
    if schema is None:
        del descriptor["resources"][index]["schema"]
    else:
        descriptor["resources"][index]["schema"] = schema
    path.write_text(json.dumps(descriptor, indent=2))
    found = problems(data)
    assert [p["code"] for p in found] == ["missing-schema"]  # not a header problem, nor the resource as absent
    hit = found[0]
    assert (hit["path"], hit["field"], hit["value"]) == ("datapackages/nhs-debts/datapackage.json",
                                                         f"resources[{index}].schema", "topics.csv")
    assert hit["message"] == "the resource 'topics' has no schema: its columns cannot be checked"
    code, out = run(str(data))
    assert code == 1 and "(nothing)" not in out and "has no schema" in out


def test_text_report_groups_by_file_and_counts(data: Path) -> None:
    set_cell(data / FIGURES, 3, "unit", "percent")
    set_cell(data / "nhs-debts/sources.csv", 2, "url", "javascript:alert(1)")
    code, out = run(str(data))
    assert code == 1
    assert out.splitlines()[-1] == "2 problems in 2 files"
    assert f"datapackages/{FIGURES}\n  line 3, field unit, value 'percent':" in out
    assert "    hint: use the measure's unit" in out


def test_json_report_shape(data: Path) -> None:
    set_cell(data / FIGURES, 3, "unit", "percent")
    code, out = run(str(data), "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert report["valid"] is False
    assert report["summary"]["problems"] == 1
    assert report["problems"] == [{
        "code": "unit-mismatch", "field": "unit", "hint": "use the measure's unit (see measures.csv)",
        "line": 3, "message": report["problems"][0]["message"], "path": f"datapackages/{FIGURES}",
        "title": "Unit does not match the measure", "value": "percent",
    }]
    assert out == json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_github_annotations(data: Path) -> None:
    set_cell(data / "nhs-debts/sources.csv", 2, "url", "javascript:alert(1)")
    code, out = run(str(data), "--format", "github")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(
        "::error file=datapackages/nhs-debts/sources.csv,line=2,title=URL is not http(s)::line 2, field url, "
        "value 'javascript:alert(1)': the source URL must be an http(s) address (hint: "
    )


def test_usage_error_exit_2() -> None:
    code, out = run("/no/such/place")
    assert code == 2
    assert "no such file or folder" in out


def test_a_package_folder_without_descriptor_is_reported_not_skipped(data: Path) -> None:
    (data / "nhs-debts/datapackage.json").unlink()
    hit = only(problems(data), "missing-file")
    assert hit["path"] == "datapackages/nhs-debts/datapackage.json"
    assert "none of its data would be published" in str(hit["message"])


def test_figures_without_the_reference_package_are_invalid(data: Path) -> None:
    shutil.rmtree(data / "reference")
    found = problems(data)
    assert {p["path"] for p in found if p["code"] == "missing-reference"} == {
        "datapackages/nhs-debts/figures.csv", "datapackages/better-care-fund/figures.csv"}
    # a single figures package may still be checked on its own
    code, _ = run(str(data / "nhs-debts"))
    assert code == 0


def test_frictionless_itself_cannot_reach_the_network(data: Path) -> None:
    """Defence in depth: even a descriptor that skipped our own checks makes no request through frictionless."""
    import socket

    from sitegen.data.read import read_package
    from sitegen.data.validate import frictionless_problems

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.5)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/profile.json"
    package, _ = read_package(data / "nhs-debts/datapackage.json")
    assert package is not None
    package.descriptor["profile"] = url  # what a remote profile looks like once past readers
    found = frictionless_problems(package)
    with pytest.raises(TimeoutError):
        listener.accept()  # nothing connected
    listener.close()
    assert any("no network requests" in p.message or url in p.message for p in found), found


def test_one_reading_of_values() -> None:
    """The typed reader refuses what frictionless would read differently or not at all."""
    from sitegen.data.cells import read_cell

    assert read_cell("1e3", "number") == (1000.0, "") and read_cell("-12", "integer") == (-12, "")
    for text in ("NaN", "Infinity", "-inf", "1e400", "1_000", "\u0661\u0662", "1,000", "£5", " 5"):
        value, why = read_cell(text, "number")
        assert value is None and why, text
    assert read_cell("a\u0000b", "string")[1] and read_cell("a\tb\nc", "string") == ("a\tb\nc", "")
    assert read_cell("2024-02-30", "date") == (None, "no such date")


def test_a_file_broken_throughout_lists_its_first_thousand_problems_then_a_count(data: Path) -> None:
    figures = data / "nhs-debts/figures.csv"
    header = figures.read_text(encoding="utf-8").splitlines()[0]
    junk = "".join(f"junk{i}" + "," * header.count(",") + "\n" for i in range(3000))
    figures.write_text(header + "\n" + junk, encoding="utf-8")
    found = [p for p in problems(data) if p["path"] == "datapackages/nhs-debts/figures.csv"]
    assert len(found) == 1001
    more = only(found, "too-many-problems")
    assert str(more["message"]).endswith("more problems in this file are not listed")
    assert int(str(more["message"]).split()[0].replace(",", "")) >= 3000  # at least one per junk row


def test_validating_again_in_one_process_sees_each_edit_and_undo(data: Path) -> None:
    """`sitegen serve` validates on every edit, checking again only packages whose bytes changed."""
    from sitegen.data.memo import DataMemo
    from sitegen.data.validate import validate_packages

    memo = DataMemo()  # as a session keeps for its project's data

    def codes() -> list[tuple[str, int, str, str | None]]:
        return [(p.path, p.line, p.field, p.value) for p in validate_packages(data, memo=memo)[1]]

    assert codes() == []
    assert memo.checked.entries and memo.parsed.entries
    figures = data / FIGURES
    good = figures.read_bytes()
    set_cell(figures, 2, "value", "lots")
    assert codes() == [("datapackages/nhs-debts/figures.csv", 2, "value", "lots")]
    figures.write_bytes(good)
    assert codes() == []
    set_cell(figures, 3, "value", "many")  # another bad value in the same file: not the answer remembered
    assert codes() == [("datapackages/nhs-debts/figures.csv", 3, "value", "many")]


def test_a_rules_rows_are_picked_once_for_a_files_bytes_and_again_after_an_edit(data: Path) -> None:
    """`sitegen serve` applies every rule again on each edit: a table whose bytes are unchanged keeps the rows its
    rules picked out; the edited table's are picked again, so its new problems are found."""
    from sitegen.data.memo import DataMemo
    from sitegen.data.validate import validate_packages

    memo = DataMemo()
    first = validate_packages(data, memo=memo)
    assert first[1] == []
    debts = first[0].packages["nhs-debts"].resources["figures"]
    assert debts.cells is not None
    kept = dict(debts.cells.picked)
    assert {"periods", "sources", "formulas", "duplicates", "claims", "slugs"} <= set(kept)
    set_cell(data / "better-care-fund/figures.csv", 2, "note", "=1+1")  # another package's figures edited
    packages, found = validate_packages(data, memo=memo)
    assert [(p.path, p.line, p.code) for p in found] == [("datapackages/better-care-fund/figures.csv", 2, "formula")]
    again = packages.packages["nhs-debts"].resources["figures"]
    assert again is debts and all(debts.cells.picked[k] is kept[k] for k in kept)  # not picked again
    lines = (data / FIGURES).read_text(encoding="utf-8").splitlines()
    (data / FIGURES).write_text("\n".join([*lines, lines[1].replace(",", "-twin,", 1)]) + "\n", encoding="utf-8")
    set_cell(data / FIGURES, 3, "note", "@SUM(A1)")
    found = validate_packages(data, memo=memo)[1]
    assert sorted((p.path, p.line, p.code) for p in found) == [
        ("datapackages/better-care-fund/figures.csv", 2, "formula"),
        ("datapackages/nhs-debts/figures.csv", 3, "formula"),
        ("datapackages/nhs-debts/figures.csv", len(lines) + 1, "duplicate-figure")]
    (data / FIGURES).write_text("\n".join(lines) + "\n", encoding="utf-8")
    set_cell(data / "better-care-fund/figures.csv", 2, "note", "")
    assert validate_packages(data, memo=memo)[1] == []
    # what a table's rules read besides the table (the reference's codes, the package's measures) changes: the
    # unchanged figures are picked again for it
    set_cell(data / "nhs-debts/measures.csv", 2, "unit", "count")
    councils = data / "reference/councils.csv"
    councils.write_text("".join(line for line in councils.read_text(encoding="utf-8").splitlines(keepends=True)
                                if not line.startswith("E10000003,")), encoding="utf-8")  # Cambridgeshire gone
    packages, found = validate_packages(data, memo=memo)
    assert {p.code for p in found if p.path == "datapackages/nhs-debts/figures.csv"} == {"unknown-area",
                                                                                         "unit-mismatch"}
    cells = packages.packages["nhs-debts"].resources["figures"].cells  # kept rows for the latest codes alone
    assert cells is not None and sum(key.startswith("references ") for key in cells.picked) == 1


def test_reading_other_data_leaves_the_projects_parsed_data_kept(data: Path, tmp_path: Path) -> None:
    """An old version of the data (read from git for the changelog) does not make serve parse the project's again."""
    from sitegen.data.memo import DataMemo
    from sitegen.data.validate import validate_packages

    memo = DataMemo()
    before = validate_packages(data, memo=memo)[0].packages["nhs-debts"].resources["figures"]
    old = shutil.copytree(data, tmp_path / "old" / "datapackages")
    set_cell(old / FIGURES, 2, "value", "lots")
    assert [p.value for p in validate_packages(old)[1]] == ["lots"]  # the old version is read and checked
    again = validate_packages(data, memo=memo)
    assert again[1] == []
    assert again[0].packages["nhs-debts"].resources["figures"] is before  # not parsed again
    assert validate_packages(data)[0].packages["nhs-debts"].resources["figures"] is not before  # no memo: parsed
    set_cell(data / FIGURES, 2, "value", "many")
    assert [p.value for p in validate_packages(data, memo=memo)[1]] == ["many"]
    assert validate_packages(data, memo=memo)[0].packages["nhs-debts"].resources["figures"] is not before


def tenfold_series(count: int) -> str:
    """Figures rows of one council's yearly series whose value changes tenfold every year, from the year 5000 (the
    fixture's own figures of that series are long before): count - 1 warnings."""
    rows = []
    for n in range(count):
        start, end = f"{5000 + n}-04-01", f"{5001 + n}-03-31"
        rows.append(f"cambridgeshire-jump-{n},E10000003,Cambridgeshire County Council,,,false,client-debt-overdue,"
                    f"{1 if n % 2 else 100},GBP,{start},{end},{5000 + n}-{(5001 + n) % 100:02d},exact,reported,,"
                    "src-c363f583,,")
    return "".join(row + "\n" for row in rows)


def test_warnings_follow_the_report_and_leave_the_data_valid(data: Path) -> None:
    figures = data / FIGURES
    figures.write_text(figures.read_text(encoding="utf-8") + tenfold_series(3), encoding="utf-8")
    code, out = run(str(data))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].endswith("no problems")
    assert lines[1] == "datapackages/nhs-debts/figures.csv"
    assert lines[2] == ("  warning: line 16, field value, value '1': 1 in 5001-02 after 100 in 5000-01: a change of "
                        "more than 10 times")
    assert lines[3].startswith("    hint: ")
    assert lines[-1] == "2 warnings (the data is valid; worth a second look)"
    assert "more warnings" not in out


def test_a_file_with_thousands_of_warnings_lists_its_first_thousand_then_a_count(data: Path) -> None:
    figures = data / FIGURES
    rows = 1203  # each row after the first changes tenfold: rows - 1 warnings, past the 1,000 listed
    first = len(figures.read_text(encoding="utf-8").splitlines()) + 1  # the series' first line
    figures.write_text(figures.read_text(encoding="utf-8") + tenfold_series(rows), encoding="utf-8")
    code, out = run(str(data))
    assert code == 0, out
    assert out.count("  warning: ") == 1000
    # the first 1,000 by line: from the series' second row on
    assert f"  warning: line {first + 1000}, field value," in out and f"line {first + 1001}, field value" not in out
    assert f"  ({rows - 1 - 1000} more warnings in this file are not listed)" in out
    assert out.splitlines()[-1] == f"{rows - 1} warnings (the data is valid; worth a second look)"
    code, out = run(str(data), "--format", "github")
    assert out.count("::warning file=datapackages/nhs-debts/figures.csv,line=") == 1000
    assert (f"::warning file=datapackages/nhs-debts/figures.csv,title=More warnings::{rows - 1 - 1000} more warnings "
            "in this file are not listed") in out


def test_validate_notes_the_hash_of_its_code_and_reads_it_back_while_the_code_is_unchanged(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The verdicts are keyed by the code's hash: a second run takes it from the cache's note, hashing no file."""
    import sitegen.cache
    from sitegen.cache import code_digest, code_status

    assert run(str(data))[0] == 0
    note = data.parent / ".cache/code.json"
    assert json.loads(note.read_text(encoding="utf-8")) == [code_status(), code_digest()]

    def refuse() -> str:
        raise AssertionError("the code was hashed again")

    with monkeypatch.context() as patched:
        patched.setattr(sitegen.cache, "code_digest", refuse)
        code, out = run(str(data))
    assert code == 0 and out.startswith("OK: "), out
    note.write_text(json.dumps(["another status", "0" * 64]), encoding="utf-8")  # the code changed since
    assert run(str(data))[0] == 0
    assert json.loads(note.read_text(encoding="utf-8")) == [code_status(), code_digest()]


@pytest.mark.parametrize("engine", ["columnar", "frictionless"])
def test_a_figure_id_used_in_two_packages_names_both_places(data: Path, engine: str) -> None:
    """Markdown finds a figure by its id alone: an id another package already uses is refused where it repeats."""
    from sitegen.data.validate import validate_packages

    set_cell(data / "better-care-fund/figures.csv", 2, "id", "cambridgeshire-client-debt-overdue-31-march-2023")
    _, found = validate_packages(data, engine=engine)
    repeated = [p for p in found if p.code == "duplicate-id"]
    assert [(p.path, p.line, p.field, p.value) for p in repeated] == [
        ("datapackages/nhs-debts/figures.csv", 2, "id", "cambridgeshire-client-debt-overdue-31-march-2023")]
    assert repeated[0].message == "figure id also used in datapackages/better-care-fund/figures.csv line 2"
