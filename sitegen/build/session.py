"""The session: what one `sitegen build`, or one `sitegen serve` for its whole life, keeps in memory, so an
edit makes again only what depends on it. Nothing is kept anywhere else: no module holds state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sitegen.build.reuse.planned import PlanMemo
from sitegen.cache import Cache, known_code_digest
from sitegen.data.memo import DataMemo
from sitegen.history.memo import HistoryMemo

if TYPE_CHECKING:
    import threading

    from sitegen.build.reuse.record import Saved, TracingEnvironment
    from sitegen.data.rows import Packages
    from sitegen.errors import Problem
    from sitegen.site.charts.specs import Shape
    from sitegen.site.compare import Derived


class Session:
    """Every memo of a session, by name; each is handed to the code that fills it."""

    def __init__(self) -> None:
        self.data = DataMemo()  # CSVs parsed and packages checked, by file: an unchanged one is not done again
        self.validated: dict[str, tuple[Packages, list[Problem]]] = {}  # the data last validated, by its hash
        self.validated_before = False  # whether data was validated yet: else the memo is read from the cache
        self.verdicts: Cache | None = None  # frictionless's verdicts on the descriptors last validated (pruned to them)
        self.data_unsaved = False  # whether `data` changed since it was last kept in the cache
        self.plan = PlanMemo()  # the model and the data's pages, while the data, settings and history are unchanged
        self.record: Saved | None = None  # the page record last saved, while its file is unchanged (made by a build)
        self.history = HistoryMemo()  # the data's history and each commit's data: commits never change
        self.envs: dict[str, TracingEnvironment] = {}  # compiled templates, while templates and settings are unchanged
        self.chart_templates: dict[Shape, str] = {}  # each shape of chart's spec, with holes for its data
        self.files: dict[str, bytes] = {}  # downloads made or read from the cache, by cache key
        self.removals: list[threading.Thread] = []  # replaced sites being removed in the background (serve)
        self.known_code: tuple[str, str] | None = None  # (code digest, status of its files), once worked out
        # the periods' rates and medians by content, from model to model (site.compare.take_over): `sitegen serve`
        # keeps them ({}); a single build has no next model to give them to (None)
        self.derived: Derived | None = None

    def code_hash(self, known: Any = None) -> tuple[str, str]:
        """(hash of sitegen's code and the library versions, the status of the files it reads), worked out on the
        first call; known: the last build's [status, hash], reused if the status is unchanged
        (sitegen.cache.known_code_digest). A running `sitegen serve` keeps the hash of the code it loaded."""
        if self.known_code is None:
            self.known_code = known_code_digest(known)
        return self.known_code

    @property
    def code(self) -> str:
        """The hash of sitegen's code and the library versions (sitegen.cache.code_digest)."""
        return self.code_hash()[0]
