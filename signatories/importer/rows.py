"""Reading a file of signatures collected offline: its columns, countries given as codes or
English names, every row checked, and how each row matches what the database already holds.

Nothing here writes; `services.imports.signatories_import` does, for the admin and the
command alike. Everything the confirmation could trip on (a NUL, a name too long for its
column) is refused here, at the preview, with the line and the reason; and the matching looks
up every row's organisation in a few queries, not a few per row.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from coalition.spreadsheets import neutralize_formula
from letters.models import Letter

from ..models import Endorsement, Organization, User, normalize_name

if TYPE_CHECKING:
    from ..services.imports import ImportSummary

COLUMNS = ("organization", "country", "city", "website", "email", "type")
REQUIRED_COLUMNS = ("organization", "country", "email")
# Headings people actually write in a spreadsheet, in the site's five languages, folded as
# `normalize_name` folds them (case, accents, punctuation), to the column they mean.
HEADER_ALIASES = {
    **dict.fromkeys(
        (
            "organisation", "organization name", "organisation name", "name", "org",
            "organizacao", "nome da organizacao", "nome", "entidade", "organizacion",
            "nombre de la organizacion", "nombre", "entidad", "nom", "nom de l organisation",
            "structure", "منظمة", "المنظمة", "اسم المنظمة", "الاسم", "الجهة",
        ),
        "organization",
    ),
    **dict.fromkeys(
        ("pays", "pais", "nation", "البلد", "بلد", "الدولة", "دولة"), "country"
    ),
    **dict.fromkeys(("town", "ville", "cidade", "ciudad", "المدينة", "مدينة"), "city"),
    **dict.fromkeys(
        (
            "web site", "url", "site", "site web", "site internet", "sitio web", "sitio",
            "pagina web", "web", "الموقع", "الموقع الالكتروني", "الموقع الإلكتروني",
        ),
        "website",
    ),
    **dict.fromkeys(
        (
            "e mail", "email address", "contact email", "mail", "courriel", "adresse e mail",
            "adresse electronique", "correo", "correo electronico", "endereco de e mail",
            "البريد الإلكتروني", "البريد الالكتروني", "البريد", "بريد إلكتروني",
        ),
        "email",
    ),
    **dict.fromkeys(
        (
            "kind", "organization type", "organisation type", "category", "tipo",
            "tipo de organizacao", "tipo de organizacion", "type d organisation", "categorie",
            "categoria", "النوع", "نوع المنظمة", "الفئة",
        ),
        "type",
    ),
}  # fmt: skip
# Country names in common use that none of the five languages' ISO short names cover.
COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "united states": "US", "america": "US", "eeuu": "US", "eua": "US",
    "etats unis": "US", "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "grande bretagne": "GB",
    "ivory coast": "CI", "cote d ivoire": "CI", "dr congo": "CD", "drc": "CD", "rdc": "CD",
    "rd congo": "CD", "congo kinshasa": "CD", "congo brazzaville": "CG",
    "republic of the congo": "CG", "north korea": "KP", "south korea": "KR", "korea": "KR",
    "laos": "LA", "burma": "MM", "swaziland": "SZ", "cape verde": "CV", "east timor": "TL",
    "holland": "NL", "the netherlands": "NL", "the gambia": "GM", "vatican": "VA",
    "macedonia": "MK", "state of palestine": "PS", "palestine": "PS", "gaza": "PS",
    "russia": "RU", "russian federation": "RU", "syria": "SY", "iran": "IR", "vietnam": "VN",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "turkey": "TR",
    "turkiye": "TR", "czech republic": "CZ", "czechia": "CZ", "uae": "AE", "emirates": "AE",
    "taiwan": "TW", "brunei": "BN", "micronesia": "FM", "eswatini": "SZ",
    "الإمارات": "AE", "امريكا": "US", "أمريكا": "US", "فلسطين": "PS",
}  # fmt: skip
# Types as people write them, in the five languages (folded), beside the labels themselves.
Kind = Organization.Kind
KIND_SYNONYMS = {
    **dict.fromkeys(
        (
            "ngo", "ngos", "ingo", "ingos", "ong", "ongs", "ongi", "ong internationale",
            "ong internacional", "inngo", "non governmental organisation",
            "non governmental organization", "nongovernmental organization", "charity",
            "association", "associacao", "asociacion", "cso", "civil society",
            "civil society organisation", "civil society organization", "osc",
            "organisation non gouvernementale", "organizacao nao governamental",
            "organizacion no gubernamental", "منظمة غير حكومية", "جمعية", "منظمة مجتمع مدني",
        ),
        Kind.NGO,
    ),
    **dict.fromkeys(
        (
            "network", "coalition", "alliance", "platform", "federation", "rede", "coalizao",
            "coligacao", "red", "coalicion", "reseau", "plateforme", "plataforma", "شبكة",
            "تحالف", "ائتلاف",
        ),
        Kind.NETWORK,
    ),
    **dict.fromkeys(
        (
            "faith", "faith based", "faith based organisation", "faith based organization",
            "fbo", "religious", "religious organisation", "religious organization", "church",
            "mosque", "synagogue", "temple", "confessionnelle", "organisation confessionnelle",
            "eglise", "mosquee", "religieuse", "igreja", "mesquita", "religiosa",
            "organizacao religiosa", "iglesia", "mezquita", "organizacion religiosa",
            "confesional", "منظمة دينية", "كنيسة", "مسجد", "دينية",
        ),
        Kind.FAITH_BASED,
    ),
    **dict.fromkeys(
        (
            "academic", "academia", "university", "college", "school", "research institute",
            "think tank", "universite", "academique", "universidade", "academico",
            "universidad", "instituto de investigacion", "جامعة", "أكاديمية", "اكاديمية",
            "مؤسسة أكاديمية",
        ),
        Kind.ACADEMIC,
    ),
    **dict.fromkeys(
        (
            "union", "trade union", "trades union", "labour union", "labor union", "syndicat",
            "syndicale", "union syndicale", "sindicato", "sindical", "central sindical",
            "نقابة", "اتحاد نقابي", "نقابة عمالية",
        ),
        Kind.TRADE_UNION,
    ),
    **dict.fromkeys(
        ("foundation", "fondation", "fundacao", "fundacion", "stiftung", "مؤسسة خيرية"),
        Kind.FOUNDATION,
    ),
    **dict.fromkeys(("other", "autre", "outro", "otro", "أخرى", "اخرى", "غير ذلك"), Kind.OTHER),
}  # fmt: skip


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
# Columns past this one are not read: a sheet with a cell in column XFD (16,384) on every row
# must not make rows of 16,384 cells. A real file has six columns and a few notes.
MAX_COLUMNS = 50
# An .xlsx is a zip of XML: its parts may expand to this many times the upload cap, several
# times what a sheet of IMPORT_MAX_ROWS real rows takes; a zip bomb stops here.
XLSX_MAX_EXPANSION = 10
# C0 and C1 control characters (Unicode category Cc). Tabs and line breaks are folded into
# spaces before this is looked for; what remains has no place in a name or an address, and
# PostgreSQL refuses NUL in text outright.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The separators a spreadsheet writes a CSV with, the comma first so that it wins a tie.
CSV_DELIMITERS = (",", ";", "\t")
QUOTED = re.compile(r'"[^"]*"')
# SQL parameters per query: well under SQLite's limit (32,766) and PostgreSQL's (65,535).
LOOKUP_CHUNK = 5000


class ImportFileError(Exception):
    """The file as a whole cannot be read: a missing column, an unknown format, a cap."""


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


@dataclass(frozen=True)
class Table:
    """A file's cells as read: the header row, then every row under it (an empty line is an
    empty tuple, so that row numbers stay those of the spreadsheet)."""

    headers: tuple[Any, ...]
    rows: list[tuple[Any, ...]]


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


# Reading ---------------------------------------------------------------------------------


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


def _folded(table: Mapping[str, str]) -> dict[str, str]:
    return {normalize_name(key): value for key, value in table.items()}


@functools.cache
def _headers() -> dict[str, str]:
    return {**_folded(HEADER_ALIASES), **{column: column for column in COLUMNS}}


def _header(value: Any) -> str:
    heading = normalize_name(str(value or ""))
    return _headers().get(heading, heading)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# Checking --------------------------------------------------------------------------------


@functools.cache
def _countries_by_name() -> dict[str, str]:
    """Country names in every language of the site (English last, so that it wins should two
    languages ever give one name to two countries), then the short forms people use."""
    names: dict[str, str] = {}
    languages = [code for code, _name in settings.LANGUAGES if code != "en"] + ["en"]
    for language in languages:
        with translation.override(language):
            names.update((normalize_name(str(name)), code) for code, name in countries)
    return {**names, **_folded(COUNTRY_ALIASES)}


# A file names the same few dozen countries thousands of times.
@functools.lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """An ISO 3166-1 code (alpha-2 or alpha-3) or a country's name in one of the site's
    languages ("Brasil", "Côte d'Ivoire", "USA"), as alpha-2."""
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
    """The types' labels in every language of the site, their codes, and the synonyms."""
    labels: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.update(
                (normalize_name(str(label)), code) for code, label in Organization.Kind.choices
            )
    return {
        **labels,
        **{normalize_name(code): code for code in Organization.Kind.values},
        **_folded(KIND_SYNONYMS),
    }


