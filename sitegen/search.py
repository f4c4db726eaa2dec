"""Site search: Pagefind (its binary ships in the `pagefind[bin]` wheel) indexes the staged site at build time."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sitegen.errors import SitegenError

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


def index_site(staging: Path) -> list[str]:
    """Index every page marked `data-pagefind-body` under staging; the bundle's files, relative to staging."""
    command = [executable(), "--site", str(staging), "--output-subdir", BUNDLE, "--keep-index-url",
               "--force-language", "en", "--silent"]
    # Pagefind's own environment variables (PAGEFIND_*) would change the index: run it with none of them
    done = subprocess.run(command, capture_output=True, text=True, check=False, env={"PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SitegenError(f"Pagefind could not index the site: {detail[-1] if detail else 'no message'}")
    bundle = staging / BUNDLE
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    return sorted(p.relative_to(staging).as_posix() for p in bundle.rglob("*") if p.is_file())
