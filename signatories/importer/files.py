"""Reading a file of signatures collected offline: a .csv or .xlsx, as a table of cells, under
the caps that keep a hostile or careless file from costing the server more than a real one.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Columns past this one are not read: a sheet with a cell in column XFD (16,384) on every row
# must not make rows of 16,384 cells. A real file has six columns and a few notes.
MAX_COLUMNS = 50
# An .xlsx is a zip of XML: its parts may expand to this many times the upload cap, several
# times what a sheet of IMPORT_MAX_ROWS real rows takes; a zip bomb stops here.
XLSX_MAX_EXPANSION = 10
# The separators a spreadsheet writes a CSV with, the comma first so that it wins a tie.
CSV_DELIMITERS = (",", ";", "\t")
QUOTED = re.compile(r'"[^"]*"')


class ImportFileError(Exception):
    """The file as a whole cannot be read: a missing column, an unknown format, a cap."""


@dataclass(frozen=True)
class Table:
    """A file's cells as read: the header row, then every row under it (an empty line is an
    empty tuple, so that row numbers stay those of the spreadsheet)."""

    headers: tuple[Any, ...]
    rows: list[tuple[Any, ...]]


def extension_of(name: str) -> str:
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in ("csv", "xlsx"):
        raise ImportFileError(
            _("Use a .csv (UTF-8) or .xlsx file, not “%(name)s”.") % {"name": Path(name).name}
        )
    return extension


def too_large_message(size: int) -> str:
    return _(
        "The file is %(size)s; files of up to %(limit)s can be imported. Split it into "
        "smaller files and import them one after the other."
    ) % {"size": filesizeformat(size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)}


def read_file(path: Path) -> Table:
    """A file on the server's disk (the command's), under the same caps as an upload."""
    extension = extension_of(path.name)
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(too_large_message(size))
    return read_table(path.read_bytes(), extension=extension)


def read_table(content: bytes, *, extension: str) -> Table:
    """The cells of a .csv or .xlsx file, at most IMPORT_MAX_ROWS rows under the header."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(too_large_message(len(content)))
    rows = _csv_rows(content) if extension == "csv" else _xlsx_rows(content)
    try:
        headers = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    return Table(headers=tuple(headers), rows=_capped(rows, settings.IMPORT_MAX_ROWS))


def _capped(rows: Iterator[Sequence[Any]], limit: int) -> list[tuple[Any, ...]]:
    """The rows, empty ones at the end dropped, refused past `limit` lines (empty lines
    between rows count: they keep the spreadsheet's line numbers)."""
    kept: list[tuple[Any, ...]] = []
    empty_run = 0
    try:
        for row in rows:
            values = _trimmed(row)
            if not values:
                empty_run += 1
                continue
            if len(kept) + empty_run + 1 > limit:
                raise ImportFileError(
                    ngettext(
                        "The file has more than %(limit)d line under the column names; split it "
                        "into smaller files and import them one after the other.",
                        "The file has more than %(limit)d lines under the column names; split "
                        "it into smaller files and import them one after the other.",
                        limit,
                    )
                    % {"limit": limit}
                )
            kept.extend([()] * empty_run)
            empty_run = 0
            kept.append(values)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    return kept


def _trimmed(row: Sequence[Any]) -> tuple[Any, ...]:
    """The row without its trailing empty cells (a spreadsheet pads rows to its widest)."""
    end = len(row)
    while end and (row[end - 1] is None or str(row[end - 1]).strip() == ""):
        end -= 1
    return tuple(row[:end])


def _csv_rows(content: bytes) -> Iterator[Sequence[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not UTF-8 text: in your spreadsheet, save it as “CSV UTF-8”.")
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for row in reader:
            yield row[:MAX_COLUMNS]
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)d could not be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error


def _delimiter(text: str) -> str:
    """The separator the header line uses: a spreadsheet set to French, Spanish or Portuguese
    writes its CSV with semicolons, since the comma is their decimal mark; some write tabs.
    Quoted headings are left out of the count ("Name, in full")."""
    header = QUOTED.sub("", text.partition("\n")[0])
    return max(CSV_DELIMITERS, key=header.count)


def _xlsx_rows(content: bytes) -> Iterator[Sequence[Any]]:
    not_a_workbook = _("The file could not be read as an Excel workbook (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            # zipfile stops at each part's declared size, so the declared sizes bound the XML.
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(not_a_workbook) from None
    if expanded > XLSX_MAX_EXPANSION * settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The workbook unpacks to %(size)s, more than a sheet of signatures needs.")
            % {"size": filesizeformat(expanded)}
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl fails in many ways on a broken file, none of them ours
        raise ImportFileError(not_a_workbook) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError(not_a_workbook)
        sheet = workbook.worksheets[0]
        # The sheet's own <dimension> is the writer's claim, not a fact: trusting
        # "A1:XFD2000" in a 1.5 KB file had the server allocate 360 MB of empty cells.
        sheet.reset_dimensions()
        try:
            yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        except Exception as error:  # a malformed sheet part, found as it is parsed
            raise ImportFileError(not_a_workbook) from error
    finally:
        workbook.close()
