"""The project's data as last parsed and checked (sitegen.data.memo), kept in the cache between processes: a build
after an edit to one package parses and checks only that package's files.

Pickled, since a parsed resource holds polars frames; read back only classes of sitegen's data and the few value
types they hold, so a planted cache file can name no function to call. The file carries a hash of its body, and of
the code and library versions that wrote it: anything else is ignored and the data read afresh.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import pickle
import sys
from typing import TYPE_CHECKING, Any

from sitegen.data.memo import DataMemo
from sitegen.errors import say
from sitegen.files import write_atomic

if TYPE_CHECKING:
    from pathlib import Path

NAME = "parsed-data.pickle"
PROTOCOL = 5
# what a DataMemo is made of: its own classes, problems, and the values a parsed resource holds
ALLOWED_MODULES = ("sitegen.data.", "sitegen.errors")
ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("decimal", "Decimal"), ("pathlib", "PosixPath"),
           ("pathlib", "WindowsPath"), ("pathlib", "PurePosixPath"), ("pathlib", "PureWindowsPath"),
           ("polars.dataframe.frame", "DataFrame"), ("polars.series.series", "Series")}


class DataUnpickler(pickle.Unpickler):
    """An unpickler that makes only sitegen's data classes and plain values: never a function, never a module's
    other names."""

    def find_class(self, module: str, name: str) -> Any:
        """A class that a DataMemo holds, or refuse."""
        if (module, name) in ALLOWED or module.startswith(ALLOWED_MODULES):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of the data")


def header(code: str) -> bytes:
    """What the file must start with: the code, Python and polars that wrote it."""
    made = f"{code} {sys.version} polars {importlib.metadata.version('polars')}"
    return b"sitegen-parsed 1 " + hashlib.sha256(made.encode()).hexdigest().encode() + b"\n"


def signature(memo: DataMemo) -> list[tuple[str, str]]:
    """Which file versions the memo holds: it is saved again only when that changed."""
    return sorted((str(path), key) for kept in (memo.parsed, memo.checked, memo.metadata)
                  for path, (key, _) in kept.entries.items())


def load_memo(folder: Path, code: str) -> DataMemo:
    """The memo the last build saved, if it is whole and from this code; else an empty one."""
    try:
        data = (folder / NAME).read_bytes()
    except OSError:
        return DataMemo()
    start = header(code)
    body = data[len(start) + 65:]
    if not data.startswith(start) or data[len(start):len(start) + 65] != hashlib.sha256(body).hexdigest().encode() \
            + b"\n":
        return DataMemo()  # another version's, or torn: read the data afresh
    try:
        memo = DataUnpickler(io.BytesIO(body)).load()
    except Exception as exc:  # noqa: BLE001 - whatever an unreadable cache raises, the data is read afresh
        # this very code wrote it whole, yet cannot read it: said, or every build parses everything unseen
        say(f"could not read back the parsed data kept in {folder / NAME} ({type(exc).__name__}: {exc}); "
            "the data is parsed afresh")
        return DataMemo()
    return memo if isinstance(memo, DataMemo) else DataMemo()


def save_memo(folder: Path, code: str, memo: DataMemo) -> None:
    """Keep the memo for the next process (whole or not at all; nothing written when nothing in it changed)."""
    body = pickle.dumps(memo, protocol=PROTOCOL)
    folder.mkdir(parents=True, exist_ok=True)
    # no fsync: a file torn by a crash fails its hash and is made again
    write_atomic(folder / NAME, header(code) + hashlib.sha256(body).hexdigest().encode() + b"\n" + body,
                 durable=False)
