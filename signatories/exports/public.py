"""The signatory list as anyone may download it (open data): approved endorsements whose
organisation agreed to be listed, with public fields only, oldest signature first, so that a
newer download adds rows at the end. Country names are in English, whatever the reader's
language, so that the files read the same for everyone (and are cached once)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils import timezone, translation
from django_countries.fields import Country

from letters.models import Letter

from ..countries import country_name
from ..models import Endorsement
from .csv import csv_stream
from .json import json_stream
from .streaming import started

# The only organisation fields the public side ever reads: never the email, the contact person,
# the description or the moderation notes.
PUBLIC_FIELDS = (
    "organization__name",
    "organization__country",
    "organization__city",
    "organization__website",
    "organization__kind",
    "signed_at",
    "organization__logo",
)
OPEN_DATA_FIELDS = (
    "organisation",
    "country_code",
    "country_name",
    "city",
    "website",
    "type",
    "date_signed",
)
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class PublicSignatory:
    name: str
    country: Country
    city: str
    website: str
    kind: str
    signed_at: datetime
    # The address of the organisation's logo, or "" (never part of the open data).
    logo: str = ""


def linkable(url: str) -> str:
    """A website we may put in an href: imported rows never went through the form's checks."""
    return url if urlsplit(url).scheme in ("http", "https") else ""


def public_signatory(row: tuple[Any, ...]) -> PublicSignatory:
    name, country, city, website, kind, signed_at, logo = row
    return PublicSignatory(
        name=name,
        country=Country(code=country),
        city=city,
        website=linkable(website),
        kind=kind,
        signed_at=signed_at,
        logo=default_storage.url(logo) if logo else "",
    )


def listed(letter: Letter) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(letter=letter).public()


def open_data_rows(letter: Letter, country_code: str = "") -> Iterator[dict[str, str]]:
    """One dict per listed signatory (of one country when asked); the query runs now."""
    rows = listed(letter)
    if country_code:
        rows = rows.filter(organization__country=country_code)
    values = started(
        rows.order_by("signed_at", "pk").values_list(*PUBLIC_FIELDS).iterator(CHUNK_SIZE)
    )
    return _open_data_items(values)


def _open_data_items(rows: Iterator[tuple[Any, ...]]) -> Iterator[dict[str, str]]:
    english_names: dict[str, str] = {}
    for row in rows:
        signatory = public_signatory(row)
        code = signatory.country.code
        if code not in english_names:
            with translation.override("en"):
                english_names[code] = country_name(code)
        yield {
            "organisation": signatory.name,
            "country_code": code,
            "country_name": english_names[code],
            "city": signatory.city,
            "website": signatory.website,
            "type": signatory.kind,
            "date_signed": timezone.localdate(signatory.signed_at).isoformat(),
        }


def open_data_csv(letter: Letter, country_code: str = "") -> Iterator[str]:
    rows = open_data_rows(letter, country_code)
    return csv_stream(OPEN_DATA_FIELDS, ([row[name] for name in OPEN_DATA_FIELDS] for row in rows))


def open_data_json(
    letter: Letter, envelope: Mapping[str, Any], country_code: str = ""
) -> Iterator[str]:
    return json_stream(open_data_rows(letter, country_code), envelope=envelope, key="signatories")
