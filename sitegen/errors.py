"""Problems are data; one exception carries them all to the command line."""

from __future__ import annotations

import logging
import sys
from dataclasses import asdict, dataclass, field
from itertools import groupby

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    path: str = ""
    line: int = 0
    field: str = ""
    code: str = ""
    message: str = ""
    value: str | None = None
    hint: str = ""
    severity: str = "error"  # "warning": printed, but the data is still valid

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a JSON-ready dict (severity only when it is a warning: the error shape is stable)."""
        return {k: v for k, v in asdict(self).items() if k != "severity" or v != "error"}


class SitegenError(click.ClickException):
    """Base error: a message for the user, never a traceback."""

    exit_code = 1


class ProblemsFound(SitegenError):
    """Raised once, after every problem has been collected."""

    def __init__(self, problems: list[Problem], summary: str = "") -> None:
        self.problems = sorted(problems)
        super().__init__(summary or f"{len(self.problems)} problem(s) found")

    def format_message(self) -> str:
        """Every problem, grouped by file, then the summary: what `Error:` prints."""
        return f"{self.message}\n{render_problems(self.problems)}".rstrip("\n")


class Superseded(SitegenError):
    """A newer edit arrived while `sitegen serve` was finishing a build: it stopped, and staging was thrown away."""


@dataclass
class ProblemList:
    """Collects problems so a stage can report every one of them, then abort once."""

    items: list[Problem] = field(default_factory=list)

    def extend(self, problems: list[Problem]) -> None:
        """Record several problems."""
        self.items.extend(problems)

    def raise_if_any(self, summary: str = "") -> None:
        """Abort with every collected problem, if there are any."""
        if self.items:
            raise ProblemsFound(self.items, summary)

    def __bool__(self) -> bool:
        return bool(self.items)


# Every kind of problem: code -> (title, hint). Output formats stay thin: they render these.
PROBLEM_TYPES: dict[str, tuple[str, str]] = {
    "missing-path": ("Path not found", "check the path; it should be a data folder or a datapackage.json"),
    "no-packages": ("No data packages", "each package is a folder holding a datapackage.json"),
    "missing-file": ("File not found", "add the file, or fix `path` in datapackage.json"),
    "unsafe-path": ("Unsafe path", "resource paths must be relative and stay inside the package folder"),
    "invalid-json": ("Invalid JSON", "fix the JSON syntax at the line and column given"),
    "missing-schema": ("Resource without a schema",
                       "add a `schema` with one field per column, in the CSV's order (`sitegen new` writes examples)"),
    "invalid-descriptor": ("Invalid descriptor", "see docs/data-model.md for what a descriptor holds"),
    "encoding": ("Not UTF-8", "save the file as UTF-8 (without a byte order mark)"),
    "bom": ("Byte order mark", "save the file as UTF-8 without a BOM (Excel: 'CSV UTF-8' adds one)"),
    "empty-file": ("Empty file", "a CSV needs at least a header row"),
    "header": ("Header does not match the schema", "the header must list the schema's fields, in order"),
    "type-error": ("Wrong type", "write the value in the field's type (dates as YYYY-MM-DD)"),
    "constraint-error": ("Constraint broken", "see the field's constraints in datapackage.json"),
    "extra-cell": ("Extra cell", "the row has more cells than the header: check for a stray comma"),
    "missing-cell": ("Missing cell", "the row has fewer cells than the header: check for a missing comma"),
    "blank-row": ("Blank row", "delete the empty line"),
    "duplicate-row": ("Duplicate row", "delete the repeated row"),
    "primary-key": ("Duplicate or blank key", "each row needs a unique, non-blank key"),
    "unique-error": ("Duplicate value", "this field's values must be unique"),
    "foreign-key": ("Unknown reference", "use a value that exists in the referenced resource"),
    "missing-reference": ("No reference package",
                          "keep datapackages/reference/ (councils.csv, icbs.csv, nations.csv) beside the figures "
                          "packages"),
    "unknown-area": ("Unknown area",
                     "use a code from the reference package: councils.csv, predecessors.csv, or nations.csv for "
                     "national figures"),
    "unknown-counterparty": ("Unknown counterparty",
                             "use a code from the reference package's icbs.csv or former_ccgs.csv"),
    "period-order": ("Period ends before it starts", "period_start must be on or before period_end"),
    "period-label": ("Period label disagrees with dates",
                     "use a label that matches period_start and period_end (see docs/data-model.md)"),
    "missing-source": ("Figure without a source", "every figure cites a source: set source_id"),
    "url-scheme": ("URL is not http(s)", "source URLs must start with http:// or https://"),
    "formula": ("Cell looks like a spreadsheet formula",
                "text must not begin with = + - @, a tab or a carriage return; reword it"),
    "duplicate-figure": ("Duplicate figure",
                         "the same area, measure, period, counterparty and source appear twice"),
    "negative": ("Negative value not allowed", "this measure cannot be negative"),
    "percent-range": ("Percentage out of range", "percentages lie between 0 and 100"),
    "unit-mismatch": ("Unit does not match the measure", "use the measure's unit (see measures.csv)"),
    "missing-claimant": ("Claim without a claimant", "say whose claim it is in `claimant`"),
    "unknown-dispute": ("Unknown dispute",
                        "use an id from a package's disputes.csv, or add the dispute there first"),
    "source-conflict": ("Same source id, different details",
                        "a source shared by packages must be identical in each sources.csv"),
    "bad-slug": ("Unsafe slug", "use lowercase letters, digits and single hyphens only"),
    "front-matter": ("Bad front matter", "front matter is YAML between two lines of three hyphens"),
    "unknown-figure": ("Unknown figure id", "use an id from a figures.csv (see the council's table)"),
    "template": ("Template error", "check the template named; `default:NAME` reaches the built-in one"),
    "unknown-page": ("Page with no place on the site", "rename it about.md, methodology.md or councils/<slug>.md"),
    "unknown-council": ("No such council", "name the file after a council's slug (see reference councils.csv)"),
    "too-many-problems": ("Too many problems to list",
                          "fix the ones listed (often one cause, such as a wrong delimiter), then validate again"),
    "contract": ("Missing resource or field",
                 "the site is built from these resources and fields: see docs/data-model.md"),
    "topic-conflict": ("Same topic id, different heading or order",
                       "a topic shared by packages must be identical in each topics.csv"),
    # hardening (issue 11): inputs stay inside the project, nothing is fetched, work is bounded
    "outside-project": ("File outside the project",
                        "only files inside the project are read: copy the file in instead of linking to it"),
    "special-file": ("Not a regular file", "devices, pipes and sockets are never read: use an ordinary file"),
    "folder-not-file": ("A folder, not a file", "put the file here in place of the folder, or fix the path"),
    "too-large": ("File too large",
                  "split the file, or raise `max_file_bytes` (`max_page_bytes` for Markdown) in sitegen.toml"),
    "remote-reference": ("Reference to another place",
                         "nothing is fetched: keep profiles, schemas, dialects and referenced packages inline"),
    "unsupported-option": ("Schema option not supported",
                           "remove the option: sitegen reads values only in the Table Schema defaults"),
    "too-deep": ("Nested too deeply", "flatten the structure"),
    "too-complex": ("Too much markup", "split the page, or raise `max_page_markup` in sitegen.toml (rendering "
                    "time grows with its square)"),
    "slow-pattern": ("Pattern too slow", "simplify the pattern: nested repeats such as (a+)+ take exponential time"),
    "bad-number": ("Not a plain number", "write digits 0-9 with an optional minus sign, decimal point and exponent"),
    "control-character": ("Control character in text", "remove the invisible character (only tab and newline)"),
    "duplicate-id": ("Same id in two packages", "ids must be unique across every package"),
    "measure-conflict": ("Same measure id, different meaning",
                         "a measure shared by packages must be identical in each measures.csv"),
    "duplicate-package": ("Two packages with the same name", "give every package its own `name`"),
    "too-long": ("Too long", "shorten the slug or id: it becomes a file name"),
    "reserved-slug": ("Reserved slug", "choose another slug: this one names a page of the site"),
    "setting": ("Bad setting", "see README 'Settings' for what each setting accepts"),
    "frictionless": ("Data package error", "see the frictionless documentation for this error"),
    "unknown-layout": ("Unknown file layout", "add an adapter module to sitegen/importers/ for this layout"),
    "unreadable-file": ("File not read",
                        "give the return as published: a CSV file or an Excel 97-2003 (.xls) workbook, within limits"),
    "unknown-council-code": ("Unknown council in an official file",
                             "add the council (or former council) to the reference package, or check the file"),
    "no-period": ("No period", "the file must say which year it covers, in its rows or its published name"),
    "missing-row": ("Expected row or item not found", "the layout has changed: update its adapter"),
    "duplicate-council": ("A council twice in one file", "two rows name the same council: check the file"),
    "bad-value": ("Not a number", "a cell is a number, a blank or ':' (not reported)"),
    "big-change": ("Change of more than 10 times",
                   "check both values against the source: if one is a slip, publish it as published, flagged"),
}


def problem(code: str, message: str, path: str = "", line: int = 0, field: str = "",
            value: object = None) -> Problem:
    """Build a Problem of a registered kind, with its hint."""
    shown = None if value is None else str(value)
    if shown is not None and len(shown) > 80:
        shown = shown[:77] + "..."
    return Problem(path=path, line=line, field=field, code=code, message=message, value=shown,
                   hint=PROBLEM_TYPES[code][1])


def plural(n: int, word: str) -> str:
    """`1 problem`, `2 problems`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def describe(p: Problem) -> str:
    """`line 7, field unit, value 'GBX': message`."""
    parts = [f"line {p.line}" if p.line else "", f"field {p.field}" if p.field else "",
             f"value {p.value!r}" if p.value is not None else ""]
    where = ", ".join(part for part in parts if part)
    return f"{where}: {p.message}" if where else p.message


