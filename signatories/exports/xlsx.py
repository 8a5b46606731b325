"""XLSX, streamed. openpyxl builds a whole workbook before the first byte can leave (44 s for
100,000 rows, past a web worker's time-out); this writes the few parts a workbook needs, row by
row, into a zip stream that goes out as it is made. Cells are inline strings, which no
spreadsheet evaluates: values go as they are, with no formula neutralising."""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.utils.translation import gettext

from ..countries import country_name
from .streaming import guarded

# What Excel accepts as a sheet name: at most 31 characters, none of these.
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_title(code: str, taken: set[str]) -> str:
    name = country_name(code).translate(SHEET_NAME_FORBIDDEN).strip() or code
    title = name if len(name) <= 31 else f"{name[:26].rstrip()} ({code})"
    if title in taken:
        title = f"{title[:26].rstrip()} ({code})"
    taken.add(title)
    return title


XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Day 0 of Excel's calendar, as its 1900 leap-year bug makes it.
EXCEL_EPOCH = date(1899, 12, 30)
# Characters XML 1.0 cannot carry at all; a name pasted from a PDF can hold some.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Style 1 shows a number as a date (built-in format 14).
XLSX_STYLES = (
    f'{XML_HEAD}<styleSheet xmlns="{XLSX_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
XLSX_ROWS_PER_WRITE = 500


class _Pipe:
    """Where the zip is written: it hands back what arrived since last asked."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here."""

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _xlsx_cell(value: Any) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, date):
        return f'<c s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    text = xml_escape(XML_ILLEGAL.sub("", str(value))).replace("\r", "&#13;")
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _xlsx_rows(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    batch: list[str] = []
    for row in rows:
        batch.append("<row>" + "".join(_xlsx_cell(value) for value in row) + "</row>")
        if len(batch) >= XLSX_ROWS_PER_WRITE:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def _xlsx_package(titles: list[str]) -> dict[str, str]:
    sheets = "".join(
        f'<sheet name="{xml_escape(title, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{n}" Type="{DOCUMENT_RELS}/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(titles) + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(titles) + 1)
    )
    return {
        "xl/workbook.xml": f'{XML_HEAD}<workbook xmlns="{XLSX_MAIN}" xmlns:r="{DOCUMENT_RELS}">'
        f"<sheets>{sheets}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}">'
        f'{sheet_rels}<Relationship Id="rIdStyles" Type="{DOCUMENT_RELS}/styles" '
        'Target="styles.xml"/></Relationships>',
        "xl/styles.xml": XLSX_STYLES,
        "_rels/.rels": f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{DOCUMENT_RELS}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "[Content_Types].xml": f"{XML_HEAD}<Types "
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>",
    }


Sheet = tuple[str, list[str], Iterable[list[Any]]]


def xlsx_stream(sheets: Iterable[Sheet]) -> Iterator[bytes]:
    """A workbook, one (title, headers, rows) per sheet, as bytes as soon as they are made."""
    return guarded(_workbook(sheets))


def _workbook(sheets: Iterable[Sheet]) -> Iterator[bytes]:
    pipe = _Pipe()
    titles: list[str] = []
    # An unseekable output makes zipfile stream each part, sizes after the data.
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[call-overload]
        for title, headers, rows in sheets:
            titles.append(title)
            with archive.open(f"xl/worksheets/sheet{len(titles)}.xml", "w") as sheet:
                sheet.write(f'{XML_HEAD}<worksheet xmlns="{XLSX_MAIN}"><sheetData>'.encode())
                for chunk in _xlsx_rows(itertools.chain([headers], rows)):
                    sheet.write(chunk)
                    yield pipe.take()
                sheet.write(b"</sheetData></worksheet>")
        if not titles:
            titles.append(gettext("Signatories"))
            archive.writestr(
                "xl/worksheets/sheet1.xml",
                f'{XML_HEAD}<worksheet xmlns="{XLSX_MAIN}"><sheetData/></worksheet>',
            )
        for name, content in _xlsx_package(titles).items():
            archive.writestr(name, content)
    yield pipe.take()
