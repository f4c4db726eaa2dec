"""The on-disk cache, verified and never trusted, and the one hash of the code that keys it. Each entry is named by a
hash of what it is made from and of the code and library versions that made it, carries the hash of its own
content, and is written whole or not at all."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path

import sitegen
from sitegen.errors import say
from sitegen.files import write_atomic

FORMAT = b"sitegen-cache 1 sha256="

# Libraries whose version can change the output bytes
LIBRARIES = ("altair", "feedgen", "frictionless", "jinja2", "markdown", "nh3", "vl-convert-python")


def library_versions() -> dict[str, str]:
    """Every output-changing library with its installed version."""
    return {name: importlib.metadata.version(name) for name in LIBRARIES}


def code_digest() -> str:
    """One hash of sitegen's version, its source (Python and JavaScript) and the library versions: part of every
    cache key and of the no-change stamp. Worked out once per session (sitegen.build.session): a running
    `sitegen serve` runs the code it loaded, whatever is edited on disk meanwhile."""
    package = Path(sitegen.__file__).parent
    digest = hashlib.sha256(json.dumps([sitegen.__version__, library_versions()], sort_keys=True).encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".js") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Cache:
    """Text entries under one folder, each named `<key><suffix>`; every read checks the entry's hash."""

    def __init__(self, folder: Path, kind: str, code: str, read: bool = True) -> None:
        self.folder = folder / kind
        self.code = code  # the code and library versions (code_digest): a change to
        # either makes every entry stale
        self.read = read  # False for `--force`: rebuild every entry, overwriting what is there

    def path(self, key: str, suffix: str) -> Path:
        """Where an entry lives: its key together with the versions of the code and libraries that make it."""
        return self.folder / f"{hashlib.sha256(f'{self.code}:{key}'.encode()).hexdigest()}{suffix}"

    def get(self, key: str, suffix: str) -> str | None:
        """An entry's text, or None when there is none (or it was corrupt, and is now gone)."""
        if not self.read:
            return None
        path = self.path(key, suffix)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        text = unpack(data)
        if text is None:
            path.unlink(missing_ok=True)
            say(f"discarded a corrupt cache entry {path} (its content does not match its hash); rebuilding it")
        return text

    def put(self, key: str, suffix: str, text: str) -> None:
        """Store an entry, with the hash of its content, atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # no fsync: an entry lost or torn by a crash fails its hash on the next read and is made again
        write_atomic(self.path(key, suffix), pack(text), durable=False)


def pack(text: str) -> bytes:
    """An entry's bytes: a header line holding the content's hash, then the content."""
    body = text.encode("utf-8")
    return FORMAT + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def unpack(data: bytes) -> str | None:
    """The content of an entry whose hash matches, else None (truncated, emptied, garbled, or from elsewhere)."""
    header, _, body = data.partition(b"\n")
    if not header.startswith(FORMAT) or header.removeprefix(FORMAT) != hashlib.sha256(body).hexdigest().encode():
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None