def render_problems(problems: list[Problem]) -> str:
    """The one plain-text form: problems grouped by file, each with its hint, then how many in how many files."""
    out = []
    for path, group in groupby(problems, key=lambda p: p.path):
        out.append(path or "<input>")
        for p in group:
            out.append(f"  {describe(p)}\n    hint: {p.hint}")
    files = len({p.path for p in problems})
    out.append(f"{plural(len(problems), 'problem')} in {plural(files, 'file')}")
    return "\n".join(out) + "\n"


def say(message: str, quiet_too: bool = False) -> None:
    """One line of the log: to stderr, for each thing a user should know (stdout carries the result); not with -q,
    unless it is a warning no one should miss (quiet_too)."""
    if quiet_too or level() > QUIET:
        print(f"sitegen: {message}", file=sys.stderr, flush=True)


# How much a command says, chosen once by -q/-v for its whole process:
# - quiet (-q): errors only; a command's requested product still goes to stdout (diff's report, validate's json or
#   github output, serve's address); success summaries, notes, warnings and progress do not;
# - normal: the result ("Built 25 pages …"), what a user should know, warnings, and on a terminal each step of a
#   build with its time;
# - verbose (-v): all of that, and each step with the seconds since sitegen started, on a terminal or not.
# The choice is the level of the "sitegen" logger, the standard library's place for it, not state of this module.
QUIET, NORMAL, VERBOSE = -1, 0, 1
LOGGER = logging.getLogger("sitegen")
LOGGING_LEVELS = {QUIET: logging.ERROR, NORMAL: logging.INFO, VERBOSE: logging.DEBUG}


def set_level(chosen: int) -> None:
    """Choose how much the command now starting says."""
    LOGGER.setLevel(LOGGING_LEVELS[chosen])


def level() -> int:
    """QUIET, NORMAL or VERBOSE."""
    return {v: k for k, v in LOGGING_LEVELS.items()}.get(LOGGER.level, NORMAL)


def report(message: str) -> None:
    """A result or summary for stdout, unless quiet."""
    if level() > QUIET:
        print(message, flush=True)


def detail(message: str) -> None:
    """A step with the seconds since sitegen started, on stderr, when verbose."""
    if level() >= VERBOSE:
        record = LOGGER.makeRecord(LOGGER.name, logging.DEBUG, __file__, 0, message, (), None)
        print(f"{record.relativeCreated / 1000:5.1f} s  {message}", file=sys.stderr, flush=True)
