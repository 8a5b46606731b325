"""Reading a file of signatures collected offline: its columns, countries given as codes or
English names, every row checked, and how each row matches what the database already holds.

Nothing here writes; `services.imports.signatories_import` does, for the admin and the
command alike.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from import_export.formats.base_formats import CSV, XLSX

from letters.models import Letter

from .models import Endorsement, Organization, User, normalize_name

if TYPE_CHECKING:
    from .services.imports import ImportSummary

COLUMNS = ("organization", "country", "city", "website", "email", "type")
REQUIRED_COLUMNS = ("organization", "country", "email")
# Headings people actually write in a spreadsheet, folded to the column they mean.
HEADER_ALIASES = {
    "organisation": "organization",
    "organization name": "organization",
    "organisation name": "organization",
    "name": "organization",
    "e mail": "email",
    "email address": "email",
    "contact email": "email",
    "kind": "type",
    "organization type": "type",
    "organisation type": "type",
    "web site": "website",
    "url": "website",
}
# Country names in common use that are not the ISO short name django-countries knows.
COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "united states": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "dr congo": "CD",
    "drc": "CD",
    "congo kinshasa": "CD",
    "congo brazzaville": "CG",
    "republic of the congo": "CG",
    "north korea": "KP",
    "laos": "LA",
    "burma": "MM",
    "swaziland": "SZ",
    "cape verde": "CV",
    "east timor": "TL",
    "holland": "NL",
    "the netherlands": "NL",
    "the gambia": "GM",
    "vatican": "VA",
    "macedonia": "MK",
    "state of palestine": "PS",
}
MAX_LENGTHS = {"organization": 200, "city": 100, "website": 300, "email": 254}


class ImportFileError(Exception):
    """The file as a whole cannot be read: a missing column, an unknown format."""


@dataclass(frozen=True)
class OfflineSignatory:
    """One valid row: an organisation that signed on paper or by email."""

    name: str
    country: str
    city: str
    website: str
    email: str
    kind: str
    # Not columns of the file: what a signature collected otherwise may carry (the demo's).
    contact_name: str = ""
    comment: str = ""

    @property
    def normalized_name(self) -> str:
        return normalize_name(self.name)

    @property
    def kind_label(self) -> str:
        return str(Organization.Kind(self.kind).label)


@dataclass
class ParsedFile:
    """Rows by number (1 is the first row under the header, so line = number + 1)."""

    rows: dict[int, OfflineSignatory] = field(default_factory=dict)
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    blank: set[int] = field(default_factory=set)


@dataclass
class PlannedRow:
    """What importing one row would do, for the preview."""

    signatory: OfflineSignatory | None
    outcome: str
    skip: bool
    pk: None = None

    def __str__(self) -> str:
        return self.signatory.name if self.signatory else ""


def line_of(row_number: int) -> int:
    """The line a spreadsheet shows for a row: the header is line 1."""
    return row_number + 1


# Reading ---------------------------------------------------------------------------------


def read_file(path: Path) -> tablib.Dataset:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return CSV(encoding="utf-8-sig").create_dataset(path.read_bytes())
    if suffix == ".xlsx":
        return XLSX().create_dataset(path.read_bytes())
    raise ImportFileError(
        _("Use a .csv (UTF-8) or .xlsx file, not “%(name)s”.") % {"name": path.name}
    )


def _header(value: Any) -> str:
    heading = " ".join(str(value or "").replace("_", " ").replace("-", " ").lower().split())
    return HEADER_ALIASES.get(heading, heading)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# Checking --------------------------------------------------------------------------------


@functools.cache
def _countries_by_name() -> dict[str, str]:
    with translation.override("en"):
        names = {normalize_name(str(name)): code for code, name in countries}
    return {**names, **COUNTRY_ALIASES}


def country_code(value: str) -> str | None:
    """An ISO 3166-1 code (alpha-2 or alpha-3) or an English country name, as alpha-2."""
    text = value.strip()
    if not text:
        return None
    if text.isalpha() and len(text) in (2, 3):
        by_code = countries.alpha2(text.upper())
        if by_code:
            return by_code
    by_name = _countries_by_name().get(normalize_name(text))
    if by_name:
        return by_name
    # django-countries also knows official names ("Viet Nam", "Russian Federation").
    with translation.override("en"):
        return countries.by_name(text) or None


@functools.cache
def _kinds() -> dict[str, str]:
    with translation.override("en"):
        labels = {normalize_name(str(label)): code for code, label in Organization.Kind.choices}
    return {**labels, **{normalize_name(code): code for code in Organization.Kind.values}}


def _kind(value: str) -> str | None:
    if not value:
        return Organization.Kind.NGO
    return _kinds().get(normalize_name(value))


def _website(value: str) -> str | None:
    if not value:
        return ""
    url = value if "://" in value else f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return None
    return url


def _email(value: str) -> str | None:
    try:
        EmailValidator()(value)
    except ValidationError:
        return None
    return value.lower()


def parse_row(values: dict[str, str]) -> OfflineSignatory | dict[str, list[str]]:
    """One row of the file, or what is wrong with it, by column."""
    errors: dict[str, list[str]] = {}
    for column, limit in MAX_LENGTHS.items():
        if len(values[column]) > limit:
            errors.setdefault(column, []).append(
                _("Longer than %(limit)d characters.") % {"limit": limit}
            )
    name = values["organization"]
    if not name:
        errors.setdefault("organization", []).append(_("The organisation's name is missing."))
    country = country_code(values["country"])
    if country is None:
        errors.setdefault("country", []).append(
            _(
                "Unknown country “%(value)s”: use an ISO code such as FR or an English name "
                "such as France."
            )
            % {"value": values["country"]}
            if values["country"]
            else _("The country is missing.")
        )
    email = _email(values["email"])
    if email is None:
        errors.setdefault("email", []).append(
            _("“%(value)s” is not an email address.") % {"value": values["email"]}
            if values["email"]
            else _("The email address is missing: it is how the organisation is recognised.")
        )
    website = _website(values["website"])
    if website is None:
        errors.setdefault("website", []).append(
            _("“%(value)s” is not a website address.") % {"value": values["website"]}
        )
    kind = _kind(values["type"])
    if kind is None:
        with translation.override("en"):
            known = ", ".join(str(label) for label in Organization.Kind.labels)
        errors.setdefault("type", []).append(
            _("Unknown type “%(value)s”; use one of: %(known)s.")
            % {"value": values["type"], "known": known}
        )
    if errors:
        return errors
    assert country is not None and email is not None and website is not None and kind is not None
    return OfflineSignatory(
        name=name, country=country, city=values["city"], website=website, email=email, kind=kind
    )


def parse_dataset(dataset: tablib.Dataset) -> ParsedFile:
    """Check every row, so that a refused file names all its bad rows at once."""
    headers = [_header(heading) for heading in dataset.headers or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        raise ImportFileError(
            _("The file has no column %(missing)s. Its first line must name the columns: %(all)s.")
            % {
                "missing": ", ".join(f"“{column}”" for column in missing),
                "all": ", ".join(COLUMNS),
            }
        )
    parsed = ParsedFile()
    for number, raw in enumerate(dataset, start=1):
        cells = dict(zip(headers, raw, strict=False))
        values = {column: _cell(cells.get(column)) for column in COLUMNS}
        if not any(values.values()):
            parsed.blank.add(number)
            continue
        result = parse_row(values)
        if isinstance(result, OfflineSignatory):
            parsed.rows[number] = result
        else:
            parsed.errors[number] = result
    _check_accounts(parsed)
    return parsed


def _check_accounts(parsed: ParsedFile) -> None:
    """An address that belongs to an account without an organisation (a staff member's) cannot
    become an organisation's."""
    emails = {row.email for row in parsed.rows.values()}
    taken = set(
        User.objects.filter(email__in=emails, organization__isnull=True).values_list(
            "email", flat=True
        )
    )
    for number, row in list(parsed.rows.items()):
        if row.email in taken:
            del parsed.rows[number]
            parsed.errors[number] = {
                "email": [
                    _("%(email)s belongs to an account that is not an organisation's.")
                    % {"email": row.email}
                ]
            }


# Matching --------------------------------------------------------------------------------


def find_organization(signatory: OfflineSignatory) -> Organization | None:
    """The organisation a row stands for: the same email address, or else the same name
    (folded) in the same country."""
    by_email = Organization.objects.filter(user__email__iexact=signatory.email).first()
    if by_email is not None:
        return by_email
    return (
        Organization.objects.filter(
            normalized_name=signatory.normalized_name[:200], country=signatory.country
        )
        .order_by("pk")
        .first()
    )


def identity_keys(signatory: OfflineSignatory) -> tuple[str, tuple[str, str]]:
    return signatory.email, (signatory.normalized_name, signatory.country)


def plan_import(*, letter: Letter, rows: dict[int, OfflineSignatory]) -> dict[int, PlannedRow]:
    """What importing would do to each valid row, for the preview."""
    plan: dict[int, PlannedRow] = {}
    seen: dict[object, int] = {}
    for number, signatory in sorted(rows.items()):
        email_key, name_key = identity_keys(signatory)
        earlier = seen.get(email_key) or seen.get(name_key)
        if earlier is not None:
            plan[number] = PlannedRow(
                signatory,
                _("Same organisation as line %(line)d: skipped.") % {"line": line_of(earlier)},
                skip=True,
            )
            continue
        seen.setdefault(email_key, number)
        seen.setdefault(name_key, number)
        organization = find_organization(signatory)
        if organization is None:
            plan[number] = PlannedRow(
                signatory, _("New organisation, endorsement approved."), False
            )
            continue
        existing = Endorsement.objects.filter(organization=organization, letter=letter).first()
        if existing is not None:
            plan[number] = PlannedRow(
                signatory,
                _("“%(name)s” already endorsed this letter (%(status)s): skipped.")
                % {"name": organization.name, "status": existing.get_status_display()},
                skip=True,
            )
            continue
        plan[number] = PlannedRow(
            signatory,
            _("Existing organisation “%(name)s”, endorsement approved.")
            % {"name": organization.name},
            skip=False,
        )
    return plan


def import_summary_text(summary: ImportSummary) -> str:
    """What an import did, in a sentence for the moderator (the admin and the command)."""
    created = ngettext(
        "%(count)d endorsement imported and approved",
        "%(count)d endorsements imported and approved",
        summary.endorsements_created,
    ) % {"count": summary.endorsements_created}
    organizations = ngettext(
        "%(count)d new organisation",
        "%(count)d new organisations",
        summary.organizations_created,
    ) % {"count": summary.organizations_created}
    skipped = ngettext(
        "%(count)d row skipped: the organisation had already endorsed the letter.",
        "%(count)d rows skipped: the organisation had already endorsed the letter.",
        summary.skipped,
    ) % {"count": summary.skipped}
    return f"{created} ({organizations}). {skipped}"
