"""Write the site into a staging folder, then swap it in whole: a failed build changes nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from sitegen.errors import SitegenError


class Writer:
    """Writes files under a staging folder; refuses a path twice, or one outside the folder."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=".build-staging-", dir=self.output.parent))
        self.written: set[str] = set()

    def write(self, relpath: str, data: bytes | str) -> None:
        """Write one file of the site."""
        target = self.target(relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def target(self, relpath: str) -> Path:
        """The staging path for relpath, after the safety checks."""
        pure = PurePosixPath(relpath)
        if pure.is_absolute() or ".." in pure.parts or "\\" in relpath or not relpath:
            raise SitegenError(f"refusing to write {relpath!r}: outside the output folder")
        if relpath in self.written:
            raise SitegenError(f"refusing to write {relpath!r} twice: two pages claim the same path")
        self.written.add(relpath)
        target = (self.staging / pure).resolve()
        if not target.is_relative_to(self.staging.resolve()):
            raise SitegenError(f"refusing to write {relpath!r}: outside the output folder")
        return target

    def commit(self) -> None:
        """Swap the staging folder in for the output folder."""
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=".build-old-", dir=self.output.parent))
            os.replace(self.output, old / "site")
        os.replace(self.staging, self.output)
        if old:
            shutil.rmtree(old)

    def abort(self) -> None:
        """Throw the staging folder away."""
        shutil.rmtree(self.staging, ignore_errors=True)


def write_atomic(path: Path, text: str) -> None:
    """Write a cache file whole or not at all, so an interrupted build never leaves a torn entry."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
