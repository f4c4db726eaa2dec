"""Site search: Pagefind (its binary ships in the `pagefind[bin]` wheel) indexes the staged site at build time."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

from sitegen.errors import SitegenError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

BUNDLE = "pagefind"
# the site's own search.js drives pagefind.js; Pagefind's prebuilt UIs are never loaded, so they are not shipped
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")


def executable() -> str:
    """Path of the Pagefind binary installed with the Python package."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SitegenError("search needs Pagefind: install the project again (`make .venv/bin/sitegen`), which "
                           "brings the `pagefind[bin]` package") from None
    return str(get_executable())


class Indexing:
    """Pagefind indexing every page marked `data-pagefind-body` under staging, while the build writes the rest."""

    def __init__(self, staging: Path) -> None:
        self.staging = staging
        command = [executable(), "--site", str(staging), "--output-subdir", BUNDLE, "--keep-index-url",
                   "--force-language", "en", "--silent"]
        # Pagefind's own environment variables (PAGEFIND_*) would change the index: run it with none of them
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env={"PATH": "/usr/bin:/bin"})

    def finish(self, check: Callable[[], None] = lambda: None) -> list[str]:
        """Wait for Pagefind (calling check now and then: it raises to stop); the bundle's files, under staging."""
        while True:
            try:
                out, err = self.process.communicate(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                check()
        if self.process.returncode != 0:
            detail = (err or out).strip().splitlines()
            raise SitegenError(f"Pagefind could not index the site: {detail[-1] if detail else 'no message'}")
        bundle = self.staging / BUNDLE
        for name in UNUSED:
            (bundle / name).unlink(missing_ok=True)
        return sorted(p.relative_to(self.staging).as_posix() for p in bundle.rglob("*") if p.is_file())

    def stop(self) -> None:
        """Stop Pagefind, if it is still running (the build failed)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()
