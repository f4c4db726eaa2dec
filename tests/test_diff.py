"""`sitegen diff` on fixture git histories: each kind of change, asserted as text, Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gitrepo import ADDED_ROW, FIGURES, append, commit, drop, edit, make_repo, set_value

from sitegen.cli import cli

CHANGED = "cambridgeshire-nhs-overdue-asc-debt-31-march-2024"
REMOVED = "peterborough-nhs-invoices-cancelled-2019-20"


def diff(repo: Path, *args: str) -> dict[str, Result]:
    """`sitegen diff ARGS` in each format."""
    runner = CliRunner()
    return {fmt: runner.invoke(cli, ["diff", *args, "--format", fmt, "--project", str(repo)])
            for fmt in ("text", "markdown", "json")}


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """The mini project under git, one commit."""
    return make_repo(tmp_path / "repo")


def test_changed_value_names_figure_council_old_and_new(repo: Path) -> None:
    edit(repo, set_value(CHANGED, "13500000"))
    new = commit(repo, "Cambridgeshire: corrected NHS debt", 1767312000)
    out = diff(repo, "HEAD~1", new)
    assert out["text"].exit_code == 0, out["text"].output
    assert "nhs-debts · Cambridgeshire County Council (E10000003)" in out["text"].output
    assert f"~ changed {CHANGED}: value 13000000 -> 13500000" in out["text"].output
    assert "0 figures added, 1 changed, 0 removed" in out["text"].output
    assert "### nhs-debts · Cambridgeshire County Council (E10000003)" in out["markdown"].output
    assert f"| changed | `{CHANGED}` | value | 13000000 | 13500000 |" in out["markdown"].output
    body = json.loads(out["json"].output)
    [figure] = body["figures"]
    assert (figure["kind"], figure["id"], figure["area_name"]) == ("changed", CHANGED, "Cambridgeshire County Council")
    assert figure["changes"] == [{"field": "value", "old": "13000000", "new": "13500000"}]


def test_added_figure(repo: Path) -> None:
    edit(repo, append(ADDED_ROW))
    out = diff(repo, "HEAD")  # HEAD against the working tree, uncommitted
    figure_id = ADDED_ROW.split(",")[0]
    assert "from HEAD (" in out["text"].output and "to working tree" in out["text"].output
    assert "nhs-debts · Norfolk County Council (E10000020)" in out["text"].output
    assert f"+ added {figure_id}: nhs-overdue-asc-debt, 31 March 2024: 3100000 GBP" in out["text"].output
    assert f"| added | `{figure_id}` | (figure) |  | nhs-overdue-asc-debt, 31 March 2024: 3100000 GBP |" \
        in out["markdown"].output
    [figure] = json.loads(out["json"].output)["figures"]
    assert (figure["kind"], figure["id"], figure["value"], figure["area_code"]) == \
        ("added", figure_id, "3100000", "E10000020")


def test_removed_row(repo: Path) -> None:
    edit(repo, drop(REMOVED))
    commit(repo, "Drop a figure", 1767312000)
    out = diff(repo, "HEAD~1", "HEAD")
    assert "nhs-debts · Peterborough City Council (E06000031)" in out["text"].output
    assert f"- removed {REMOVED}: nhs-invoices-cancelled, 2019-20: 1600000 GBP" in out["text"].output
    assert f"| removed | `{REMOVED}` | (figure) | nhs-invoices-cancelled, 2019-20: 1600000 GBP |  |" \
        in out["markdown"].output
    [figure] = json.loads(out["json"].output)["figures"]
    assert (figure["kind"], figure["id"]) == ("removed", REMOVED)


def test_reordered_rows_and_renamed_id_are_not_changes(repo: Path) -> None:
    edit(repo, lambda lines: [lines[0], *reversed(lines[1:])])
    edit(repo, lambda lines: [line.replace(REMOVED + ",", "peterborough-invoices-cancelled-2019-20,")
                              for line in lines])
    commit(repo, "Reorder and rename", 1767312000)
    out = diff(repo, "HEAD~1", "HEAD")
    assert "No figure or source changed." in out["text"].output
    assert f"= renamed {REMOVED} -> peterborough-invoices-cancelled-2019-20" in out["text"].output
    assert "0 figures added, 0 changed, 0 removed" in out["text"].output
    assert "No figure or source changed." in out["markdown"].output
    kinds = [f["kind"] for f in json.loads(out["json"].output)["figures"]]
    assert kinds == ["renamed"]


def test_invalid_new_version_is_reported_not_a_crash(repo: Path) -> None:
    edit(repo, set_value(CHANGED, "lots"))
    out = diff(repo, "HEAD")
    for result in out.values():
        assert result.exit_code == 1
        assert "Traceback" not in result.output
    line = 1 + [n for n, text in enumerate((repo / FIGURES).read_text().splitlines()) if text.startswith(CHANGED)][0]
    assert "working tree does not validate" in out["text"].output
    assert f"{FIGURES}:{line}: line {line}, field value, value 'lots'" in out["text"].output
    assert f"| {FIGURES} | {line} | value | lots |" in out["markdown"].output.replace("\\_", "_")
    [found] = [p for p in json.loads(out["json"].output)["new_problems"] if p["field"] == "value"]
    assert (found["path"], found["line"], found["value"]) == (FIGURES, line, "lots")
    assert json.loads(out["json"].output)["new_valid"] is False


def test_a_name_that_is_no_version_is_a_usage_error(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["diff", "no-such-rev", "--project", str(repo)])
    assert result.exit_code == 2
    assert "'no-such-rev' is neither a folder nor a git revision" in result.output


def test_two_folders(repo: Path, tmp_path: Path) -> None:
    other = make_repo(tmp_path / "other")
    edit(other, set_value(CHANGED, "1"))
    out = diff(repo, str(repo), str(other))
    assert f"~ changed {CHANGED}: value 13000000 -> 1" in out["text"].output


def test_markdown_escapes_what_the_data_says(repo: Path) -> None:
    edit(repo, lambda lines: [line.replace("Historical debt", "<img src=x onerror=alert(1)> | *bold*")
                              for line in lines])
    text = diff(repo, "HEAD")["markdown"].output
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt; \\| \\*bold\\*" in text