def kind_code(value: str) -> str | None:
    """The type a cell names, case, accents and punctuation aside; NGO when it is empty,
    None when it names none of them."""
    if not value:
        return Organization.Kind.NGO
    return _kinds().get(normalize_name(value))


_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


def _website(value: str) -> str | None:
    if not value:
        return ""
    url = value if "://" in value else f"https://{value}"
    try:
        _url_validator(url)
    except ValidationError:
        return None
    return url


def _email(value: str) -> str | None:
    try:
        _email_validator(value)
    except ValidationError:
        return None
    return User.objects.normalize_email(value).lower()


def _too_long(limit: int) -> str:
    return _("Longer than %(limit)d characters.") % {"limit": limit}


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

    def check(column: str, message: str) -> None:
        errors.setdefault(column, []).append(message)

    name = clean.get("organization")
    if name is not None:
        if not name:
            check("organization", _("The organisation's name is missing."))
        elif not normalize_name(name):
            check("organization", _("The organisation's name has no letters or digits."))
        elif len(name) > MAX_LENGTHS["organization"]:
            check("organization", _too_long(MAX_LENGTHS["organization"]))
    city = clean.get("city")
    if city is not None and len(city) > MAX_LENGTHS["city"]:
        check("city", _too_long(MAX_LENGTHS["city"]))

    country = None
    if "country" in clean:
        country = country_code(clean["country"])
        if country is None:
            check(
                "country",
                _(
                    "Unknown country “%(value)s”: use an ISO code such as FR or FRA, or the "
                    "country's name in English, French, Spanish, Portuguese or Arabic."
                )
                % {"value": clean["country"]}
                if clean["country"]
                else _("The country is missing."),
            )

    email = None
    if "email" in clean:
        email = _email(clean["email"])
        if email is None:
            check(
                "email",
                _("“%(value)s” is not an email address.") % {"value": clean["email"]}
                if clean["email"]
                else _("The email address is missing: it is how the organisation is recognised."),
            )
        elif len(email) > MAX_LENGTHS["email"]:
            check("email", _too_long(MAX_LENGTHS["email"]))

    website = None
    if "website" in clean:
        website = _website(clean["website"])
        if website is None:
            check(
                "website", _("“%(value)s” is not a website address.") % {"value": clean["website"]}
            )
        elif len(website) > MAX_LENGTHS["website"]:
            # Counted with the https:// that a bare address gets.
            check("website", _too_long(MAX_LENGTHS["website"]))

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
    assert name and country and email and website is not None and city is not None
    return OfflineSignatory(
        name=name,
        country=country,
        city=city,
        website=website,
        email=email,
        kind=kind,
        unknown_type=unknown_type,
    )


