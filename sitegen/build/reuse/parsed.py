"""The project's data as last parsed and checked (sitegen.data.memo), kept in the cache between processes: a build
after an edit to one package parses and checks only that package's files, and writes only what it made anew.

Pickled, since a parsed resource holds polars frames: one cache entry per file or package, named by what it was
made from (so an entry there is the one wanted) and by the code, Python and polars that wrote it, with a list of
the entries the last build kept. Read back only classes of sitegen's data and the few value types they hold, so a
planted entry can name no function to call; a damaged one is dropped, and its file read afresh.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import pickle
import sys
from pathlib import Path
from typing import Any

from sitegen.cache import Cache
from sitegen.data.memo import DataMemo
from sitegen.errors import say

KIND = "parsed"  # the cache's folder
INDEX = "index"  # the entry listing the others: (kind of memo, path, key) each
KINDS = ("parsed", "checked", "metadata")  # DataMemo's parts
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


def cache_of(folder: Path, code: str) -> Cache:
    """The cache of parsed data under folder, for the code, Python and polars running now."""
    made = f"{code} {sys.version} polars {importlib.metadata.version('polars')}"
    return Cache(folder, KIND, hashlib.sha256(made.encode()).hexdigest())


def entry_name(kind: str, path: Path, key: str) -> str:
    """An entry's key: the part of the memo, the file, and the hash of what was parsed or checked."""
    return json.dumps([kind, str(path), key])


def signature(memo: DataMemo) -> list[tuple[str, str]]:
    """Which file versions the memo holds: it is saved again only when that changed."""
    return sorted((str(path), key) for kept in (memo.parsed, memo.checked, memo.metadata)
                  for path, (key, _) in kept.entries.items())


def load_memo(folder: Path, code: str) -> DataMemo:
    """The memo the last build saved, each entry that is whole and from this code; else an empty one."""
    cache = cache_of(folder, code)
    memo = DataMemo()
    try:
        listed = json.loads(cache.get_bytes(INDEX, ".json") or b"[]")
    except (ValueError, RecursionError):
        return memo
    for item in listed if isinstance(listed, list) else []:
        if not (isinstance(item, list) and len(item) == 3 and item[0] in KINDS and all(isinstance(i, str)
                                                                                        for i in item)):
            continue
        kind, path, key = item
        name = entry_name(kind, Path(path), key)
        body = cache.get_bytes(name, ".pickle")  # a damaged one is said, and gone
        if body is None:
            continue
        try:
            value = DataUnpickler(io.BytesIO(body)).load()
        except Exception as exc:  # noqa: BLE001 - whatever an unreadable entry raises, its file is read afresh
            # this very code wrote it whole, yet cannot read it: said, or every build parses the file unseen
            say(f"could not read back the parsed data kept in {cache.path(name, '.pickle')} "
                f"({type(exc).__name__}: {exc}); that file is parsed afresh")
            continue
        getattr(memo, kind).entries[Path(path)] = (key, value)
    return memo


def save_memo(folder: Path, code: str, memo: DataMemo) -> None:
    """Keep the memo for the next process: each entry not yet in the cache (whole or not at all), then the list of
    them; entries none of the last saves listed are removed."""
    cache = cache_of(folder, code)
    listed = []
    for kind in KINDS:
        for path, (key, value) in getattr(memo, kind).entries.items():
            name = entry_name(kind, path, key)
            if cache.path(name, ".pickle").is_file():  # made from the same bytes by the same code: the same entry
                cache.mark(name, ".pickle")
            else:  # no fsync: an entry torn by a crash fails its hash, and its file is parsed again
                cache.put_bytes(name, ".pickle", pickle.dumps(value, protocol=PROTOCOL))
            listed.append([kind, str(path), key])
    cache.put_bytes(INDEX, ".json", json.dumps(listed).encode())
    cache.prune(KIND)
    (folder / "parsed-data.pickle").unlink(missing_ok=True)  # the whole memo in one file, as sitegen kept it before
