"""Where the built-in theme lies: inside the installed package, or the checkout's top-level templates/."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import sitegen


def builtin_templates() -> Path:
    """The built-in theme: inside the installed package, or the checkout's top-level templates/."""
    shipped = Path(str(files("sitegen").joinpath("_templates")))
    if shipped.is_dir():
        return shipped
    return Path(sitegen.__file__).resolve().parent.parent / "templates"  # an editable checkout


BUILTIN_TEMPLATES = builtin_templates()
