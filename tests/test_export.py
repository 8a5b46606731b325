"""The signatory list as the coalition receives it: the admin's export honours the list's
filters, is sorted by country then name, comes as CSV, XLSX or JSON, the selection as a
workbook with one sheet per country, with formula-like cells neutralised everywhere."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from letters.models import Letter
from signatories.models import Endorsement, User

from .factories import EndorsementFactory, OrganizationFactory
from .helpers import make_moderator

pytestmark = pytest.mark.django_db

EXPORT = "/admin/signatories/endorsement/export/"
CHANGELIST = "/admin/signatories/endorsement/"
CSV_FORMAT, XLSX_FORMAT, JSON_FORMAT = "0", "1", "2"
HEADERS = [
    "Organisation",
    "Country code",
    "Country",
    "Continent",
    "City",
    "Website",
    "Type",
    "Contact name",
    "Contact email",
    "Status",
    "Comment",
    "Date signed",
    "Date approved",
    "Language signed in",
    "Wants updates",
]
FORMULA = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def moderator_client(client: Client) -> Client:
    client.force_login(make_moderator())
    return client


def signatory(letter: Letter, name: str, country: str, **organization: object) -> Endorsement:
    return EndorsementFactory(
        letter=letter,
        approved=True,
        organization=OrganizationFactory(name=name, country=country, **organization),
    )


def export(client: Client, file_format: str, **filters: str) -> bytes:
    query = "&".join(f"{key}={value}" for key, value in {"status__exact": "all", **filters}.items())
    response = client.post(f"{EXPORT}?{query}", {"format": file_format, "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    return response.getvalue()


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def world(letter: Letter) -> Letter:
    """Signatories in Switzerland, Germany and Spain: the ISO codes (CH, DE, ES) sort in
    another order than the names (Germany, Spain, Switzerland)."""
    for name, country in [
        ("Zeitgeist Verein", "DE"),
        ("Amnesty Schweiz", "CH"),
        ("Brot für die Welt", "DE"),
        ("Oxfam Intermón", "ES"),
        ("Ärzte ohne Grenzen", "DE"),
        ("Caritas España", "ES"),
    ]:
        signatory(letter, name, country)
    return letter


def test_filtering_by_country_then_exporting_gives_exactly_that_country(
    moderator_client: Client, world: Letter
) -> None:
    rows = csv_rows(export(moderator_client, CSV_FORMAT, country="DE"))
    assert rows[0] == HEADERS
    assert [row[1] for row in rows[1:]] == ["DE", "DE", "DE"]
    assert [row[0] for row in rows[1:]] == [
        "Ärzte ohne Grenzen",
        "Brot für die Welt",
        "Zeitgeist Verein",
    ]


def test_the_export_holds_only_what_the_list_shows(moderator_client: Client, world: Letter) -> None:
    EndorsementFactory(letter=world, organization__name="Still Pending", organization__country="DE")
    EndorsementFactory(organization__name="Other Letter", approved=True)
    rows = csv_rows(export(moderator_client, CSV_FORMAT, letter__id__exact=str(world.pk)))
    names = [row[0] for row in rows[1:]]
    assert "Still Pending" in names
    assert "Other Letter" not in names
    only_pending = csv_rows(export(moderator_client, CSV_FORMAT, status__exact="pending"))
    assert [row[0] for row in only_pending[1:]] == ["Still Pending"]


def test_rows_are_sorted_by_country_name_then_organisation_name(
    moderator_client: Client, world: Letter
) -> None:
    rows = csv_rows(export(moderator_client, CSV_FORMAT))
    assert [(row[2], row[0]) for row in rows[1:]] == [
        ("Germany", "Ärzte ohne Grenzen"),
        ("Germany", "Brot für die Welt"),
        ("Germany", "Zeitgeist Verein"),
        ("Spain", "Caritas España"),
        ("Spain", "Oxfam Intermón"),
        ("Switzerland", "Amnesty Schweiz"),
    ]


def test_each_row_carries_the_columns_the_coalition_asked_for(
    moderator_client: Client, letter: Letter
) -> None:
    endorsement = signatory(
        letter, "Réseau Paix & Justice", "SN", city="Dakar", contact_name="Awa Diop"
    )
    Endorsement.objects.filter(pk=endorsement.pk).update(comment="Solidarité !")
    endorsement.refresh_from_db()
    rows = csv_rows(export(moderator_client, CSV_FORMAT))
    assert dict(zip(HEADERS, rows[1], strict=True)) == {
        "Organisation": "Réseau Paix & Justice",
        "Country code": "SN",
        "Country": "Senegal",
        "Continent": "Africa",
        "City": "Dakar",
        "Website": endorsement.organization.website,
        "Type": "NGO",
        "Contact name": "Awa Diop",
        "Contact email": endorsement.organization.email,
        "Status": "Published",
        "Comment": "Solidarité !",
        "Date signed": endorsement.signed_at.date().isoformat(),
        "Date approved": endorsement.approved_at.date().isoformat(),
        "Language signed in": "",
        "Wants updates": "No",
    }


def test_the_export_streams_rather_than_building_the_file_in_memory(
    moderator_client: Client, world: Letter
) -> None:
    response = moderator_client.post(f"{EXPORT}?status__exact=all", {"format": CSV_FORMAT})
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="signatories-all-')
    # Closed unread, as a server closes it: its query holds a database cursor until then.
    response.close()


def test_exports_stream_the_same_rows_without_server_side_cursors(
    moderator_client: Client, world: Letter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind PgBouncer in transaction mode (DATABASE_DISABLE_SERVER_SIDE_CURSORS)."""
    from django.db import connection

    with_cursors = export(moderator_client, CSV_FORMAT)
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    assert export(moderator_client, CSV_FORMAT) == with_cursors
    assert with_cursors.count(b"\n") == 7  # the headers and six signatories


