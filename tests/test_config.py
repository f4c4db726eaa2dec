"""Settings: defaults, errors, and every setting documented (Datasette-style)."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from sitegen.config import SETTINGS_DOC, Config, load_config
from sitegen.errors import ProblemsFound

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented_in_code_and_readme() -> None:
    names = {f.name for f in fields(Config)}
    assert names == set(SETTINGS_DOC)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [n for n in sorted(names) if not re.search(rf"`{n}`", readme)]
    assert not missing, f"README 'Settings' does not document: {missing}"


def test_the_readme_gives_each_default_as_the_code_has_it() -> None:
    """A default shown in the README's settings table (in backticks) is the one the code uses."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = dict(re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", readme, re.MULTILINE))
    defaults = {f.name: str(f.default) for f in fields(Config)}
    assert len(shown) >= 8
    assert {name: defaults[name] for name in shown} == shown


def test_nothing_published_points_at_a_placeholder_address() -> None:
    """Settings, content, templates and the workflow hold no example.org or example/… address."""
    places = [ROOT / "sitegen.toml", ROOT / "sitegen/config.py", ROOT / ".github/workflows/publish.yml",
              *(ROOT / "content").rglob("*.md"), *(ROOT / "templates").rglob("*.html")]
    for path in places:
        text = path.read_text(encoding="utf-8")
        text = text.replace('PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")', "")
        assert not re.search(r"example\.(org|com|net)|github\.com/example", text), path


def test_defaults_apply_without_a_config_file(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.output_dir == "build"
    assert config.language == "en-GB"
    assert config.root == tmp_path.resolve()


def test_unknown_setting_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('[site]\ntitel = "x"\n', encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_config(tmp_path)
    assert "line 2, field titel, value 'x': unknown setting (did you mean title?)" in raised.value.format_message()


def test_bad_toml_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text("# settings\n[site\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_config(tmp_path)
    assert re.search(r"sitegen\.toml\n  line 2: not valid TOML", raised.value.format_message())


def test_toml_nested_too_deeply_is_a_clear_error(tmp_path: Path) -> None:
    """tomllib reads nested arrays by recursion: a deep one is refused like any other bad TOML, not a traceback."""
    (tmp_path / "sitegen.toml").write_text("[site]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_config(tmp_path)
    assert re.search(r"sitegen\.toml\n  not valid TOML: arrays or tables nested too deeply to read",
                     raised.value.format_message())


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "validate" in result.stdout and "build" in result.stdout


def test_wrong_type_names_setting_and_value(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('[site]\nchart_workers = "two"\n', encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_config(tmp_path)
    assert "field chart_workers, value 'two': should be a whole number" in raised.value.format_message()


def test_every_settings_mistake_is_reported_in_one_run(tmp_path: Path) -> None:
    """Three different mistakes (an unknown key, a wrong type, a bad URL) are all shown by one `sitegen validate`."""
    (tmp_path / "sitegen.toml").write_text(
        '[site]\ntitle = "Fine"\ntitel = "Typo"\nchart_workers = "two"\nbase_url = "ftp://example.net/"\n',
        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sitegen", "validate", "--project", str(tmp_path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: the settings are not valid: nothing was done\n")
    assert f"{tmp_path / 'sitegen.toml'}\n" in result.stderr
    assert "  line 3, field titel, value 'Typo': unknown setting (did you mean title?)\n" in result.stderr
    assert "  line 4, field chart_workers, value 'two': should be a whole number, without quotes\n" in result.stderr
    assert ("  line 5, field base_url, value 'ftp://example.net/': must be an http(s) address with a host\n"
            in result.stderr)
    assert result.stderr.endswith("3 problems in 1 file\n")


def test_a_bad_command_line_setting_is_named_as_its_option(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('[site]\nlanguage = "english please"\n', encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_config(tmp_path, {"base_url": "localhost:8000", "repository_url": None})
    shown = raised.value.format_message()
    assert "command line\n  field --base-url, value 'localhost:8000': must be an http(s) address" in shown
    assert "line 2, field language, value 'english please': must be a BCP 47 language tag" in shown


def test_a_label_may_not_be_empty(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('[site]\nicb_short = " "\n', encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        load_config(tmp_path)
    assert "line 2, field icb_short, value ' ': must not be empty" in raised.value.format_message()
