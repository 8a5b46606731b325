"""Every list a moderator can produce exports in every format with exactly its rows, in the
printed order (countries by name, organisations by name), on the database CI runs (PostgreSQL):
one country, one continent, one status, one type, held, possible duplicates, a date range, a
search, an empty result and no filter. The public open data narrows to one country the same way.

A database error while a file streams never leaves a file that passes for complete."""

from __future__ import annotations

import csv
import html
import io
import json
import logging
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import openpyxl
import pytest
from django.db import OperationalError
from django.test import Client

from letters.models import Letter
from signatories.exports.staff import SignatoryResource
from signatories.models import Endorsement, Organization

from .factories import EndorsementFactory, LetterFactory, OrganizationFactory
from .helpers import make_moderator

pytestmark = pytest.mark.django_db

EXPORT = "/admin/signatories/endorsement/export/"
CHANGELIST = "/admin/signatories/endorsement/"
FORMATS = {"csv": "0", "xlsx": "1", "json": "2"}
Status = Endorsement.Status
Kind = Organization.Kind
SYRIAN_RELIEF = "جمعية الإغاثة السورية"

# (name, country, status, kind, signed, extra): the whole list in the order it is printed,
# Brazil, Kenya, Senegal, Spain, Switzerland, Syria, and by name within each country.
SIGNATORIES: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
    (
        "Instituto Sou da Paz",
        "BR",
        Status.APPROVED,
        Kind.NGO,
        "2026-03-02",
        {"updates": True, "language": "pt-br"},
    ),
    ("Rede Solidária", "BR", Status.APPROVED, Kind.NETWORK, "2026-03-03", {"language": "pt-br"}),
    (
        "Sindicato dos Trabalhadores",
        "BR",
        Status.APPROVED,
        Kind.TRADE_UNION,
        "2026-01-15",
        {"imported": True},
    ),
    (
        "Kenya Human Rights Commission",
        "KE",
        Status.PENDING,
        Kind.NGO,
        "2026-03-04",
        {"duplicate": True},
    ),
    (
        "Réseau Paix & Justice",
        "SN",
        Status.APPROVED,
        Kind.NETWORK,
        "2026-03-05",
        {"updates": True, "language": "fr"},
    ),
    ("Oxfam Intermón", "ES", Status.REJECTED, Kind.NGO, "2026-03-06", {"language": "es"}),
    ("Amnesty Schweiz", "CH", Status.PENDING, Kind.NGO, "2026-03-07", {"held": True}),
    (
        SYRIAN_RELIEF,
        "SY",
        Status.APPROVED,
        Kind.NGO,
        "2026-03-08",
        {"updates": True, "language": "ar", "imported": True},
    ),
]
ALL = [(name, country) for name, country, *_rest in SIGNATORIES]


def only(*names: str) -> list[tuple[str, str]]:
    return [row for row in ALL if row[0] in names]


def since(day: str) -> str:
    return str(datetime.fromisoformat(day).replace(tzinfo=UTC))


