"""Delayed Transfers of Care, April 2017 to December 2019: the days, then the same four as beds or people a day."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sitegen.importers.dtoc as dtoc

if TYPE_CHECKING:
    from sitegen.importers.core import Areas, RawFile, Reading

NAME = "dtoc-beds"
HEADER = dtoc.WITH_BEDS
SIGNATURE = ",".join(HEADER[1:])
PACKAGE = dtoc.PACKAGE
prepare = dtoc.prepare
review = dtoc.review


def detect(raw: RawFile) -> bool:
    """The header is the 2015 one twice over, and the row above says the first four are `Delayed Days`."""
    top = dtoc.header_index(raw)
    if top is None or top == 0 or raw.sheet.casefold() != dtoc.SHEET.casefold() or dtoc.header(raw) != HEADER:
        return False
    above = raw.records[top - 1]
    return len(above) > HEADER.index("NHS") and above[HEADER.index("NHS")].strip() == "Delayed Days"


def read(raw: RawFile, areas: Areas) -> Reading:
    """Days attributable to the NHS, to social care and to both (the beds or people a day are not imported)."""
    return dtoc.by_gss(raw, areas)
