"""Importers of official returns: one small adapter module per file layout, and a shared core.

Adding a layout is one module with NAME, SIGNATURE, PACKAGE, detect() and read(), added to LAYOUTS.
"""

from __future__ import annotations

from sitegen.importers import ascfr_keyed, ascfr_labelled, ascfr_wide, bcf_eoy

LAYOUTS = (ascfr_wide, ascfr_labelled, ascfr_keyed, bcf_eoy)