def parse_table(table: Table) -> ParsedFile:
    """Check every row, so that a refused file names all its bad rows at once."""
    headers = [_header(heading) for heading in table.headers]
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


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == LOOKUP_CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _check_accounts(parsed: ParsedFile) -> None:
    """An address that belongs to an account without an organisation (a staff member's) cannot
    become an organisation's."""
    emails = {row.email for row in parsed.rows.values()}
    taken: set[str] = set()
    for batch in _chunks(emails):
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


# Matching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnRecord:
    """An organisation already on record, as the import sees it."""

    pk: int
    user_id: int
    name: str
    email: str
    normalized_name: str
    country: str
    # Whether a row with its address may be matched to it (see `_trusted`).
    trusted: bool
    # Whether an import made it: only then may a row with another address be matched to it by
    # its name and country (see `plan_import`).
    created_by_import: bool
    # Its endorsement of the letter being imported, "" if none.
    endorsement_status: str

    @property
    def endorsement_status_label(self) -> str:
        return str(Endorsement.Status(self.endorsement_status).label)


@dataclass
class Records:
    """The organisations a file's rows may stand for, found in a few queries for all rows."""

    by_email: dict[str, OnRecord] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[OnRecord]] = field(default_factory=dict)


def _trusted(*, verified: bool, created_by_import: bool, staff: bool) -> bool:
    """Whether a row of a file with this organisation's address may be matched to it.

    An online sign-up whose address nobody confirmed is only what someone typed: anyone can
    sign with victim@ngo.org and a name and website of their choosing. Matching a file's row
    to it would hand the staff's offline signature to that record. Organisations made by an
    import never confirm an address either, but staff vouched for their file: a second
    import of the same file must find them. An import makes the organisation and its first
    endorsement together, marked `imported`, while a sign-up's first endorsement never is;
    that first endorsement tells the two apart, with no field of its own.

    A row with another address needs more than this (see `plan_import`): confirming an
    address proves who owns that address, not which organisation its owner is."""
    return verified or created_by_import or staff