# Each list a moderator can produce: the admin's own query parameters, and what it holds.
LISTS: dict[str, tuple[dict[str, str], list[tuple[str, str]]]] = {
    "no filter": ({"status__exact": "all"}, ALL),
    "one country": (
        {"status__exact": "all", "country": "BR"},
        only("Instituto Sou da Paz", "Rede Solidária", "Sindicato dos Trabalhadores"),
    ),
    "one country, one row": ({"status__exact": "all", "country": "SY"}, only(SYRIAN_RELIEF)),
    "one continent": (
        {"status__exact": "all", "continent": "africa"},
        only("Kenya Human Rights Commission", "Réseau Paix & Justice"),
    ),
    "one status": (
        {"status__exact": "pending"},
        only("Kenya Human Rights Commission", "Amnesty Schweiz"),
    ),
    "one type": (
        {"status__exact": "all", "organization__kind__exact": Kind.NETWORK},
        only("Rede Solidária", "Réseau Paix & Justice"),
    ),
    "held": ({"status__exact": "all", "held": "yes"}, only("Amnesty Schweiz")),
    "possible duplicates": (
        {"status__exact": "all", "organization__possible_duplicate__exact": "1"},
        only("Kenya Human Rights Commission"),
    ),
    "a date range": (
        {
            "status__exact": "all",
            "signed_at__gte": since("2026-01-01"),
            "signed_at__lt": since("2026-02-01"),
        },
        only("Sindicato dos Trabalhadores"),
    ),
    "asked for updates": (
        {"status__exact": "all", "updates": "yes"},
        only("Instituto Sou da Paz", "Réseau Paix & Justice", SYRIAN_RELIEF),
    ),
    "no updates, published": (
        {"status__exact": "approved", "updates": "no"},
        only("Rede Solidária", "Sindicato dos Trabalhadores"),
    ),
    "signed in Portuguese": (
        {"status__exact": "all", "language": "pt-br"},
        only("Instituto Sou da Paz", "Rede Solidária"),
    ),
    "signed in Arabic": ({"status__exact": "all", "language": "ar"}, only(SYRIAN_RELIEF)),
    "no language recorded": (
        {"status__exact": "all", "language": "none"},
        only("Sindicato dos Trabalhadores", "Kenya Human Rights Commission", "Amnesty Schweiz"),
    ),
    "imported from a file": (
        {"status__exact": "all", "source": "imported"},
        only("Sindicato dos Trabalhadores", SYRIAN_RELIEF),
    ),
    "signed online in Brazil": (
        {"status__exact": "all", "source": "online", "country": "BR"},
        only("Instituto Sou da Paz", "Rede Solidária"),
    ),
    "a search": ({"status__exact": "all", "q": "sindicato"}, only("Sindicato dos Trabalhadores")),
    "a search in Arabic": ({"status__exact": "all", "q": "الإغاثة"}, only(SYRIAN_RELIEF)),
    "an empty result": ({"status__exact": "all", "q": "no such organisation"}, []),
}


@pytest.fixture
def coalition(letter: Letter) -> Letter:
    for name, country, status, kind, signed, extra in SIGNATORIES:
        organization = OrganizationFactory(
            name=name,
            country=country,
            kind=kind,
            possible_duplicate=bool(extra.get("duplicate")),
            duplicate_reasons=[{"code": "same-name", "params": {"other": "Another"}}]
            if extra.get("duplicate")
            else [],
        )
        endorsement = EndorsementFactory(letter=letter, organization=organization, status=status)
        Endorsement.objects.filter(pk=endorsement.pk).update(
            signed_at=datetime.fromisoformat(signed).replace(hour=12, tzinfo=UTC),
            approved_at=datetime.fromisoformat(signed).replace(hour=13, tzinfo=UTC)
            if status == Status.APPROVED
            else None,
            held_reasons=[{"code": "over-network-limit", "params": {}}]
            if extra.get("held")
            else [],
            wants_updates=bool(extra.get("updates")),
            language=extra.get("language", ""),
            imported=bool(extra.get("imported")),
        )
    # Another letter's signatory never reaches this letter's list, whatever the filter.
    EndorsementFactory(
        letter=LetterFactory(),
        approved=True,
        organization__name="Rede de Outra Carta",
        organization__country="BR",
    )
    return letter


@pytest.fixture
def moderator_client(client: Client) -> Client:
    client.force_login(make_moderator())
    return client


def query(letter: Letter, params: dict[str, str]) -> str:
    return urlencode({"letter__id__exact": letter.pk, **params})


