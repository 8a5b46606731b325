"""Signatures collected offline: a file of hundreds of organisations from dozens of countries is
imported by the command and in the admin; a second import adds nothing; a bad file writes
nothing and names every bad line."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from letters.models import Letter
from signatories.counts import signatory_count
from signatories.models import Endorsement, EndorsementEvent, Organization, OutgoingMail, User

from .factories import EndorsementFactory, OrganizationFactory
from .helpers import make_moderator

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]
COLUMNS = ["organization", "country", "city", "website", "email", "type"]
IMPORT = "/admin/signatories/endorsement/import/"
PROCESS = "/admin/signatories/endorsement/process_import/"
# Countries as a coalition's spreadsheet gives them: ISO codes, alpha-3 codes, English names.
COUNTRIES = [
    "FR", "Senegal", "BRA", "Kenya", "india", "DE", "Lebanon", "MX", "Philippines", "ZA",
    "Côte d'Ivoire", "Egypt", "ARG", "Colombia", "Peru", "Chile", "Bolivia", "Tunisia", "Morocco",
    "Jordan", "Palestine", "Iraq", "Nepal", "Bangladesh", "Indonesia", "Viet Nam", "JP",
    "South Korea", "Australia", "New Zealand", "Fiji", "Canada", "United States", "UK", "Ireland",
    "Norway",
    "Sweden", "Poland", "Ukraine", "Türkiye", "Nigeria", "Ghana",
]  # fmt: skip
NAMES = [
    "Friends & Allies of {n}",
    "Médecins pour la Paix {n}",
    "جمعية حقوق الإنسان {n}",
    "<b>Bold</b> Coalition {n}",
    "<script>alert({n})</script> Watch",
    '=HYPERLINK("http://evil.example","{n}")',
    "@Mention Network {n}",
    "Ženske Inicijative & Co {n}",
    "Syndicat des Travailleurs·euses {n}",
    "Fundación Ñandú {n}",
]
TYPES = ["NGO", "ngo", "Trade union", "Faith-based organisation", "network", "", "Foundation"]


def offline_rows(count: int = 300) -> list[dict[str, str]]:
    return [
        {
            "organization": NAMES[n % len(NAMES)].format(n=n),
            "country": COUNTRIES[n % len(COUNTRIES)],
            "city": ["Dakar", "São Paulo", "بيروت", ""][n % 4],
            "website": [f"https://org{n}.example.org", f"www.org{n}.example.net", ""][n % 3],
            "email": f"Contact{n}@Org{n}.example.org",
            "type": TYPES[n % len(TYPES)],
        }
        for n in range(count)
    ]


def csv_file(rows: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def xlsx_bytes(rows: list[dict[str, str]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row[column] for column in COLUMNS])
        for cell in sheet[sheet.max_row]:
            # As Excel keeps a cell typed as '=text: a string, not a formula.
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_command(letter: Letter, path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_signatories", "--letter", letter.slug, str(path), *args, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def test_the_command_imports_hundreds_of_organisations_from_dozens_of_countries(
    letter: Letter, tmp_path: Path, on_commit: OnCommit, mailoutbox
) -> None:
    rows = offline_rows(300)
    with on_commit():
        out, _err = import_command(letter, csv_file(rows, tmp_path / "offline.csv"))

    assert "300 endorsements imported and approved (300 new organisations)" in out
    endorsements = Endorsement.objects.filter(letter=letter)
    assert endorsements.count() == 300
    assert set(endorsements.values_list("status", "imported").distinct()) == {("approved", True)}
    assert len(set(endorsements.values_list("organization__country", flat=True))) == 42
    stored = set(Organization.objects.values_list("name", flat=True))
    assert {row["organization"] for row in rows} == stored
    assert "جمعية حقوق الإنسان 2" in stored
    assert "<script>alert(4)</script> Watch" in stored
    assert '=HYPERLINK("http://evil.example","5")' in stored
    lebanese = Organization.objects.get(name="Friends & Allies of 90")
    assert (lebanese.country.code, lebanese.website) == ("LB", "https://org90.example.org")
    assert Organization.objects.get(name="Médecins pour la Paix 31").website == (
        "https://www.org31.example.net"
    )
    assert User.objects.get(email="contact0@org0.example.org").organization.kind == "ngo"
    assert Organization.objects.get(name="Syndicat des Travailleurs·euses 38").kind == "faith_based"
    events = EndorsementEvent.objects.filter(endorsement__letter=letter)
    assert set(events.values_list("actor", "actor_label", "to_status")) == {
        (None, "import", "approved")
    }
    assert OutgoingMail.objects.count() == 0
    assert mailoutbox == []
    assert signatory_count(letter)["signatories"] == 300


def test_importing_the_same_file_twice_adds_nothing(
    letter: Letter, tmp_path: Path, on_commit: OnCommit
) -> None:
    path = csv_file(offline_rows(120), tmp_path / "offline.csv")
    with on_commit():
        import_command(letter, path)
        out, _err = import_command(letter, path)
    assert "0 endorsements imported and approved (0 new organisations). 120 rows skipped" in out
    assert Endorsement.objects.count() == 120
    assert Organization.objects.count() == 120
    assert EndorsementEvent.objects.count() == 120


def test_rows_are_matched_to_organisations_already_on_record(
    letter: Letter, tmp_path: Path, on_commit: OnCommit
) -> None:
    known_by_email = OrganizationFactory(name="Amnesty International", user__email="info@ai.org")
    known_by_name = OrganizationFactory(name="Médecins du Monde", country="FR")
    already = EndorsementFactory(letter=letter, organization__name="Already Signed")
    rows = [
        {**offline_rows(1)[0], "organization": "Amnesty Intl.", "email": "INFO@ai.org"},
        {
            **offline_rows(1)[0],
            "organization": "MEDECINS  DU MONDE",
            "country": "France",
            "email": "other@mdm.example",
        },
        {
            **offline_rows(1)[0],
            "organization": "Already Signed",
            "email": already.organization.email,
        },
        {**offline_rows(1)[0], "organization": "Same Twice", "email": "twice@x.org"},
        {**offline_rows(1)[0], "organization": "Same Twice", "email": "TWICE@x.org"},
    ]
    with on_commit():
        out, _err = import_command(letter, csv_file(rows, tmp_path / "offline.csv"))
    assert "3 endorsements imported and approved (1 new organisation). 2 rows skipped" in out
    assert Organization.objects.count() == 4
    assert known_by_email.endorsements.get(letter=letter).imported
    assert known_by_name.endorsements.get(letter=letter).imported
    already.refresh_from_db()
    assert (already.status, already.imported) == ("pending", False)


def test_an_xlsx_file_with_country_names_imports_like_a_csv(
    letter: Letter, tmp_path: Path, on_commit: OnCommit
) -> None:
    path = tmp_path / "offline.xlsx"
    path.write_bytes(xlsx_bytes(offline_rows(60)))
    with on_commit():
        out, _err = import_command(letter, path)
    assert "60 endorsements imported" in out
    codes = set(Organization.objects.values_list("country", flat=True))
    assert {"FR", "SN", "BR", "US", "GB", "CI", "VN", "KR", "TR"} <= codes


def bad_rows() -> list[dict[str, str]]:
    rows = offline_rows(8)
    rows[1]["country"] = "Atlantis"
    rows[3]["organization"] = ""
    rows[4]["email"] = "not-an-email"
    rows[5]["website"] = "http://"
    rows[6]["type"] = "Corporation"
    return rows


def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_line(
    letter: Letter, tmp_path: Path, on_commit: OnCommit
) -> None:
    path = csv_file(bad_rows(), tmp_path / "bad.csv")
    with on_commit(), pytest.raises(CommandError, match="5 invalid line"):
        import_command(letter, path)
    assert Organization.objects.count() == 0
    assert User.objects.count() == 0
    assert Endorsement.objects.count() == 0


def test_the_command_lists_each_bad_line_and_its_reason(letter: Letter, tmp_path: Path) -> None:
    path = csv_file(bad_rows(), tmp_path / "bad.csv")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_signatories", "--letter", letter.slug, str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == [
        "line 3: country: Unknown country “Atlantis”: use an ISO code such as FR or an English "
        "name such as France.",
        "line 5: organization: The organisation's name is missing.",
        "line 6: email: “not-an-email” is not an email address.",
        "line 7: website: “http://” is not a website address.",
        "line 8: type: Unknown type “Corporation”; use one of: NGO, Network or coalition, "
        "Faith-based organisation, Academic institution, Trade union, Foundation, Other.",
    ]


def test_a_file_without_the_required_columns_is_refused(letter: Letter, tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("name,land\nFriends,FR\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no column “country”, “email”"):
        import_command(letter, path)


def test_a_staff_account_address_cannot_become_an_organisation(
    letter: Letter, tmp_path: Path
) -> None:
    make_moderator("staff@coalition.example.org")
    rows = offline_rows(2)
    rows[1]["email"] = "staff@coalition.example.org"
    with pytest.raises(CommandError, match="1 invalid line"):
        import_command(letter, csv_file(rows, tmp_path / "offline.csv"))
    assert Endorsement.objects.count() == 0


def test_a_dry_run_says_what_would_happen_and_writes_nothing(
    letter: Letter, tmp_path: Path
) -> None:
    out, _err = import_command(letter, csv_file(offline_rows(3), tmp_path / "a.csv"), "--dry-run")
    assert "line 2: New organisation, endorsement approved." in out
    assert Organization.objects.count() == 0


# The admin -------------------------------------------------------------------------------


@pytest.fixture
def moderator_client(client: Client) -> Client:
    client.force_login(make_moderator())
    return client


def upload(client: Client, letter: Letter, name: str, content: bytes, file_format: str):
    return client.post(
        IMPORT,
        {
            "resource": "0",
            "letter": str(letter.pk),
            "format": file_format,
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_the_admin_previews_then_imports_in_the_staff_members_name(
    moderator_client: Client, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    existing = OrganizationFactory(
        name="Friends & Allies of 0", user__email="contact0@org0.example.org"
    )
    preview = upload(moderator_client, letter, "offline.csv", csv_bytes(offline_rows(40)), "0")

    page = preview.content.decode()
    assert "Confirm import" in page
    assert "New organisation, endorsement approved." in page
    assert "Existing organisation “Friends &amp; Allies of 0”" in page
    assert Endorsement.objects.count() == 0

    confirm = preview.context["confirm_form"].initial
    with on_commit():
        response = moderator_client.post(PROCESS, {**confirm, "confirm": "1"}, follow=True)

    assert "40 endorsements imported and approved (39 new organisations)" in (
        response.content.decode()
    )
    moderator = User.objects.get(email="moderator@coalition.example.org")
    assert (
        Endorsement.objects.filter(letter=letter, imported=True, decided_by=moderator).count() == 40
    )
    assert existing.endorsements.get(letter=letter).status == "approved"
    assert set(EndorsementEvent.objects.values_list("actor", "actor_label")) == {
        (moderator.pk, moderator.email)
    }
    assert mailoutbox == []


def test_the_admin_imports_xlsx(moderator_client: Client, letter: Letter) -> None:
    preview = upload(moderator_client, letter, "offline.xlsx", xlsx_bytes(offline_rows(5)), "1")
    assert "Confirm import" in preview.content.decode()
    moderator_client.post(PROCESS, {**preview.context["confirm_form"].initial, "confirm": "1"})
    assert Endorsement.objects.filter(imported=True).count() == 5


def test_the_admin_refuses_a_bad_file_and_lists_its_bad_lines(
    moderator_client: Client, letter: Letter
) -> None:
    page = upload(moderator_client, letter, "bad.csv", csv_bytes(bad_rows()), "0").content.decode()
    assert "Nothing was imported: 5 lines are invalid" in page
    assert "Confirm import" not in page
    for line, reason in [
        ("3", "Unknown country “Atlantis”"),
        ("5", "The organisation&#x27;s name is missing."),
        ("6", "“not-an-email” is not an email address."),
        ("7", "“http://” is not a website address."),
        ("8", "Unknown type “Corporation”"),
    ]:
        assert f"<td>{line}</td>" in page
        assert reason in page
    assert Organization.objects.count() == 0


def test_the_admin_refuses_a_file_without_the_required_columns(
    moderator_client: Client, letter: Letter
) -> None:
    page = upload(moderator_client, letter, "x.csv", b"name,land\nFriends,FR\n", "0")
    text = page.content.decode()
    assert "The file has no column “country”, “email”" in text
    assert "Traceback" not in text
    assert "Confirm import" not in text


def test_staff_without_the_import_permission_cannot_import(client: Client, letter: Letter) -> None:
    reviewer = User.objects.create_user(email="reviewer@x.org", password="x" * 20, is_staff=True)
    client.force_login(reviewer)
    assert client.get(IMPORT).status_code == 403