def _candidates(condition: Q) -> list[tuple[Any, ...]]:
    return list(
        Organization.objects.annotate(email_lower=Lower("user__email"))
        .filter(condition)
        .order_by("pk")
        .values_list(
            "pk", "user_id", "name", "email_lower", "normalized_name", "country", "user__is_staff"
        )
    )


def _on_record(letter: Letter, candidates: list[tuple[Any, ...]]) -> dict[int, OnRecord]:
    """The candidates with what decides their matching, in plain queries by primary key.
    (Folded into the candidates' query as subqueries, the planner's estimates had PostgreSQL
    compile it with JIT: a second per query, for a few milliseconds of work.)"""
    organization_ids = sorted({row[0] for row in candidates})
    user_ids = sorted({row[1] for row in candidates})
    verified: set[int] = set()
    for batch in _chunks(user_ids):
        verified.update(
            EmailAddress.objects.filter(user_id__in=batch, verified=True).values_list(
                "user_id", flat=True
            )
        )
    first: dict[int, tuple[Any, int, bool]] = {}
    status_for_letter: dict[int, str] = {}
    for batch in _chunks(organization_ids):
        endorsements = Endorsement.objects.filter(organization_id__in=batch).values_list(
            "organization_id", "signed_at", "pk", "imported", "letter_id", "status"
        )
        for organization_id, signed_at, pk, imported, letter_id, status in endorsements:
            earliest = first.get(organization_id)
            if earliest is None or (signed_at, pk) < earliest[:2]:
                first[organization_id] = (signed_at, pk, imported)
            if letter_id == letter.pk:
                status_for_letter[organization_id] = status
    made_by_import = {pk for pk, (_signed_at, _pk, by_import) in first.items() if by_import}
    return {
        pk: OnRecord(
            pk=pk,
            user_id=user_id,
            name=name,
            email=email,
            normalized_name=folded,
            country=str(country),
            trusted=_trusted(
                verified=user_id in verified, created_by_import=pk in made_by_import, staff=staff
            ),
            created_by_import=pk in made_by_import,
            endorsement_status=status_for_letter.get(pk, ""),
        )
        for pk, user_id, name, email, folded, country, staff in candidates
    }


