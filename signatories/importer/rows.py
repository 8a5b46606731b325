"""Checking an offline file's rows: each one becomes an `OfflineSignatory` or the reasons it
cannot, by column. Everything the confirmation could trip on (a NUL, a name too long for its
column, an address that is a staff member's) is refused here, at the preview, with the line and
the reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from coalition.spreadsheets import neutralize_formula

from ..models import Organization, User, normalize_name
from .aliases import COLUMNS, country_code, header_column, kind_code
from .files import ImportFileError, Table
from .matching import batches

REQUIRED_COLUMNS = ("organization", "country", "email")


def _max_length(model: type[Organization] | type[User], name: str) -> int:
    column = model._meta.get_field(name)
    assert isinstance(column, models.CharField) and column.max_length is not None
    return column.max_length


# Checked against the columns the rows go to, so that the confirmation cannot fail on a value
# the preview accepted.
MAX_LENGTHS = {
    "organization": _max_length(Organization, "name"),
    "city": _max_length(Organization, "city"),
    "website": _max_length(Organization, "website"),
    "email": _max_length(User, "email"),
}
# C0 and C1 control characters (Unicode category Cc). Tabs and line breaks are folded into
# spaces before this is looked for; what remains has no place in a name or an address, and
# PostgreSQL refuses NUL in text outright.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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
    # The file's type when it named none we know (the row is imported as Other).
    unknown_type: str = ""

    @property
    def normalized_name(self) -> str:
        return normalize_name(self.name)[:200]

    @property
    def looks_like_formula(self) -> bool:
        """A name a spreadsheet would run ("=HYPERLINK(...)"): imported, never published
        before a person has looked at it."""
        return neutralize_formula(self.name) != self.name

    def warnings(self) -> list[str]:
        """What the moderator should know about this row before confirming."""
        found = []
        if self.looks_like_formula:
            found.append(
                _(
                    "The name starts like a spreadsheet formula: it is imported as text and "
                    "held for review, whatever the letter's moderation."
                )
            )
        if self.unknown_type:
            found.append(
                _("Type “%(value)s” is not one we know: imported as “%(other)s”.")
                % {"value": self.unknown_type, "other": Organization.Kind.OTHER.label}
            )
        return found

    @property
    def kind_label(self) -> str:
        return str(Organization.Kind(self.kind).label)


@dataclass
class ParsedFile:
    """Rows by number (1 is the first row under the header, so line = number + 1)."""

    rows: dict[int, OfflineSignatory] = field(default_factory=dict)
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    blank: set[int] = field(default_factory=set)
    # The cells of each invalid row, to show beside its errors.
    invalid_values: dict[int, dict[str, str]] = field(default_factory=dict)


def line_of(row_number: int) -> int:
    """The line a spreadsheet shows for a row: the header is line 1."""
    return row_number + 1


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


def _too_long(column: str, value: str) -> str | None:
    limit = MAX_LENGTHS[column]
    return _("Longer than %(limit)d characters.") % {"limit": limit} if len(value) > limit else None


# A check gives back the value as it will be stored ("acme.org" becomes https://acme.org) beside
# what is wrong with it, so that the row is built from exactly what was checked.
Checked = tuple[str, str | None]


def _organization_checked(name: str) -> Checked:
    if not name:
        return name, _("The organisation's name is missing.")
    if not normalize_name(name):
        return name, _("The organisation's name has no letters or digits.")
    return name, _too_long("organization", name)


def _city_checked(city: str) -> Checked:
    return city, _too_long("city", city)


def _country_checked(value: str) -> Checked:
    country = country_code(value)
    if country is not None:
        return country, None
    if not value:
        return value, _("The country is missing.")
    return value, _(
        "Unknown country “%(value)s”: use an ISO code such as FR or FRA, or the "
        "country's name in English, French, Spanish, Portuguese or Arabic."
    ) % {"value": value}


def _email_checked(value: str) -> Checked:
    try:
        _email_validator(value)
    except ValidationError:
        if not value:
            return value, _(
                "The email address is missing: it is how the organisation is recognised."
            )
        return value, _("“%(value)s” is not an email address.") % {"value": value}
    email = User.objects.normalize_email(value).lower()
    return email, _too_long("email", email)


def _website_checked(value: str) -> Checked:
    if not value:
        return "", None
    url = value if "://" in value else f"https://{value}"
    try:
        _url_validator(url)
    except ValidationError:
        return value, _("“%(value)s” is not a website address.") % {"value": value}
    # Counted with the https:// that a bare address gets.
    return url, _too_long("website", url)


# In the order the preview and the command list a row's errors, after control characters.
_CHECKS = {
    "organization": _organization_checked,
    "city": _city_checked,
    "country": _country_checked,
    "email": _email_checked,
    "website": _website_checked,
}


def parse_row(values: dict[str, str]) -> OfflineSignatory | dict[str, list[str]]:
    """One row of the file, or what is wrong with it, by column. Every value is checked as
    it will be stored, so that what passes here also passes the database."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    for column, value in values.items():
        control = CONTROL_CHARACTER.search(value)
        if control:
            errors[column] = [
                _(
                    "Contains a control character (U+%(code)04X), which no name or address "
                    "may hold: retype this cell."
                )
                % {"code": ord(control.group())}
            ]
        else:
            clean[column] = value
    for column, check in _CHECKS.items():
        if column in clean:
            clean[column], problem = check(clean[column])
            if problem is not None:
                errors[column] = [problem]

    # A type nobody listed is no reason to refuse a signature: it becomes Other, and the
    # preview says so.
    kind: str = Organization.Kind.NGO
    unknown_type = ""
    if "type" in clean:
        known = kind_code(clean["type"])
        kind = known or Organization.Kind.OTHER
        if known is None:
            unknown_type = clean["type"]

    if errors:
        return errors
    return OfflineSignatory(
        name=clean["organization"],
        country=clean["country"],
        city=clean["city"],
        website=clean["website"],
        email=clean["email"],
        kind=kind,
        unknown_type=unknown_type,
    )


