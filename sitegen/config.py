"""Site settings: one TOML file (`sitegen.toml`), every key documented with its default."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from sitegen.errors import Problem, ProblemsFound, problem
from sitegen.files import (
    MAX_BYTES_LIMIT,
    MAX_FILE_BYTES,
    MAX_MARKUP_LIMIT,
    MAX_PAGE_BYTES,
    MAX_PAGE_MARKUP,
    Inputs,
    ReadRefused,
    read_text,
)
from sitegen.text import CONTROL, is_web_url

CONFIG_NAME = "sitegen.toml"


@dataclass(frozen=True)
class Config:
    """Settings read from the `[site]` table of sitegen.toml."""

    title: str = "Council figures"
    description: str = "Figures for every council, each with its source."
    base_url: str = "http://localhost:8000/"  # where `sitegen serve` shows a local build; publishing passes --base-url
    language: str = "en-GB"
    licence: str = "Each data package states its licences and attributions."  # the project states its own
    attribution: str = ""  # none: the reference data's own credit is the project's to give
    repository_url: str = ""  # none: the contribute links are left out
    headline_measure: str = ""  # none: the home page has no headline map
    # what the project calls the bodies of icbs.csv and figures' counterparties: the theme names no country's
    councils_phrase: str = "councils"
    icb_label: str = "partner organisation"
    icb_short: str = "partner"
    icbs_phrase: str = ""  # none: the label's plural
    counterparty_label: str = "counterparty"
    code_label: str = "code"
    icb_code_label: str = "organisation code"
    datapackages_dir: str = "datapackages"
    content_dir: str = "content"
    templates_dir: str = "templates"
    output_dir: str = "build"
    cache_dir: str = ".cache"
    chart_workers: int = 2
    max_file_bytes: int = MAX_FILE_BYTES
    max_page_bytes: int = MAX_PAGE_BYTES
    max_page_markup: int = MAX_PAGE_MARKUP

    @property
    def root(self) -> Path:
        """Project root (set by `load_config`)."""
        return Path(getattr(self, "_root", "."))

    @property
    def settings_file(self) -> Path:
        """The settings file read (set by `load_config`: sitegen.toml in the project, or `build --config`)."""
        return Path(getattr(self, "_settings", self.root / CONFIG_NAME))

    @property
    def given(self) -> frozenset[str]:
        """The settings given on the command line (set by `load_config`), whose problems name the option."""
        return frozenset(getattr(self, "_given", ()))


# Why each setting exists; tests check every field is described here and in the README.
SETTINGS_DOC: dict[str, str] = {
    "title": "Site name, used in every page title and the header.",
    "description": "One-sentence description for the home page and Open Graph tags.",
    "base_url": "Absolute URL the site is published at; used for canonical links and sitemap.xml.",
    "language": "BCP 47 language tag for every page's `lang` attribute.",
    "licence": "Licence and attribution text shown in every page footer.",
    "attribution": "Credit for the reference data (names, codes, populations) in every page footer; empty: none.",
    "councils_phrase": "What the councils page calls the councils, after their number.",
    "icb_label": "Name of the bodies of icbs.csv, in the singular and in lower case unless a proper name.",
    "icb_short": "Short name of those bodies, in navigation, tables and search (plural: with an s).",
    "icbs_phrase": "What their list page calls them, after their number; empty: the label's plural.",
    "counterparty_label": "Name of a figure's counterparty (its column in every table of figures).",
    "code_label": "Name of the area and body codes (code in councils.csv and icbs.csv).",
    "icb_code_label": "Name of a body's second code (ods_code in icbs.csv).",
    "repository_url": "Where contributors send new figures (linked from every page); empty: no such link.",
    "headline_measure": "Id of the measure the home page maps, each council's latest full year per resident.",
    "datapackages_dir": "Folder holding one Frictionless data package per sub-folder.",
    "content_dir": "Folder of Markdown pages (about.md, methodology.md, councils/<slug>.md).",
    "templates_dir": "Folder of Jinja2 templates overriding the built-in ones.",
    "output_dir": "Folder the site is written to (swapped in atomically).",
    "cache_dir": "Folder of cached chart specs, SVGs, the script bundle and the build stamp; safe to delete.",
    "chart_workers": "Processes used to render charts to SVG (vl-convert holds the GIL).",
    "max_file_bytes": "Largest data file, descriptor, settings file or template read; a larger one is refused.",
    "max_page_bytes": "Largest Markdown page read (Markdown rendering is slow); a larger one is refused.",
    "max_page_markup": "Most links and tags ([ and <) in one Markdown page; rendering time grows with their square.",
}
# BCP 47 (RFC 5646) language tags, as far as a page's `lang` needs: language, script, region, variants
BCP47 = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-(?:[a-zA-Z]{2}|[0-9]{3}))?"
                   r"(-(?:[a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*")
URL_SETTINGS = ("base_url", "repository_url")
LABELS = ("councils_phrase", "icb_label", "icb_short", "counterparty_label", "code_label", "icb_code_label")
TEXT_SETTINGS = ("title", "description", "licence", "attribution", "councils_phrase", "icb_label", "icb_short",
                 "icbs_phrase", "counterparty_label", "code_label", "icb_code_label")
FOLDER_SETTINGS = ("datapackages_dir", "content_dir", "templates_dir")  # inputs; output and cache may lie anywhere
MAX_TEXT = 1000


PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")
KNOWN = frozenset(f.name for f in fields(Config))
TYPE_WORDS = {str: "text, in quotes", int: "a whole number, without quotes", bool: "true or false"}


def load_config(root: Path, overrides: dict[str, object] | None = None, settings: Path | None = None) -> Config:
    """Read the settings file (`sitegen.toml` under root unless named), then command-line overrides, defaults
    filling the rest; every problem at once."""
    path = settings or root / CONFIG_NAME
    text = read_settings_text(path, root)
    values = settings_table(path, text)
    lines = key_lines(text)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    problems = [found for name, value in values.items() if name not in given
                for found in check_setting(name, value, str(path), lines.get(name, 0))]
    problems += [replace(found, field=f"--{name.replace('_', '-')}") for name, value in given.items()
                 for found in check_setting(name, value, "command line", 0)]
    if problems:
        raise ProblemsFound(problems, "the settings are not valid: nothing was done")
    config = Config(**(values | given))  # type: ignore[arg-type]
    object.__setattr__(config, "_root", str(root.resolve()))
    if settings is not None:
        object.__setattr__(config, "_settings", str(settings.absolute()))
    object.__setattr__(config, "_given", frozenset(given))
    return config


def check_setting(name: str, value: object, where: str, line: int) -> list[Problem]:
    """What is wrong with one setting: an unknown key, a value of the wrong type, or a value refused."""
    if name not in KNOWN:
        import difflib  # only for a mistake: a build with nothing changed need not load it

        near = difflib.get_close_matches(name, sorted(KNOWN), n=1)
        guess = f" (did you mean {near[0]}?)" if near else ""
        return [problem("setting", f"unknown setting{guess}", where, line, name, shown(value))]
    expected = type(getattr(Config, name))
    if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
        return [problem("setting", f"should be {TYPE_WORDS[expected]}", where, line, name, shown(value))]
    why = setting_problem(name, value)
    return [problem("setting", why, where, line, name, shown(value))] if why else []


def shown(value: object) -> str:
    """A setting's value as the user wrote it in TOML terms: text as itself, anything else as Python shows it."""
    return value if isinstance(value, str) else repr(value)