def organizations_on_record(*, letter: Letter, signatories: Iterable[OfflineSignatory]) -> Records:
    """Every organisation on record with a row's address, or with a row's name (folded) in
    the row's country: a few queries per few thousand rows, whatever the file's size."""
    signatories = list(signatories)
    emails = {signatory.email for signatory in signatories}
    names = {(signatory.normalized_name, signatory.country) for signatory in signatories}
    by_email: list[tuple[Any, ...]] = []
    for batch in _chunks(emails):
        by_email += _candidates(Q(email_lower__in=batch))
    # An erased organisation's folded name is empty: no row may match it by name.
    by_name: list[tuple[Any, ...]] = []
    for batch in _chunks({name for name, _country in names if name}):
        by_name += [
            row
            for row in _candidates(Q(normalized_name__in=batch))
            if (row[4], str(row[5])) in names
        ]
    on_record = _on_record(letter, by_email + by_name)
    records = Records()
    for row in by_email:
        record = on_record[row[0]]
        records.by_email[record.email] = record
    for row in sorted(by_name):
        record = on_record[row[0]]
        records.by_name.setdefault((record.normalized_name, record.country), []).append(record)
    return records


def identity_keys(signatory: OfflineSignatory) -> tuple[str, tuple[str, str]]:
    return signatory.email, (signatory.normalized_name, signatory.country)


# Planning --------------------------------------------------------------------------------


@dataclass
class PlannedRow:
    """What importing one row would do."""

    signatory: OfflineSignatory
    outcome: str
    skip: bool
    # The organisation on record the endorsement goes to; None for a new organisation.
    organization: OnRecord | None = None
    # An unconfirmed online sign-up that used the row's address: the import sets it aside.
    set_aside: OnRecord | None = None
    # What the moderator should look at before confirming.
    note: str = ""
    # The status the endorsement is written with (none for a skipped row).
    status: str = ""

    @property
    def creates_organization(self) -> bool:
        return not self.skip and self.organization is None

    @property
    def notes(self) -> list[str]:
        """The note and the row's own warnings (an unknown type, a name like a formula)."""
        return [*filter(None, [self.note]), *([] if self.skip else self.signatory.warnings())]


@dataclass(frozen=True)
class PlanCounts:
    new_organizations: int
    existing_organizations: int
    skipped: int
    set_aside: int
    notes: int
    approved: int = 0
    pending: int = 0


def plan_counts(plan: dict[int, PlannedRow]) -> PlanCounts:
    rows = plan.values()
    return PlanCounts(
        new_organizations=sum(row.creates_organization for row in rows),
        existing_organizations=sum(not row.skip and row.organization is not None for row in rows),
        skipped=sum(row.skip for row in rows),
        set_aside=sum(row.set_aside is not None for row in rows),
        notes=sum(bool(row.notes) for row in rows),
        approved=sum(row.status == Endorsement.Status.APPROVED for row in rows),
        pending=sum(row.status == Endorsement.Status.PENDING for row in rows),
    )


def imported_status(letter: Letter, signatory: OfflineSignatory, status: str | None = None) -> str:
    """An imported row follows the letter's moderation, as an online signature does: with
    "review first" it waits for a moderator. A name that looks like a formula always waits.
    `status` forces the others' status (the demo's data)."""
    if signatory.looks_like_formula:
        return Endorsement.Status.PENDING
    if status is not None:
        return status
    if letter.moderation == Letter.Moderation.PUBLISH_ON_VERIFICATION:
        return Endorsement.Status.APPROVED
    return Endorsement.Status.PENDING


def _decided(status: str) -> str:
    if status == Endorsement.Status.APPROVED:
        return _("endorsement approved")
    return _("endorsement awaiting review")


