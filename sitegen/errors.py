"""Problems are data; one exception carries them all to the command line."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a JSON-ready dict."""
        return asdict(self)

    def location(self) -> str:
        """Return `path:line` (or as much of it as is known)."""
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.path or "<input>"


class SitegenError(click.ClickException):
    """Base error: a message for the user, never a traceback."""

    exit_code = 1


class ProblemsFound(SitegenError):
    """Raised once, after every problem has been collected."""

    def __init__(self, problems: list[Problem], summary: str = "") -> None:
        self.problems = sorted(problems)
        super().__init__(summary or f"{len(self.problems)} problem(s) found")


@dataclass
class ProblemList:
    """Collects problems so a stage can report every one of them, then abort once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        """Record a problem."""
        self.items.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        """Record several problems."""
        self.items.extend(problems)

    def raise_if_any(self, summary: str = "") -> None:
        """Abort with every collected problem, if there are any."""
        if self.items:
            raise ProblemsFound(self.items, summary)

    def __bool__(self) -> bool:
        return bool(self.items)
