"""The signatory list as the coalition receives it (django-import-export), and the import of
signatures collected offline.

Every export path (the admin's CSV, XLSX and JSON, the per-country workbook, the benchmark)
goes through `SignatoryResource.export_resource`, which is where formula-like cells are made
inert: one place, so that no path can forget it.

Exports are written row by row from a server-side cursor, never as one in-memory dataset, so
100,000 endorsements cost the memory of a few thousand rows.
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from operator import itemgetter
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader

from letters.models import Letter

from . import imports, services
from .continents import Continent, continent_of
from .models import Endorsement, Organization, User, normalize_name
from .spreadsheets import neutralize_formula

logger = logging.getLogger(__name__)

# Rows fetched per round trip from the server-side cursor: the memory an export holds at once.
EXPORT_CHUNK_SIZE = 2000
# What Excel accepts as a sheet name: at most 31 characters, none of these.
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


class SignatoryResource(resources.ModelResource):
    """One row per endorsement: who signed, from where, and what became of it.

    Rows are read as plain values (`iter_queryset`) and built in one pass (`export_resource`)
    rather than as model instances field by field: at 100,000 rows that is the difference
    between a few seconds and a few minutes."""

    organization = Field(column_name=_("Organisation"))
    country_code = Field(column_name=_("Country code"))
    country_name = Field(column_name=_("Country"))
    continent = Field(column_name=_("Continent"))
    city = Field(column_name=_("City"))
    website = Field(column_name=_("Website"))
    kind = Field(column_name=_("Type"))
    contact_name = Field(column_name=_("Contact name"))
    contact_email = Field(column_name=_("Contact email"))
    status = Field(column_name=_("Status"))
    comment = Field(column_name=_("Comment"))
    date_signed = Field(column_name=_("Date signed"))
    date_approved = Field(column_name=_("Date approved"))

    # What is read from the database for each row.
    VALUES = (
        "organization__name",
        "organization__country",
        "organization__city",
        "organization__website",
        "organization__kind",
        "organization__contact_name",
        "organization__user__email",
        "status",
        "comment",
        "signed_on",
        "approved_on",
    )

    class Meta:
        model = Endorsement
        name = _("Signatory list")
        fields = (
            "organization",
            "country_code",
            "country_name",
            "continent",
            "city",
            "website",
            "kind",
            "contact_name",
            "contact_email",
            "status",
            "comment",
            "date_signed",
            "date_approved",
        )
        export_order = fields
        chunk_size = EXPORT_CHUNK_SIZE

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._countries: dict[str, tuple[str, str]] = {}
        self._names: dict[tuple[str, ...] | None, list[str]] = {}

    def iter_queryset(self, queryset: QuerySet[Endorsement]) -> Iterator[dict[str, Any]]:
        # Dates in the site's time zone, converted by the database.
        dated = queryset.annotate(
            signed_on=TruncDate("signed_at"), approved_on=TruncDate("approved_at")
        )
        return dated.values(*self.VALUES).iterator(chunk_size=self.get_chunk_size())

    # Labels in the language of the export, looked up once rather than once per row.

    @functools.cached_property
    def _status_labels(self) -> dict[str, str]:
        return {value: str(label) for value, label in Endorsement.Status.choices}

    @functools.cached_property
    def _kind_labels(self) -> dict[str, str]:
        return {value: str(label) for value, label in Organization.Kind.choices}

    def _country(self, code: str) -> tuple[str, str]:
        if code not in self._countries:
            continent = continent_of(code)
            self._countries[code] = (
                str(countries.name(code)),
                str(Continent(continent).label) if continent else "",
            )
        return self._countries[code]

    def _field_names(self, selected_fields: Sequence[str] | None) -> list[str]:
        key = tuple(selected_fields) if selected_fields else None
        if key not in self._names:
            self._names[key] = [
                self.get_field_name(field) for field in self.get_export_fields(selected_fields)
            ]
        return self._names[key]

    def row(self, values: dict[str, Any]) -> dict[str, Any]:
        code = values["organization__country"]
        country_name, continent = self._country(code)
        return {
            "organization": values["organization__name"],
            "country_code": code,
            "country_name": country_name,
            "continent": continent,
            "city": values["organization__city"],
            "website": values["organization__website"],
            "kind": self._kind_labels.get(values["organization__kind"], ""),
            "contact_name": values["organization__contact_name"],
            "contact_email": values["organization__user__email"],
            "status": self._status_labels.get(values["status"], ""),
            "comment": values["comment"],
            "date_signed": values["signed_on"],
            "date_approved": values["approved_on"],
        }

    def export_resource(
        self,
        instance: dict[str, Any],
        selected_fields: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> list[Any]:
        # The one place where formula-like cells are neutralised (OWASP ASVS V1.2.10): every
        # export path builds its rows here.
        row = self.row(instance)
        names = self._field_names(selected_fields)
        return [
            neutralize_formula(value) if isinstance(value, str) else value
            for value in (row[name] for name in names)
        ]

    def json_keys(self, selected_fields: Sequence[str] | None = None) -> list[str]:
        """Stable keys for JSON, which programs read: the field names, not translated titles."""
        return self._field_names(selected_fields)


# Ordering and streaming ------------------------------------------------------------------


def country_sort_key(code: str) -> str:
    return normalize_name(str(countries.name(code))) or code


def countries_in_order(queryset: QuerySet[Endorsement]) -> list[str]:
    """The countries the list holds, by name: one query, run before any byte is sent."""
    present = queryset.order_by().values_list("organization__country", flat=True).distinct()
    return sorted(set(present), key=country_sort_key)


def rank_by_country(
    queryset: QuerySet[Endorsement], codes: Sequence[str], *then: str
) -> QuerySet[Endorsement]:
    """Rows in the order of `codes`, then of `then`. Country names are not in the database, so
    their order goes in as a rank.

    The rank exists only when there are two countries or more: with one (or none) it would be
    a constant, which Django writes into ORDER BY as a bare number, and PostgreSQL reads
    `ORDER BY 0` as a column position ("ORDER BY position 0 is not in select list"). With two
    or more it is a CASE expression, which no database mistakes for a position."""
    if len(codes) < 2:
        return queryset.order_by(*then)
    rank = Case(
        *(When(organization__country=code, then=Value(i)) for i, code in enumerate(codes)),
        default=Value(len(codes)),
        output_field=IntegerField(),
    )
    return queryset.annotate(country_rank=rank).order_by("country_rank", *then)


def sorted_for_export(queryset: QuerySet[Endorsement]) -> QuerySet[Endorsement]:
    """Countries by name, organisations by name within each: the order of the printed list.
    One query, one sort by the database, and a workbook can start a new sheet whenever the
    country changes."""
    return rank_by_country(
        queryset,
        countries_in_order(queryset),
        "organization__normalized_name",
        "organization__name",
        "pk",
    )


def started(rows: Iterator[Any]) -> Iterator[Any]:
    """The rows with the first one already fetched: the query runs now, while the view can
    still answer with an error page, rather than after the first bytes of a file have left."""
    try:
        first = next(rows)
    except StopIteration:
        return iter(())
    return itertools.chain([first], rows)


def export_rows(
    resource: SignatoryResource,
    queryset: QuerySet[Endorsement],
    selected_fields: Sequence[str] | None = None,
) -> Iterator[list[Any]]:
    values = started(resource.iter_queryset(sorted_for_export(queryset)))
    return (resource.export_resource(row, selected_fields) for row in values)


def export_failed_notice() -> str:
    return gettext(
        "EXPORT FAILED: this file is incomplete. Export the list again; if it fails again, "
        "tell the site's administrators."
    )


def guarded(stream: Iterator[Any], tail: Callable[[], Any] | None = None) -> Iterator[Any]:
    """A file being streamed that fails midway must not pass for a complete one: the error is
    logged, `tail` (a line a reader cannot miss) is sent, and the error is raised again so that
    the server aborts the transfer (a chunked response without its last chunk: the browser
    reports the download as failed). A zip cut short has no central directory: no tail."""
    try:
        yield from stream
    except Exception:
        logger.exception("Export failed midway; the file sent is incomplete")
        if tail is not None:
            yield tail()
        raise


class _Line:
    """A file-like sink for csv.writer that hands back what was just written."""

    def write(self, value: str) -> str:
        return value


def stream_csv(
    resource: SignatoryResource,
    queryset: QuerySet[Endorsement],
    selected_fields: Sequence[str] | None = None,
) -> Iterator[str]:
    writer = csv.writer(_Line())
    rows = export_rows(resource, queryset, selected_fields)
    return guarded(
        _csv_chunks(writer, resource.get_export_headers(selected_fields), rows),
        lambda: writer.writerow([export_failed_notice()]),
    )


def _csv_chunks(writer: Any, headers: list[str], rows: Iterator[list[Any]]) -> Iterator[str]:
    # The byte order mark makes Excel read the file as UTF-8 (accents, Arabic script).
    yield "\ufeff" + writer.writerow(headers)
    batch: list[str] = []
    for row in rows:
        # csv writes None as an empty cell and a date as 2026-01-31.
        batch.append(writer.writerow(row))
        if len(batch) >= 500:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def stream_json(
    resource: SignatoryResource,
    queryset: QuerySet[Endorsement],
    selected_fields: Sequence[str] | None = None,
) -> Iterator[str]:
    keys = resource.json_keys(selected_fields)
    rows = export_rows(resource, queryset, selected_fields)
    # Text after an unclosed array: no JSON parser accepts the file.
    return guarded(_json_chunks(keys, rows), lambda: "\n" + export_failed_notice() + "\n")


def _json_chunks(keys: list[str], rows: Iterator[list[Any]]) -> Iterator[str]:
    separator = "\n"
    yield "["
    for row in rows:
        item = json.dumps(
            dict(zip(keys, row, strict=True)), cls=DjangoJSONEncoder, ensure_ascii=False
        )
        yield separator + item
        separator = ",\n"
    yield "\n]\n"


def sheet_title(code: str, taken: set[str]) -> str:
    name = str(countries.name(code)).translate(SHEET_NAME_FORBIDDEN).strip() or code
    title = name if len(name) <= 31 else f"{name[:26].rstrip()} ({code})"
    if title in taken:
        title = f"{title[:26].rstrip()} ({code})"
    taken.add(title)
    return title


# XLSX, written as a stream. openpyxl builds a whole workbook before the first byte can leave
# (44 s for 100,000 rows, past a web worker's time-out); this writes the few parts a workbook
# needs, row by row, into a zip stream that goes out as it is made.

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


def stream_xlsx(sheets: Iterable[tuple[str, list[str], Iterable[list[Any]]]]) -> Iterator[bytes]:
    """A workbook, one (title, headers, rows) per sheet, as bytes as soon as they are made."""
    pipe = _Pipe()
    titles: list[str] = []
    # An unseekable output makes zipfile stream each part, sizes after the data.
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[arg-type]
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


def workbook_single_sheet(
    resource: SignatoryResource,
    queryset: QuerySet[Endorsement],
    selected_fields: Sequence[str] | None = None,
) -> Iterator[bytes]:
    headers = resource.get_export_headers(selected_fields)
    rows = export_rows(resource, queryset, selected_fields)
    return guarded(stream_xlsx([(gettext("Signatories"), headers, rows)]))


def workbook_by_country(
    resource: SignatoryResource, queryset: QuerySet[Endorsement]
) -> Iterator[bytes]:
    headers = resource.get_export_headers()
    rows = started(resource.iter_queryset(sorted_for_export(queryset)))
    taken: set[str] = set()
    sheets = (
        (
            sheet_title(code, taken),
            headers,
            (resource.export_resource(values) for values in group),
        )
        for code, group in itertools.groupby(rows, key=itemgetter("organization__country"))
    )
    return guarded(stream_xlsx(sheets))


# Import of signatures collected offline --------------------------------------------------


class OfflineSignatoryResource(resources.Resource):
    """The admin's import (preview, then confirm) of a file with the columns organization,
    country, city, website, email, type.

    Rows are checked here and previewed with what would happen to each; nothing is written row
    by row. On confirmation the whole file goes to `services.signatories_import` at once, which
    writes it in one transaction. Any invalid row refuses the file."""

    organization = Field(attribute="signatory__name", column_name="organization")
    country = Field(attribute="signatory__country", column_name="country")
    city = Field(attribute="signatory__city", column_name="city")
    website = Field(attribute="signatory__website", column_name="website")
    email = Field(attribute="signatory__email", column_name="email")
    kind = Field(attribute="signatory__kind_label", column_name="type")
    outcome = Field(attribute="outcome", column_name=_("What happens"))

    class Meta:
        name = _("Signatures collected offline")
        instance_loader_class = BaseInstanceLoader
        use_transactions = True
        report_skipped = True

    def __init__(self, *, letter: Letter | None = None, actor: User | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.letter = letter
        self.actor = actor
        self.parsed = imports.ParsedFile()
        self.plan: dict[int, imports.PlannedRow] = {}
        self.summary: services.ImportSummary | None = None
        self._row_number = 0

    @classmethod
    def get_display_name(cls) -> str:
        return str(cls._meta.name)

    def get_user_visible_fields(self) -> list[Field]:
        return [field for field in self.get_import_fields() if field is not self.fields["outcome"]]

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        if self.letter is None:
            raise imports.ImportFileError(gettext("Choose the letter these signatures are for."))
        self.parsed = imports.parse_dataset(dataset)
        self.plan = imports.plan_import(letter=self.letter, rows=self.parsed.rows)

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        self._row_number = kwargs["row_number"]

    def get_or_init_instance(
        self, instance_loader: BaseInstanceLoader, row: dict[str, Any]
    ) -> tuple[imports.PlannedRow, bool]:
        planned = self.plan.get(self._row_number)
        if planned is None:
            skip = self._row_number in self.parsed.blank
            outcome = gettext("Empty line: skipped.") if skip else ""
            planned = imports.PlannedRow(signatory=None, outcome=outcome, skip=skip)
        return planned, True

    def import_instance(self, instance: imports.PlannedRow, row: dict[str, Any], **kwargs: Any):
        errors = self.parsed.errors.get(self._row_number)
        if errors:
            raise ValidationError(errors)

    def skip_row(
        self,
        instance: imports.PlannedRow,
        original: imports.PlannedRow,
        row: dict[str, Any],
        import_validation_errors: dict[str, Any] | None = None,
    ) -> bool:
        return not import_validation_errors and instance.skip

    def save_instance(self, instance: imports.PlannedRow, is_create: bool, row: Any, **kwargs):
        """Nothing is written row by row: see after_import."""

    def save_m2m(self, instance: imports.PlannedRow, row: Any, **kwargs: Any) -> None:
        """No many-to-many relations here."""

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        assert self.letter is not None
        self.summary = services.signatories_import(
            letter=self.letter,
            signatories=[self.parsed.rows[n] for n in sorted(self.parsed.rows)],
            actor=self.actor,
        )
        # The admin reports what the service did, not the preview's prediction.
        result.import_summary = self.summary