def parse_table(table: Table) -> ParsedFile:
    """Check every row, so that a refused file names all its bad rows at once."""
    headers = [header_column(heading) for heading in table.headers]
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        raise ImportFileError(
            _("The file has no column %(missing)s. Its first line must name the columns: %(all)s.")
            % {
                "missing": ", ".join(f"“{column}”" for column in missing),
                "all": ", ".join(COLUMNS),
            }
        )
    positions = _positions(table.headers, headers)
    parsed = ParsedFile()
    for number, raw in enumerate(table.rows, start=1):
        values = {
            column: _cell(raw[positions[column]])
            if column in positions and positions[column] < len(raw)
            else ""
            for column in COLUMNS
        }
        if not any(values.values()):
            parsed.blank.add(number)
            continue
        result = parse_row(values)
        if isinstance(result, OfflineSignatory):
            parsed.rows[number] = result
        else:
            parsed.errors[number] = result
            parsed.invalid_values[number] = values
    _check_accounts(parsed)
    return parsed


def _positions(written: Sequence[Any], headers: Sequence[str]) -> dict[str, int]:
    """Where each column is. Two headings that mean one column ("Name", the contact person's,
    beside "Organisation") refuse the file: taking either would be a guess, and a wrong one
    publishes people's names as organisations."""
    found: dict[str, list[int]] = {}
    for position, heading in enumerate(headers):
        if heading in COLUMNS:
            found.setdefault(heading, []).append(position)
    clashes = [
        _(
            "The columns %(columns)s are read as the same column, “%(column)s”: keep one of "
            "them and rename or delete the others, so that the import knows which one to read."
        )
        % {
            "columns": ", ".join(f"“{_cell(written[position])}”" for position in positions),
            "column": column,
        }
        for column, positions in found.items()
        if len(positions) > 1
    ]
    if clashes:
        raise ImportFileError(" ".join(clashes))
    return {column: positions[0] for column, positions in found.items()}


def _check_accounts(parsed: ParsedFile) -> None:
    """An address that belongs to an account without an organisation (a staff member's) cannot
    become an organisation's."""
    emails = {row.email for row in parsed.rows.values()}
    taken: set[str] = set()
    for batch in batches(emails):
        taken.update(
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=batch, organization__isnull=True)
            .values_list("email_lower", flat=True)
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
            parsed.invalid_values[number] = {
                "organization": row.name,
                "country": row.country,
                "city": row.city,
                "website": row.website,
                "email": row.email,
                "type": row.kind_label,
            }
