"""Delayed Transfers of Care, April 2011 to March 2013: SHA, Code, Name, then the days; councils by DH code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sitegen.importers.dtoc as dtoc

if TYPE_CHECKING:
    from sitegen.importers.core import Areas, RawFile, Reading

NAME = "dtoc-sha"
HEADER = dtoc.BY_SHA
SIGNATURE = ",".join(HEADER[1:])
PACKAGE = dtoc.PACKAGE
prepare = dtoc.prepare  # the run's DH code -> GSS lookup, built once from every file
review = dtoc.review


def detect(raw: RawFile) -> bool:
    """The sheet is the one by responsible organisation and its header (the row with `Name`) is exactly this."""
    return raw.sheet.casefold() == dtoc.SHEET.casefold() and dtoc.header(raw) == HEADER


def read(raw: RawFile, areas: Areas) -> Reading:
    """Days attributable to the NHS, to social care and to both, for every council and England."""
    return dtoc.by_dh_code(raw, areas)
