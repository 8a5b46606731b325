"""CSV, streamed: the one writer for every CSV we hand out, and the one place where cells a
spreadsheet would run are made inert (formulas only run when a spreadsheet opens a CSV)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from coalition.spreadsheets import neutralize_formula

from .streaming import export_failed_notice, guarded

ROWS_PER_CHUNK = 500
# The byte order mark makes Excel read the file as UTF-8 (accents, Arabic script); csv
# readers that do not expect it see it as part of the first header only.
BOM = "\ufeff"


class _Line:
    """A file-like sink for csv.writer that hands back what was just written."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    # csv writes None as an empty cell and a date as 2026-01-31.
    return neutralize_formula(value) if isinstance(value, str) else value


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    return guarded(
        _chunks(writer, headers, rows), lambda: writer.writerow([export_failed_notice()])
    )


def _chunks(writer: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    yield BOM + writer.writerow(headers)
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow(map(_cell, row)))
        if len(batch) >= ROWS_PER_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
