"""What every spreadsheet we hand out (open data, admin exports) does to its cells."""

from __future__ import annotations

import re

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
# ("CSV injection"): an organisation named "=HYPERLINK(...)" must stay text on a reader's screen.
# The full-width forms count too: an East Asian input method types them, and Excel reads
# "\uff1d1+1" (a full-width equals sign) as the formula "=1+1".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Excel in a French, Portuguese or Spanish locale splits a comma-separated file on semicolons
# (the csv module does not quote a cell for holding one), so "Peace;=1+1" opens as the cells
# "Peace" and "=1+1": a trigger right after a separator starts a cell of its own.
_TRIGGER_AFTER_SEPARATOR = re.compile("([;,\t] *)([" + re.escape("".join(FORMULA_TRIGGERS)) + "])")


def neutralize_formula(value: str) -> str:
    """An apostrophe before any trigger a spreadsheet would run, at the start of the cell or
    of a cell a separator inside it would start; the rest is left alone."""
    value = _TRIGGER_AFTER_SEPARATOR.sub(r"\1'\2", value)
    if value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value