def test_xlsx_and_json_hold_the_same_rows(moderator_client: Client, world: Letter) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(export(moderator_client, XLSX_FORMAT)))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    assert [row[0] for row in values[1:4]] == [
        "Ärzte ohne Grenzen",
        "Brot für die Welt",
        "Zeitgeist Verein",
    ]
    signed = Endorsement.objects.get(organization__name="Ärzte ohne Grenzen").signed_at
    assert values[1][11].date() == signed.date()
    items = json.loads(export(moderator_client, JSON_FORMAT))
    assert len(items) == 6
    assert items[0]["organization"] == "Ärzte ohne Grenzen"
    assert items[0]["country_code"] == "DE"
    assert set(items[0]) == {
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
    }


def test_the_selection_exports_as_a_workbook_with_one_sheet_per_country(
    moderator_client: Client, world: Letter
) -> None:
    chosen = Endorsement.objects.exclude(organization__name="Caritas España")
    response = moderator_client.post(
        f"{CHANGELIST}?status__exact=all",
        {"action": "export_workbook_by_country", "_selected_action": [e.pk for e in chosen]},
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    assert workbook.sheetnames == ["Germany", "Spain", "Switzerland"]
    spain = [[cell.value for cell in row] for row in workbook["Spain"].iter_rows()]
    assert spain[0] == HEADERS
    assert [row[0] for row in spain[1:]] == ["Oxfam Intermón"]
    germany = [row[0].value for row in workbook["Germany"].iter_rows(min_row=2)]
    assert germany == ["Ärzte ohne Grenzen", "Brot für die Welt", "Zeitgeist Verein"]


def test_long_country_names_still_make_valid_sheet_names(
    moderator_client: Client, letter: Letter
) -> None:
    signatory(letter, "Island Network", "BQ")  # "Bonaire, Sint Eustatius and Saba": 32 characters
    signatory(letter, "Peninsula Network", "KR")
    response = moderator_client.post(
        f"{CHANGELIST}?status__exact=all",
        {
            "action": "export_workbook_by_country",
            "_selected_action": list(Endorsement.objects.values_list("pk", flat=True)),
        },
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    assert all(len(name) <= 31 for name in workbook.sheetnames)
    assert len(workbook.sheetnames) == 2


@pytest.fixture
def booby_trapped(letter: Letter) -> Endorsement:
    endorsement = signatory(letter, FORMULA, "FR", city="+33 Lyon", contact_name="-2+3")
    Endorsement.objects.filter(pk=endorsement.pk).update(comment="@SUM(A1:A9)")
    signatory(letter, "\tTabbed Org", "FR", city="\rReturn")
    return endorsement


def test_formula_like_cells_are_neutralised_in_csv_and_carried_as_they_are_in_json(
    moderator_client: Client, booby_trapped: Endorsement
) -> None:
    rows = csv_rows(export(moderator_client, CSV_FORMAT))
    trapped = next(row for row in rows if "HYPERLINK" in row[0])
    assert trapped[0] == "'" + FORMULA
    assert trapped[4] == "'+33 Lyon"
    assert trapped[7] == "'-2+3"
    assert trapped[10] == "'@SUM(A1:A9)"
    tabbed = next(row for row in rows if "Tabbed" in row[0])
    assert tabbed[0] == "'\tTabbed Org"
    assert tabbed[4] == "'\rReturn"
    # JSON is read by programs, never run by a spreadsheet: a prefix would only corrupt it.
    items = json.loads(export(moderator_client, JSON_FORMAT))
    assert {item["organization"] for item in items} == {FORMULA, "\tTabbed Org"}
    assert not any(
        value.startswith("'") for item in items for value in item.values() if isinstance(value, str)
    )


def test_the_staff_csv_neutralises_a_formula_after_a_semicolon_and_full_width_forms(
    moderator_client: Client, letter: Letter
) -> None:
    signatory(letter, "\uff1dHYPERLINK(A1)", "FR", city="Lyon;=1+1", contact_name="\uff20A1")
    content = export(moderator_client, CSV_FORMAT)
    [_, row] = csv_rows(content)
    assert (row[0], row[4], row[7]) == ("'\uff1dHYPERLINK(A1)", "Lyon;'=1+1", "'\uff20A1")
    # As Excel in a semicolon locale splits the line: the cell after "Lyon" is text.
    [_, split] = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    assert split[1].startswith("'=1+1")
    # The workbook carries the value as it was typed (cells there are never evaluated).
    sheet = openpyxl.load_workbook(io.BytesIO(export(moderator_client, XLSX_FORMAT))).active
    assert sheet["E2"].value == "Lyon;=1+1"


def test_formula_like_cells_stay_text_in_workbooks(
    moderator_client: Client, booby_trapped: Endorsement
) -> None:
    single = openpyxl.load_workbook(io.BytesIO(export(moderator_client, XLSX_FORMAT)))
    by_country = openpyxl.load_workbook(
        io.BytesIO(
            moderator_client.post(
                f"{CHANGELIST}?status__exact=all",
                {
                    "action": "export_workbook_by_country",
                    "_selected_action": list(Endorsement.objects.values_list("pk", flat=True)),
                },
            ).getvalue()
        )
    )
    for sheet in (single.active, by_country["France"]):
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
        assert not any(cell.data_type == "f" for cell in cells)
        # Inline strings are never evaluated: the name is carried exactly, with no stray "'".
        names = {row[0].value for row in sheet.iter_rows(min_row=2)}
        assert FORMULA in names


def test_only_staff_with_the_export_permission_may_export(client: Client, world: Letter) -> None:
    reviewer = User.objects.create_user(email="reviewer@x.org", password="x" * 20, is_staff=True)
    reviewer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_endorsement", "change_endorsement"])
    )
    client.force_login(reviewer)
    listing = client.get(f"{CHANGELIST}?status__exact=all").content.decode()
    assert "export_link" not in listing
    assert "export_workbook_by_country" not in listing
    assert client.post(EXPORT, {"format": CSV_FORMAT}).status_code == 403
    response = client.post(
        CHANGELIST,
        {
            "action": "export_workbook_by_country",
            "_selected_action": list(Endorsement.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    client.force_login(world.endorsements.first().organization.user)
    assert client.post(EXPORT, {"format": CSV_FORMAT})["Location"].startswith("/admin/login/")


def test_an_exports_file_is_named_after_its_filters(
    moderator_client: Client, world: Letter
) -> None:
    from django.utils import timezone

    today = f"{timezone.localdate():%Y-%m-%d}"
    response = moderator_client.post(
        f"{EXPORT}?status__exact=all&country=BR", {"format": CSV_FORMAT}
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="signatories-br-all-{today}.csv"'
    )
    b"".join(response.streaming_content)  # read to the end, as a browser does
    response = moderator_client.post(EXPORT, {"format": CSV_FORMAT})
    assert response["Content-Disposition"] == f'attachment; filename="signatories-{today}.csv"'
    b"".join(response.streaming_content)
