"""The open data files: the public fields of published, listed signatories, safe to open in a
spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from coalition.spreadsheets import FORMULA_TRIGGERS, neutralize_formula
from letters.models import Letter
from signatories.models import Endorsement, Organization

from .factories import EndorsementFactory, LetterFactory

pytestmark = pytest.mark.django_db

FIELDS = [
    "organisation",
    "country_code",
    "country_name",
    "city",
    "website",
    "type",
    "date_signed",
]


def csv_rows(client: Client, letter: Letter) -> list[dict[str, str]]:
    response = client.get(f"/letters/{letter.slug}/signatories.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == FIELDS
    return list(reader)


def json_rows(client: Client, letter: Letter) -> list[dict[str, str]]:
    response = client.get(f"/letters/{letter.slug}/signatories.json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))["signatories"]


@pytest.fixture
def signatory(letter: Letter) -> Endorsement:
    endorsement = EndorsementFactory(
        letter=letter,
        approved=True,
        comment="A private word to the moderators",
        organization__name="Médecins pour la Paix",
        organization__country="CI",
        organization__city="Abidjan",
        organization__website="https://medecins-paix.example.org",
        organization__kind=Organization.Kind.FOUNDATION,
        organization__contact_name="Awa Kouassi",
        organization__description="Not for the open data",
        organization__user__email="awa@medecins-paix.example.org",
    )
    Endorsement.objects.filter(pk=endorsement.pk).update(
        signed_at=datetime(2025, 3, 4, 22, 30, tzinfo=UTC)
    )
    return endorsement


EXPECTED = {
    "organisation": "Médecins pour la Paix",
    "country_code": "CI",
    "country_name": "Côte d'Ivoire",
    "city": "Abidjan",
    "website": "https://medecins-paix.example.org",
    "type": "foundation",
    "date_signed": "2025-03-04",
}


def test_csv_has_the_public_fields_of_each_signatory(
    client: Client, letter: Letter, signatory: Endorsement
) -> None:
    assert csv_rows(client, letter) == [EXPECTED]


def test_json_has_the_same_public_fields(
    client: Client, letter: Letter, signatory: Endorsement
) -> None:
    response = client.get(f"/letters/{letter.slug}/signatories.json")
    assert response.streaming
    assert response["Content-Type"] == "application/json"
    data = json.loads(b"".join(response.streaming_content))
    assert data["letter"] == {
        "slug": letter.slug,
        "title": letter.title,
        "url": f"http://testserver/letters/{letter.slug}/",
    }
    assert data["signatories"] == [EXPECTED]
    assert "generated_at" in data
    assert data["country"] is None


@pytest.mark.parametrize("path", ["signatories.csv", "signatories.json"])
def test_open_data_never_contains_private_fields(
    client: Client, letter: Letter, signatory: Endorsement, path: str
) -> None:
    response = client.get(f"/letters/{letter.slug}/{path}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    assert "Médecins pour la Paix" in text
    for private in ["awa@", "Awa Kouassi", "Not for the open data", "private word"]:
        assert private not in text


def test_only_approved_and_listed_signatories_are_published(client: Client, letter: Letter) -> None:
    EndorsementFactory(letter=letter, approved=True, organization__name="Published Org")
    EndorsementFactory(letter=letter, approved=True, listed_publicly=False,
                       organization__name="Unlisted Org")  # fmt: skip
    for status in ["unverified", "pending", "rejected", "withdrawn"]:
        EndorsementFactory(letter=letter, status=status, organization__name=f"{status} Org")
    EndorsementFactory(approved=True, organization__name="Other Letter Org")
    assert [row["organisation"] for row in csv_rows(client, letter)] == ["Published Org"]
    assert [row["organisation"] for row in json_rows(client, letter)] == ["Published Org"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('=HYPERLINK("https://evil.example","click")', "'=HYPERLINK"),
        ("+33 Collective", "'+33"),
        ("-minus Network", "'-minus"),
        ("@SUM(A1:A2)", "'@SUM"),
        ("\tTabbed Org", "'\tTabbed"),
        ("\rReturn Org", "'\rReturn"),
        ("Plain Org", "Plain"),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_start_with_an_apostrophe(
    client: Client, letter: Letter, name: str, expected: str
) -> None:
    EndorsementFactory(letter=letter, approved=True, organization__name=name,
                       organization__city="=1+1")  # fmt: skip
    [row] = csv_rows(client, letter)
    assert row["organisation"].startswith(expected)
    assert row["organisation"][-3:] == name[-3:]
    assert row["city"] == "'=1+1"
    assert json_rows(client, letter)[0]["organisation"] == name  # JSON is data, not a sheet


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd", "'=cmd"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\uff0b41 22", "'\uff0b41 22"),
        ("Peace;=1+1", "Peace;'=1+1"),
        ("Peace;  -1", "Peace;  '-1"),
        ("=1;=2", "'=1;'=2"),
        ("+41 22 733 00 00", "'+41 22 733 00 00"),
        ("", ""),
        ("a=b", "a=b"),
        ("Friends & Allies", "Friends & Allies"),
        ("Peace; Justice, Dignity", "Peace; Justice, Dignity"),
        ("Health - Education", "Health - Education"),
    ],
)
def test_neutralize_formula(value: str, expected: str) -> None:
    assert neutralize_formula(value) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Peace;=1+1",
        'Peace; =HYPERLINK("https://evil.example")',
        "Peace\t@SUM(A1:A9)",
        "Peace,+1",
        "\uff1d1+1",
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1:A9)",
    ],
)
def test_a_formula_after_a_separator_or_in_full_width_stays_text_in_any_locale(
    client: Client, letter: Letter, name: str
) -> None:
    EndorsementFactory(letter=letter, approved=True, organization__name=name)
    response = client.get(f"/letters/{letter.slug}/signatories.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    # A spreadsheet set to semicolons (Excel in French, Portuguese, Spanish) or tabs splits
    # the file on those: no cell it makes may start with a formula, spaces trimmed or not.
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            for cell in row:
                assert not cell.lstrip(" ").startswith(FORMULA_TRIGGERS), (delimiter, cell)
    [row] = csv.DictReader(io.StringIO(text))
    assert row["organisation"].replace("'", "") == name.replace("'", "")


def test_csv_is_streamed_as_a_named_download_open_to_any_site(
    client: Client, letter: Letter, signatory: Endorsement
) -> None:
    response = client.get(f"/letters/{letter.slug}/signatories.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="{letter.slug}-signatories.csv"'
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    # Closed unread, as a server closes it: its query holds a database cursor until then.
    response.close()


def test_open_data_of_a_draft_letter_does_not_exist(client: Client) -> None:
    draft = LetterFactory(status=Letter.Status.DRAFT)
    EndorsementFactory(letter=draft, approved=True)
    assert client.get(f"/letters/{draft.slug}/signatories.csv").status_code == 404
    assert client.get(f"/letters/{draft.slug}/signatories.json").status_code == 404


def test_open_data_costs_the_same_queries_however_many_signatories(
    client: Client, django_assert_num_queries: Callable
) -> None:
    few, many = LetterFactory(), LetterFactory()
    EndorsementFactory.create_batch(2, letter=few, approved=True)
    EndorsementFactory.create_batch(30, letter=many, approved=True)
    for letter in (few, many):
        with django_assert_num_queries(2):
            assert len(csv_rows(client, letter)) in (2, 30)
        with django_assert_num_queries(2):
            assert len(json_rows(client, letter)) in (2, 30)


def test_the_csv_reads_arabic_intact_with_or_without_a_bom_aware_reader(
    client: Client, letter: Letter
) -> None:
    EndorsementFactory(
        letter=letter, approved=True, organization__name="جمعية الإغاثة السورية",
        organization__country="SY", organization__city="حلب",
    )  # fmt: skip
    response = client.get(f"/letters/{letter.slug}/signatories.csv")
    raw = b"".join(response.streaming_content)
    # Excel needs the byte order mark to take the file for UTF-8.
    assert raw.startswith("\ufeff".encode())
    for encoding in ("utf-8", "utf-8-sig"):
        rows = list(csv.reader(io.StringIO(raw.decode(encoding))))
        assert rows[1][0] == "جمعية الإغاثة السورية"
        assert rows[1][3] == "حلب"
    assert next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[0] == "organisation"


def test_no_json_value_starts_with_a_stray_apostrophe(client: Client, letter: Letter) -> None:
    EndorsementFactory(
        letter=letter, approved=True, organization__name="=HYPERLINK(1)",
        organization__city="+33 Lyon", organization__website="",
    )  # fmt: skip
    [row] = json_rows(client, letter)
    assert row["organisation"] == "=HYPERLINK(1)"
    assert row["city"] == "+33 Lyon"
    assert not any(value.startswith("'") for value in row.values())
