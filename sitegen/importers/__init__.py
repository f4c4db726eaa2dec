"""Importers of official returns: one small adapter module per file layout, and a shared core.

Adding a layout is one module with NAME, SIGNATURE, PACKAGE, detect() and read(), added to LAYOUTS. A layout may
also have prepare() (run once before any file of the run is read) and review() (summary lines after).
"""

from __future__ import annotations

from sitegen.importers import (
    ascfr_keyed,
    ascfr_labelled,
    ascfr_wide,
    bcf_eoy,
    dtoc_beds,
    dtoc_ons,
    dtoc_region,
    dtoc_sha,
)

LAYOUTS = (ascfr_wide, ascfr_labelled, ascfr_keyed, bcf_eoy, dtoc_sha, dtoc_region, dtoc_ons, dtoc_beds)
