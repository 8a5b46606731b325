"""Reading a file of signatures collected offline, and planning what importing it would do.

Nothing here writes: `signatories.services.imports` does, for the admin and the command alike.
"""

from __future__ import annotations

from .aliases import COLUMNS, country_code, kind_code
from .files import ImportFileError, extension_of, read_file, read_table, too_large_message
from .matching import LOOKUP_CHUNK
from .messages import import_summary_text
from .plan import PlannedRow, imported_status, plan_counts, plan_import
from .rows import OfflineSignatory, ParsedFile, line_of, parse_table

__all__ = [
    "COLUMNS",
    "LOOKUP_CHUNK",
    "ImportFileError",
    "OfflineSignatory",
    "ParsedFile",
    "PlannedRow",
    "country_code",
    "extension_of",
    "import_summary_text",
    "imported_status",
    "kind_code",
    "line_of",
    "parse_table",
    "plan_counts",
    "plan_import",
    "read_file",
    "read_table",
    "too_large_message",
]
