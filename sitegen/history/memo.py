"""What `sitegen serve` keeps of the data's history between builds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.data.rows import Packages
    from sitegen.history.releases import History


@dataclass
class HistoryMemo:
    """What `sitegen serve` keeps of the history between builds: commits never change, so each is read once."""

    key: tuple[str, tuple[str, ...]] | None = None  # the settings and data commits the history below was read for
    history: History | None = None
    revisions: dict[tuple[str, str], Packages] = field(default_factory=dict)  # (settings, sha) -> the data there