def read_settings_text(path: Path, root: Path) -> str:
    """sitegen.toml's text, read like any input: inside the project, a regular file, within the size limit."""
    if not path.exists() and not path.is_symlink():
        return ""
    try:
        return read_text(path, Inputs(root.resolve()), str(path))
    except ReadRefused as exc:
        raise ProblemsFound([replace(exc.problem, path=str(path))], "the settings file was not read") from None


def settings_table(path: Path, text: str) -> dict[str, object]:
    """The `[site]` table of the settings text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"at line (\d+)", str(exc))) else 0
        raise ProblemsFound([problem("setting", f"not valid TOML: {exc}", str(path), line)],
                            "the settings file was not read") from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise ProblemsFound([problem("setting", "not valid TOML: arrays or tables nested too deeply to read",
                                     str(path))], "the settings file was not read") from None
    site = data.get("site", {})
    if not isinstance(site, dict):
        line = next((n for n, x in enumerate(text.splitlines(), start=1) if re.match(r"\s*site\s*=", x)), 0)
        raise ProblemsFound([problem("setting", "`site` should be a table ([site])", str(path), line, "site",
                                     shown(site))],
                            "the settings file was not read")
    return dict(site)


def key_lines(text: str) -> dict[str, int]:
    """The line of each key of the `[site]` table, so a problem can point at it (tomllib gives no positions)."""
    lines: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if header := re.match(r"\s*\[\s*([^\]]*?)\s*\]", line):
            table = header.group(1)
        elif table == "site" and (key := re.match(r"\s*([A-Za-z0-9_-]+)\s*=", line)):
            lines.setdefault(key.group(1), number)
    return lines


def setting_problem(name: str, value: object) -> str:
    """Why a setting's value is refused ('' when it is fine)."""
    if name in URL_SETTINGS and not is_web_url(value) and not (name == "repository_url" and value == ""):
        return "must be an http(s) address with a host"
    if name == "base_url" and not str(value).endswith("/"):
        return "must end with / (pages are linked below it)"
    if name == "language" and not BCP47.fullmatch(str(value)):
        return "must be a BCP 47 language tag such as en-GB or cy"
    if name in TEXT_SETTINGS + URL_SETTINGS and (CONTROL.search(str(value)) or len(str(value)) > MAX_TEXT):
        return f"must be at most {MAX_TEXT} characters, with no control character"
    if name in LABELS and not str(value).strip():
        return "must not be empty: pages put it in sentences"
    if name in FOLDER_SETTINGS and not safe_folder(str(value)):
        return "must be a folder inside the project (relative, without ..): inputs stay inside the project"
    if name == "chart_workers" and not 1 <= int(str(value)) <= 32:
        return "must be between 1 and 32"
    if name in ("max_file_bytes", "max_page_bytes") and not 1_000 <= int(str(value)) <= MAX_BYTES_LIMIT:
        return f"must be between 1,000 and {MAX_BYTES_LIMIT:,}"
    if name == "max_page_markup" and not 100 <= int(str(value)) <= MAX_MARKUP_LIMIT:
        return f"must be between 100 and {MAX_MARKUP_LIMIT:,}"
    return ""


def safe_folder(value: str) -> bool:
    """A relative folder that stays inside the project."""
    pure = PurePosixPath(value)
    return bool(value) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in value \
        and not CONTROL.search(value)


def is_placeholder(url: str) -> bool:
    """Whether a URL still points at a documentation placeholder host (nobody's real site)."""
    host = urlsplit(url).hostname or ""
    return any(host == h or host.endswith("." + h) for h in PLACEHOLDER_HOSTS)


def is_local(url: str) -> bool:
    """Whether a URL is this machine (a local preview, not a published site)."""
    return (urlsplit(url).hostname or "") in ("localhost", "127.0.0.1", "::1")
