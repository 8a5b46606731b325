"""Reading a file of signatures collected offline, and planning what importing it would do.

Nothing here writes: `signatories.services.imports` does, for the admin and the command alike.
"""

from __future__ import annotations

from .rows import (
    COLUMNS,
    LOOKUP_CHUNK,
    ImportFileError,
    OfflineSignatory,
    ParsedFile,
    PlannedRow,
    country_code,
    extension_of,
    import_summary_text,
    imported_status,
    kind_code,
    line_of,
    parse_table,
    plan_counts,
    plan_import,
    read_file,
    read_table,
    too_large_message,
)

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
