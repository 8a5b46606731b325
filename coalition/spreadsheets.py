"""What every spreadsheet we hand out (open data, admin exports) does to its cells."""

from __future__ import annotations

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
# ("CSV injection"): an organisation named "=HYPERLINK(...)" must stay text on a reader's screen.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value: str) -> str:
    """Prefix a leading apostrophe to a cell a spreadsheet would run; leave the rest alone."""
    if value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value