def plan_import(
    *, letter: Letter, rows: dict[int, OfflineSignatory], status: str | None = None
) -> dict[int, PlannedRow]:
    """What importing would do to each valid row: the preview shows it, and the service
    writes exactly this (computing it again once it holds the letter's lock)."""
    records = organizations_on_record(letter=letter, signatories=rows.values())
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

        note = ""
        set_aside = None
        match = records.by_email.get(signatory.email)
        if match is not None and not match.trusted:
            # The file's details win over an unconfirmed online sign-up with this address.
            # That record is set aside rather than merged: nothing its author typed (name,
            # website, comment, other letters) is carried into the organisation staff vouch
            # for, and nothing of it is published.
            set_aside, match = match, None
            note = _(
                "An unconfirmed online sign-up (“%(name)s”) used this address; the file's "
                "details replace it. The sign-up is set aside, unpublished, for review."
            ) % {"name": set_aside.name}
        if match is None:
            same_name = [
                record
                for record in records.by_name.get(name_key, [])
                if set_aside is None or record.pk != set_aside.pk
            ]
            # Only what staff imported before is matched by name and country: anyone can sign
            # online as "Greenpeace Ghana" with an address of their own and confirm it, and
            # the file's signature would then be published with their website. Such a
            # record is left as it is; the row makes an organisation of its own, which the
            # duplicate check flags for a moderator (same name and country).
            match = next((record for record in same_name if record.created_by_import), None)
            if match is None and same_name and not note:
                if same_name[0].trusted:
                    note = _(
                        "An online sign-up with another address has the same name and country "
                        "(“%(name)s”); it is not taken for this organisation: it is left as it "
                        "is, and the new organisation is flagged as a possible duplicate of it."
                    ) % {"name": same_name[0].name}
                else:
                    note = _(
                        "An unconfirmed online sign-up has the same name and country "
                        "(“%(name)s”); it is left as it is, and the new organisation is flagged "
                        "as a possible duplicate of it."
                    ) % {"name": same_name[0].name}
        if match is not None:
            earlier = seen.get(("organization", match.pk))
            if earlier is not None:
                plan[number] = PlannedRow(
                    signatory,
                    _("Same organisation as line %(line)d: skipped.") % {"line": line_of(earlier)},
                    skip=True,
                )
                continue
            seen[("organization", match.pk)] = number
            if match.endorsement_status:
                # Nothing is written for a skipped row, so nothing is set aside either.
                plan[number] = PlannedRow(
                    signatory,
                    _("“%(name)s” already endorsed this letter (%(status)s): skipped.")
                    % {"name": match.name, "status": match.endorsement_status_label},
                    skip=True,
                    organization=match,
                )
                continue
            row_status = imported_status(letter, signatory, status)
            plan[number] = PlannedRow(
                signatory,
                _("Existing organisation “%(name)s”, %(decision)s.")
                % {"name": match.name, "decision": _decided(row_status)},
                skip=False,
                organization=match,
                set_aside=set_aside,
                note=note,
                status=row_status,
            )
            continue
        row_status = imported_status(letter, signatory, status)
        plan[number] = PlannedRow(
            signatory,
            _("New organisation, %(decision)s.") % {"decision": _decided(row_status)},
            skip=False,
            set_aside=set_aside,
            note=note,
            status=row_status,
        )
    return plan


def import_summary_text(summary: ImportSummary) -> str:
    """What an import did, in a sentence for the moderator (the admin and the command)."""
    approved = summary.endorsements_created - summary.pending
    parts = []
    if approved or not summary.pending:
        parts.append(
            ngettext(
                "%(count)d endorsement imported and approved",
                "%(count)d endorsements imported and approved",
                approved,
            )
            % {"count": approved}
        )
    if summary.pending:
        parts.append(
            ngettext(
                "%(count)d endorsement imported, awaiting review",
                "%(count)d endorsements imported, awaiting review",
                summary.pending,
            )
            % {"count": summary.pending}
        )
    created = "; ".join(parts)
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
    text = f"{created} ({organizations}). {skipped}"
    if summary.set_aside:
        text += " " + ngettext(
            "%(count)d unconfirmed online sign-up that used an address of the file was set "
            "aside, unpublished: find it among possible duplicates.",
            "%(count)d unconfirmed online sign-ups that used addresses of the file were set "
            "aside, unpublished: find them among possible duplicates.",
            summary.set_aside,
        ) % {"count": summary.set_aside}
    return text
