"""The code a build runs: sitegen's own source and the versions of the libraries that can change the output."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from pathlib import Path

import sitegen

# Libraries whose version can change the output bytes
LIBRARIES = ("altair", "feedgen", "frictionless", "jinja2", "markdown", "nh3", "vl-convert-python", "XlsxWriter")


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
