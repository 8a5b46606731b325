"""The signatory list as the coalition's staff receive it: every endorsement the admin's list
shows, with contact data, sorted by country then organisation, as CSV, JSON, XLSX or a
workbook with one sheet per country.

Rows are read from a server-side cursor, never as one in-memory dataset, so 100,000
endorsements cost the memory of a few thousand rows; the query runs before the first byte."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.fields import Field

from ..continents import Continent, continent_of
from ..countries import countries_in_order, country_name, rank_by_country
from ..models import Endorsement, Organization
from .csv import csv_stream
from .json import json_stream
from .streaming import started
from .xlsx import sheet_title, xlsx_stream

# Rows fetched per round trip from the server-side cursor: the memory an export holds at once.
EXPORT_CHUNK_SIZE = 2000


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
    language = Field(column_name=_("Language signed in"))
    wants_updates = Field(column_name=_("Wants updates"))

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
        "language",
        "wants_updates",
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
            "language",
            "wants_updates",
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

    @functools.cached_property
    def _yes_no(self) -> dict[bool, str]:
        return {True: gettext("Yes"), False: gettext("No")}

    @functools.cached_property
    def _language_names(self) -> dict[str, str]:
        return {code: str(name) for code, name in settings.LANGUAGES}

    def _country(self, code: str) -> tuple[str, str]:
        if code not in self._countries:
            continent = continent_of(code)
            self._countries[code] = (
                country_name(code),
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
            "language": self._language_names.get(values["language"], values["language"]),
            "wants_updates": self._yes_no[values["wants_updates"]],
        }

    def export_resource(
        self,
        instance: dict[str, Any],
        selected_fields: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> list[Any]:
        row = self.row(instance)
        return [row[name] for name in self._field_names(selected_fields)]

    def json_keys(self, selected_fields: Sequence[str] | None = None) -> list[str]:
        """Stable keys for JSON, which programs read: the field names, not translated titles."""
        return self._field_names(selected_fields)


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


def staff_rows(
    resource: SignatoryResource,
    queryset: QuerySet[Endorsement],
    selected_fields: Sequence[str] | None = None,
) -> Iterator[list[Any]]:
    values = started(resource.iter_queryset(sorted_for_export(queryset)))
    return (resource.export_resource(row, selected_fields) for row in values)


def staff_csv(resource: SignatoryResource, queryset: QuerySet[Endorsement]) -> Iterator[str]:
    return csv_stream(resource.get_export_headers(), staff_rows(resource, queryset))


def staff_json(resource: SignatoryResource, queryset: QuerySet[Endorsement]) -> Iterator[str]:
    keys = resource.json_keys()
    rows = staff_rows(resource, queryset)
    return json_stream(dict(zip(keys, row, strict=True)) for row in rows)


def staff_xlsx(resource: SignatoryResource, queryset: QuerySet[Endorsement]) -> Iterator[bytes]:
    rows = staff_rows(resource, queryset)
    return xlsx_stream([(gettext("Signatories"), resource.get_export_headers(), rows)])


def staff_workbook_by_country(
    resource: SignatoryResource, queryset: QuerySet[Endorsement]
) -> Iterator[bytes]:
    headers = resource.get_export_headers()
    rows = started(resource.iter_queryset(sorted_for_export(queryset)))
    taken: set[str] = set()
    return xlsx_stream(
        (
            sheet_title(code, taken),
            headers,
            (resource.export_resource(values) for values in group),
        )
        for code, group in itertools.groupby(rows, key=itemgetter("organization__country"))
    )