def rows_of_csv(content: bytes) -> list[tuple[str, str]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Organisation", "Country code"]
    return [(row[0], row[1]) for row in rows[1:]]


def rows_of_xlsx(content: bytes) -> list[tuple[str, str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Organisation", "Country code"]
    return [(row[0], row[1]) for row in values[1:]]


def rows_of_json(content: bytes) -> list[tuple[str, str]]:
    return [(item["organization"], item["country_code"]) for item in json.loads(content)]


def rows_of_workbook(content: bytes) -> list[tuple[str, str]]:
    """The per-country workbook: one sheet per country, named after it, in the list's order."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    rows: list[tuple[str, str]] = []
    for sheet in workbook.worksheets:
        values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        assert {row[2] for row in values} <= {sheet.title}
        rows.extend((row[0], row[1]) for row in values)
    return rows


READERS: dict[str, Callable[[bytes], list[tuple[str, str]]]] = {
    "csv": rows_of_csv,
    "xlsx": rows_of_xlsx,
    "json": rows_of_json,
}


def select_all_matching(letter: Letter) -> dict[str, Any]:
    """The action on "select all N matching": the admin still posts the page's ticked rows."""
    ticked = list(letter.endorsements.values_list("pk", flat=True)[:1])
    return {
        "action": "export_workbook_by_country",
        "select_across": "1",
        "index": "0",
        "_selected_action": ticked,
    }


def export(client: Client, letter: Letter, params: dict[str, str], file_format: str) -> bytes:
    if file_format == "workbook":
        response = client.post(
            f"{CHANGELIST}?{query(letter, params)}",
            select_all_matching(letter),
        )
    else:
        response = client.post(
            f"{EXPORT}?{query(letter, params)}",
            {"format": FORMATS[file_format], "resource": "0"},
        )
    assert response.status_code == 200, response.content[:500]
    assert response.streaming
    return response.getvalue()


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json", "workbook"])
@pytest.mark.parametrize("name", list(LISTS))
def test_every_list_exports_exactly_its_rows_in_the_printed_order(
    moderator_client: Client, coalition: Letter, name: str, file_format: str
) -> None:
    params, expected = LISTS[name]
    content = export(moderator_client, coalition, params, file_format)
    reader = READERS.get(file_format, rows_of_workbook)
    assert reader(content) == expected


@pytest.mark.parametrize("name", list(LISTS))
def test_every_list_shows_exactly_its_rows_in_the_admin(
    moderator_client: Client, coalition: Letter, name: str
) -> None:
    params, expected = LISTS[name]
    response = moderator_client.get(f"{CHANGELIST}?{query(coalition, params)}")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    shown = {signatory for signatory, _country in ALL if signatory in page}
    assert shown == {signatory for signatory, _country in expected}
    assert f"{len(expected)} result" in page or not expected


def test_the_per_country_workbook_names_its_sheets_after_the_countries_in_order(
    moderator_client: Client, coalition: Letter
) -> None:
    content = export(moderator_client, coalition, {"status__exact": "all"}, "workbook")
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == [
        "Brazil",
        "Kenya",
        "Senegal",
        "Spain",
        "Switzerland",
        "Syria",
    ]


def test_an_empty_list_exports_as_headers_alone_in_every_format(
    moderator_client: Client, coalition: Letter
) -> None:
    params = LISTS["an empty result"][0]
    csv_lines = export(moderator_client, coalition, params, "csv").decode("utf-8-sig")
    assert csv_lines.splitlines()[0].startswith("Organisation,Country code,")
    assert len(csv_lines.splitlines()) == 1
    assert json.loads(export(moderator_client, coalition, params, "json")) == []
    workbook = openpyxl.load_workbook(
        io.BytesIO(export(moderator_client, coalition, params, "workbook"))
    )
    assert workbook.sheetnames == ["Signatories"]


# The public open data, narrowed to one country -------------------------------------------


def public_rows(client: Client, letter: Letter, extension: str, **params: str) -> list[str]:
    response = client.get(f"/letters/{letter.slug}/signatories.{extension}?{urlencode(params)}")
    assert response.status_code == 200
    content = response.getvalue()
    if extension == "json":
        return [item["organisation"] for item in json.loads(content)["signatories"]]
    return [row[0] for row in list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]]


@pytest.mark.parametrize("extension", ["csv", "json"])
def test_the_open_data_narrows_to_one_country(
    client: Client, coalition: Letter, extension: str
) -> None:
    # Only approved signatories are public; the other letter's Brazilian one stays out.
    assert sorted(public_rows(client, coalition, extension, country="BR")) == [
        "Instituto Sou da Paz",
        "Rede Solidária",
        "Sindicato dos Trabalhadores",
    ]
    assert public_rows(client, coalition, extension, country="sy") == [SYRIAN_RELIEF]
    assert public_rows(client, coalition, extension, country="KE") == []
    assert len(public_rows(client, coalition, extension)) == 5


@pytest.mark.parametrize("extension", ["csv", "json"])
def test_the_open_data_refuses_a_country_code_that_is_not_one(
    client: Client, coalition: Letter, extension: str
) -> None:
    response = client.get(f"/letters/{coalition.slug}/signatories.{extension}?country=Brasil")
    assert response.status_code == 400
    assert "ISO 3166-1" in response.content.decode()


def test_the_open_data_of_one_country_is_named_after_it(client: Client, coalition: Letter) -> None:
    response = client.get(f"/letters/{coalition.slug}/signatories.csv?country=BR")
    # Closed unread, as a server closes it: its query holds a database cursor until then.
    response.close()
    assert response["Content-Disposition"] == (
        f'attachment; filename="{coalition.slug}-br-signatories.csv"'
    )


# A database error while streaming --------------------------------------------------------


@pytest.fixture
def connection_lost_after_two_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database goes away after the first rows have been sent (a failover, a restart)."""
    real = SignatoryResource.iter_queryset

    def failing(self: SignatoryResource, queryset: Any) -> Iterator[dict[str, Any]]:
        rows = real(self, queryset)
        yield next(rows)
        yield next(rows)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SignatoryResource, "iter_queryset", failing)


def streamed_until_failure(response: Any) -> bytes:
    """What a client received before the server aborted the transfer."""
    received = bytearray()
    with pytest.raises(OperationalError):
        for chunk in response.streaming_content:
            received.extend(chunk)
    return bytes(received)


def start_export(client: Client, letter: Letter, file_format: str) -> Any:
    params = query(letter, {"status__exact": "all"})
    if file_format == "workbook":
        return client.post(
            f"{CHANGELIST}?{params}",
            select_all_matching(letter),
        )
    return client.post(f"{EXPORT}?{params}", {"format": FORMATS[file_format], "resource": "0"})


@pytest.mark.usefixtures("connection_lost_after_two_rows")
def test_a_csv_cut_by_a_database_error_ends_with_a_line_saying_so(
    moderator_client: Client, coalition: Letter, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        received = streamed_until_failure(start_export(moderator_client, coalition, "csv"))
    rows = list(csv.reader(io.StringIO(received.decode("utf-8-sig"))))
    assert rows[0][0] == "Organisation"
    assert rows[-1][0].startswith("EXPORT FAILED: this file is incomplete.")
    assert "Export failed midway" in caplog.text


@pytest.mark.usefixtures("connection_lost_after_two_rows")
def test_a_json_export_cut_by_a_database_error_does_not_parse(
    moderator_client: Client, coalition: Letter
) -> None:
    received = streamed_until_failure(start_export(moderator_client, coalition, "json"))
    assert received.startswith(b"[")
    with pytest.raises(json.JSONDecodeError):
        json.loads(received)


@pytest.mark.parametrize("file_format", ["xlsx", "workbook"])
@pytest.mark.usefixtures("connection_lost_after_two_rows")
def test_a_workbook_cut_by_a_database_error_does_not_open(
    moderator_client: Client, coalition: Letter, file_format: str
) -> None:
    received = streamed_until_failure(start_export(moderator_client, coalition, file_format))
    with pytest.raises(zipfile.BadZipFile):
        openpyxl.load_workbook(io.BytesIO(received))


def test_a_database_error_before_the_first_byte_gives_a_message_not_a_file(
    moderator_client: Client, coalition: Letter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(self: SignatoryResource, queryset: Any) -> Iterator[dict[str, Any]]:
        raise OperationalError("the database system is starting up")
        yield {}

    monkeypatch.setattr(SignatoryResource, "iter_queryset", unavailable)
    for file_format in ("csv", "xlsx", "json", "workbook"):
        response = start_export(moderator_client, coalition, file_format)
        assert response.status_code == 302, file_format
        assert response["Location"].startswith(CHANGELIST)
        page = moderator_client.get(response["Location"]).content.decode()
        assert "The export failed and nothing was downloaded." in page


def test_the_public_csv_cut_by_a_database_error_ends_with_a_line_saying_so(
    client: Client, coalition: Letter, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signatories.exports import public

    real = public._open_data_items

    def failing(rows: Iterator[tuple[Any, ...]]) -> Iterator[dict[str, str]]:
        yield next(real(rows))
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(public, "_open_data_items", failing)
    response = client.get(f"/letters/{coalition.slug}/signatories.csv")
    received = streamed_until_failure(response)
    rows = list(csv.reader(io.StringIO(received.decode("utf-8-sig"))))
    assert rows[-1][0].startswith("EXPORT FAILED: this file is incomplete.")
