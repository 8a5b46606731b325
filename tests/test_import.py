"""Signatures collected offline: a file of hundreds of organisations from dozens of countries is
imported by the command and in the admin; a second import adds nothing; a bad file writes
nothing and names every bad line; an unconfirmed online sign-up never takes a file's row; and
neither a hostile file nor a forged confirmation reaches past the import's caps and store."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from letters.models import Letter
from signatories import tasks
from signatories.counts import signatory_count
from signatories.importer import OfflineSignatory
from signatories.models import Endorsement, EndorsementEvent, Organization, OutgoingMail, User
from signatories.services.imports import signatories_import

from .factories import EndorsementFactory, LetterFactory, OrganizationFactory
from .helpers import confirmation_link, make_moderator, sign_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(db: None) -> Letter:
    """A letter that publishes on verification: there a file's rows are published at once.
    (With "review first" they wait for a moderator: tests/test_import_spreadsheets.py.)"""
    return LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path: Path) -> Path:
    """Each test's uploads in a directory of its own, to see what is left behind."""
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


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

    # The 60 names that start like a formula (=HYPERLINK, @Mention) wait for a moderator.
    assert (
        "240 endorsements imported and approved; 60 endorsements imported, awaiting review "
        "(300 new organisations)"
    ) in out
    endorsements = Endorsement.objects.filter(letter=letter)
    assert endorsements.count() == 300
    assert set(endorsements.values_list("status", "imported").distinct()) == {
        ("approved", True),
        ("pending", True),
    }
    held = endorsements.filter(status="pending")
    assert all(name[0] in "=@" for name in held.values_list("organization__name", flat=True))
    assert {" ".join(endorsement.held_for()) for endorsement in held} == {
        "The imported name looks like a spreadsheet formula."
    }
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
        (None, "import", "approved"),
        (None, "import", "pending"),
    }
    assert OutgoingMail.objects.count() == 0
    assert mailoutbox == []
    assert signatory_count(letter)["signatories"] == 240


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
    # Made by an earlier import (of another letter's file): matched by name and country.
    known_by_name = EndorsementFactory(
        imported=True,
        organization__name="Médecins du Monde",
        organization__country="FR",
        organization__user__verified=False,
    ).organization
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
    assert "(60 new organisations)" in out
    codes = set(Organization.objects.values_list("country", flat=True))
    assert {"FR", "SN", "BR", "US", "GB", "CI", "VN", "KR", "TR"} <= codes


def bad_rows() -> list[dict[str, str]]:
    rows = offline_rows(8)
    rows[1]["country"] = "Atlantis"
    rows[3]["organization"] = ""
    rows[4]["email"] = "not-an-email"
    rows[5]["website"] = "http://"
    rows[6]["country"] = ""
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
        "line 3: country: Unknown country “Atlantis”: use an ISO code such as FR or FRA, or the "
        "country's name in English, French, Spanish, Portuguese or Arabic.",
        "line 5: organization: The organisation's name is missing.",
        "line 6: email: “not-an-email” is not an email address.",
        "line 7: website: “http://” is not a website address.",
        "line 8: country: The country is missing.",
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

    assert (
        "32 endorsements imported and approved; 8 endorsements imported, awaiting review "
        "(39 new organisations)"
    ) in response.content.decode()
    moderator = User.objects.get(email="moderator@coalition.example.org")
    assert (
        Endorsement.objects.filter(letter=letter, imported=True, decided_by=moderator).count() == 32
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
        ("8", "The country is missing."),
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


def test_a_file_with_two_columns_for_one_field_is_refused_naming_both(
    moderator_client: Client, letter: Letter
) -> None:
    """A contact person's "Name" beside "Organisation": either could be the organisation's
    name to the import, and a wrong guess publishes people's names as signatories."""
    content = (
        b"Name,Organisation,Country,Email\n"
        b"Aminata Diallo,Friends of the Earth Senegal,SN,contact@foe-senegal.example.org\n"
    )
    text = upload(moderator_client, letter, "x.csv", content, "0").content.decode()
    assert (
        "The columns “Name”, “Organisation” are read as the same column, “organization”: keep "
        "one of them and rename or delete the others"
    ) in text
    assert "Confirm import" not in text
    assert Organization.objects.count() == 0


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_csv_separated_by_semicolons_or_tabs_imports_like_one_with_commas(
    moderator_client: Client, letter: Letter, on_commit: OnCommit, delimiter: str
) -> None:
    """What Excel set to French, Spanish or Portuguese writes ("Enregistrer sous: CSV")."""
    lines = [
        ["Nom de l'organisation", "Pays", "Ville", "Site web", "Courriel", "Type"],
        ["Amis de la Terre, Sénégal", "Sénégal", "Dakar", "foe-senegal.example.org",
         "contact@foe-senegal.example.org", "ONG"],
        ["Réseau Paix; Justice", "Côte d'Ivoire", "Abidjan", "", "info@paix.example.org",
         "réseau"],
    ]  # fmt: skip
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(lines)
    preview = upload(moderator_client, letter, "signatures.csv", out.getvalue().encode(), "0")
    assert "Confirm import" in preview.content.decode()
    with on_commit():
        done = confirm_import(moderator_client, preview).content.decode()
    assert "2 endorsements imported and approved (2 new organisations)" in done
    senegal = Organization.objects.get(user__email="contact@foe-senegal.example.org")
    assert (senegal.name, senegal.country.code, senegal.city, senegal.website) == (
        "Amis de la Terre, Sénégal",
        "SN",
        "Dakar",
        "https://foe-senegal.example.org",
    )
    network = Organization.objects.get(user__email="info@paix.example.org")
    assert (network.name, network.country.code, network.kind) == (
        "Réseau Paix; Justice",
        "CI",
        "network",
    )


def test_staff_without_the_import_permission_cannot_import(client: Client, letter: Letter) -> None:
    reviewer = User.objects.create_user(email="reviewer@x.org", password="x" * 20, is_staff=True)
    client.force_login(reviewer)
    assert client.get(IMPORT).status_code == 403


def confirm_import(client: Client, preview, **extra: str):
    return client.post(PROCESS, {**preview.context["confirm_form"].initial, **extra}, follow=True)


def uploads_left(upload_dir: Path) -> list[str]:
    return sorted(path.name for path in upload_dir.iterdir()) if upload_dir.exists() else []


# An unconfirmed online sign-up never takes a file's row ----------------------------------

VICTIM = "contact@foe-senegal.example.org"


def squat(client: Client, letter: Letter, on_commit: OnCommit) -> None:
    """Someone signs online with an NGO's address and details of their own, never confirming."""
    with on_commit():
        client.post(
            f"/letters/{letter.slug}/sign/",
            sign_form(
                email=VICTIM,
                name="Totally Real NGO",
                website="https://attacker.example.net",
                comment="Send donations to attacker.example.net",
            ),
        )
    assert Organization.objects.filter(user__email=VICTIM, name="Totally Real NGO").exists()


def victim_row() -> dict[str, str]:
    return {
        "organization": "Friends of the Earth Senegal",
        "country": "SN",
        "city": "Dakar",
        "website": "foe-senegal.example.org",
        "email": VICTIM,
        "type": "NGO",
    }


def test_the_file_wins_over_an_unconfirmed_online_sign_up_with_its_address(
    moderator_client: Client, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    squat(Client(), letter, on_commit)
    link = confirmation_link(mailoutbox[0])

    preview = upload(moderator_client, letter, "offline.csv", csv_bytes([victim_row()]), "0")
    page = preview.content.decode()
    assert "An unconfirmed online sign-up (“Totally Real NGO”) used this address" in page
    assert "the file&#x27;s details replace it" in page
    assert "New organisation, endorsement approved." in page
    with on_commit():
        done = confirm_import(moderator_client, preview).content.decode()
    assert "1 endorsement imported and approved (1 new organisation)" in done
    assert "1 unconfirmed online sign-up that used an address of the file was set aside" in done

    owner = Organization.objects.get(user__email=VICTIM)
    assert (owner.name, owner.website) == (
        "Friends of the Earth Senegal",
        "https://foe-senegal.example.org",
    )
    assert owner.endorsements.get(letter=letter).status == "approved"
    squatter = Organization.objects.get(name="Totally Real NGO")
    assert squatter.user.email != VICTIM
    assert squatter.possible_duplicate
    assert "Friends of the Earth Senegal" in " ".join(squatter.duplicate_hints())
    # The link mailed for the sign-up publishes nothing, whoever follows it.
    with on_commit():
        Client().post(link)
    assert squatter.endorsements.get().status == "unverified"
    public = Client().get(f"/letters/{letter.slug}/").content.decode()
    assert "Friends of the Earth Senegal" in public
    assert "Totally Real NGO" not in public
    assert "attacker.example.net" not in public


def test_the_command_also_sets_an_unconfirmed_sign_up_aside(
    client: Client, letter: Letter, tmp_path: Path, on_commit: OnCommit
) -> None:
    squat(client, letter, on_commit)
    path = csv_file([victim_row()], tmp_path / "offline.csv")
    out, _err = import_command(letter, path, "--dry-run")
    assert "line 2: New organisation, endorsement approved. An unconfirmed online sign-up" in out
    with on_commit():
        out, _err = import_command(letter, path)
    assert "1 endorsement imported and approved (1 new organisation)" in out
    assert Organization.objects.get(user__email=VICTIM).name == "Friends of the Earth Senegal"


def test_an_unconfirmed_sign_up_with_the_same_name_is_not_taken_for_the_organisation(
    moderator_client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    squat(Client(), letter, on_commit)
    row = {**victim_row(), "organization": "TOTALLY REAL NGO", "email": "real@real-ngo.example"}
    row["country"] = "LB"  # the country the sign form gave
    preview = upload(moderator_client, letter, "offline.csv", csv_bytes([row]), "0")
    assert "An unconfirmed online sign-up has the same name and country" in (
        preview.content.decode()
    )
    with on_commit():
        confirm_import(moderator_client, preview)
    created = Organization.objects.get(user__email="real@real-ngo.example")
    assert created.endorsements.get(letter=letter).status == "approved"
    assert created.possible_duplicate
    squatter = Organization.objects.get(user__email=VICTIM)
    assert squatter.endorsements.get().status == "unverified"


def test_a_confirmed_sign_up_with_the_same_name_and_another_address_does_not_take_the_row(
    moderator_client: Client, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    """Confirming an address proves who owns it, not which organisation they are: Mallory
    confirms her own address under an NGO's name, and a file's signature of that NGO must not
    be published with her website."""
    with on_commit():
        Client().post(
            f"/letters/{LetterFactory().slug}/sign/",
            sign_form(
                email="mallory@evil-mail.example",
                name="Greenpeace Ghana",
                country="GH",
                website="https://evil-mail.example/",
            ),
        )
    with on_commit():
        Client().post(confirmation_link(mailoutbox[0]))
    mallory = Organization.objects.get(user__email="mallory@evil-mail.example")
    assert mallory.user.emailaddress_set.get().verified

    row = {
        "organization": "Greenpeace Ghana",
        "country": "GH",
        "city": "Accra",
        "website": "https://greenpeace.org/africa",
        "email": "info@greenpeace-ghana.example",
        "type": "ngo",
    }
    preview = upload(moderator_client, letter, "offline.csv", csv_bytes([row]), "0")
    page = preview.content.decode()
    assert "New organisation, endorsement approved." in page
    assert "Existing organisation" not in page
    assert (
        "An online sign-up with another address has the same name and country "
        "(“Greenpeace Ghana”); it is not taken for this organisation"
    ) in page
    with on_commit():
        done = confirm_import(moderator_client, preview).content.decode()
    assert "1 endorsement imported and approved (1 new organisation)" in done

    created = Organization.objects.get(user__email="info@greenpeace-ghana.example")
    assert created.website == "https://greenpeace.org/africa"
    assert created.endorsements.get(letter=letter).status == "approved"
    assert created.possible_duplicate
    assert "Same name and country as “Greenpeace Ghana”." in created.duplicate_hints()
    assert not mallory.endorsements.filter(letter=letter).exists()
    public = Client().get(f"/letters/{letter.slug}/").content.decode()
    assert "greenpeace.org/africa" in public
    assert "evil-mail.example" not in public


def test_a_second_admin_import_of_the_same_file_finds_what_the_first_made(
    moderator_client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    content = csv_bytes(offline_rows(40))
    with on_commit():
        confirm_import(moderator_client, upload(moderator_client, letter, "a.csv", content, "0"))
    again = upload(moderator_client, letter, "a.csv", content, "0")
    page = again.content.decode()
    assert "0 new organisations." in page
    assert "40 lines skipped" in page
    assert "An unconfirmed online sign-up" not in page
    with on_commit():
        done = confirm_import(moderator_client, again).content.decode()
    assert "0 endorsements imported and approved (0 new organisations). 40 rows skipped" in done
    assert Organization.objects.count() == 40
    assert Endorsement.objects.count() == 40


# Reading a hostile file -----------------------------------------------------------------


def workbook(sheet_xml: str) -> bytes:
    """A real .xlsx, written part by part, so that the sheet says what a hostile file says."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Signatures" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def sheet(dimension: str, rows: list[list[str]], *, far_cell: str = "", up_to: int = 0) -> str:
    """A sheet's XML: `rows` of text, `far_cell` in column XFD of each, then empty rows up to
    row `up_to`, as a spreadsheet writes rows that were once formatted."""

    def cell(reference: str, text: str) -> str:
        return f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'

    body = "".join(
        f'<row r="{number}">'
        + "".join(
            cell(f"{letter}{number}", text) for letter, text in zip("ABCDEF", values, strict=False)
        )
        + (cell(f"XFD{number}", far_cell) if far_cell else "")
        + "</row>"
        for number, values in enumerate(rows, start=1)
    )
    body += "".join(f'<row r="{number}"/>' for number in range(len(rows) + 1, up_to + 1))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    )


def test_an_xlsx_declaring_a_huge_dimension_is_previewed_in_little_memory(
    moderator_client: Client, letter: Letter
) -> None:
    rows = [COLUMNS] + [[row[column] for column in COLUMNS] for row in offline_rows(2)]
    content = workbook(sheet("A1:XFD2000", rows, far_cell="note", up_to=2000))
    assert len(content) < 10_000

    tracemalloc.start()
    try:
        preview = upload(moderator_client, letter, "offline.xlsx", content, "1")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    page = preview.content.decode()
    assert "Confirm import" in page
    assert "2 new organisations" in page
    # Trusting the dimension made 2,000 rows of 16,384 cells: over 300 MB.
    assert peak < 40 * 2**20, f"{peak / 2**20:.0f} MB"


def test_a_workbook_that_unpacks_far_beyond_the_cap_is_refused(
    moderator_client: Client, letter: Letter, settings
) -> None:
    settings.IMPORT_MAX_BYTES = 20_000
    rows = [COLUMNS] + [[row[column] for column in COLUMNS] for row in offline_rows(2)]
    rows += [["x" * 100] * 6 for _ in range(400)]  # 240 kB of XML, a few kB zipped
    content = workbook(sheet("A1:F402", rows))
    assert len(content) < settings.IMPORT_MAX_BYTES

    page = upload(moderator_client, letter, "bomb.xlsx", content, "1").content.decode()
    assert "The workbook unpacks to" in page
    assert "Confirm import" not in page


def test_a_file_over_the_size_cap_is_refused_with_a_message(
    moderator_client: Client, letter: Letter, settings, upload_dir: Path
) -> None:
    settings.IMPORT_MAX_BYTES = 2_000
    content = csv_bytes(offline_rows(40))
    response = upload(moderator_client, letter, "big.csv", content, "0")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file is 3.9\xa0KB; files of up to 2.0\xa0KB can be imported." in page
    assert "Confirm import" not in page
    assert uploads_left(upload_dir) == []


def test_a_file_over_the_row_cap_is_refused_with_a_message(
    moderator_client: Client, letter: Letter, settings
) -> None:
    settings.IMPORT_MAX_ROWS = 5
    page = upload(moderator_client, letter, "a.csv", csv_bytes(offline_rows(6)), "0")
    text = page.content.decode()
    assert "The file has more than 5 lines under the column names" in text
    assert "Confirm import" not in text


def test_empty_lines_at_the_end_of_a_file_do_not_count_against_the_row_cap(
    moderator_client: Client, letter: Letter, settings
) -> None:
    settings.IMPORT_MAX_ROWS = 5
    content = csv_bytes(offline_rows(5)) + b",,,,,\r\n" * 50
    text = upload(moderator_client, letter, "a.csv", content, "0").content.decode()
    assert "Confirm import" in text
    assert "5 new organisations" in text


def test_the_command_refuses_a_file_over_the_row_cap(
    letter: Letter, tmp_path: Path, settings
) -> None:
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(CommandError, match="more than 5 lines"):
        import_command(letter, csv_file(offline_rows(6), tmp_path / "a.csv"))
    assert Organization.objects.count() == 0


# Everything confirmation could trip on is refused at the preview ------------------------


def test_control_characters_are_refused_at_the_preview_with_the_line(
    moderator_client: Client, letter: Letter
) -> None:
    rows = offline_rows(3)
    rows[0]["organization"] = "Friends\x00Allies"
    rows[2]["city"] = "Dak\x07ar"
    page = upload(moderator_client, letter, "a.csv", csv_bytes(rows), "0").content.decode()
    assert "Nothing was imported: 2 lines are invalid" in page
    assert "Contains a control character (U+0000)" in page
    assert "Contains a control character (U+0007)" in page
    assert "<td>2</td>" in page
    assert "<td>4</td>" in page
    assert "Confirm import" not in page
    assert Organization.objects.count() == 0


def test_values_too_long_for_their_columns_are_refused_at_the_preview(
    moderator_client: Client, letter: Letter
) -> None:
    rows = offline_rows(3)
    rows[0]["organization"] = "N" * 201
    # 295 characters, 303 once it gets its https://.
    rows[1]["website"] = "www.example.org/" + "p" * 279
    rows[2]["organization"] = "!!! ???"
    page = upload(moderator_client, letter, "a.csv", csv_bytes(rows), "0").content.decode()
    assert "Nothing was imported: 3 lines are invalid" in page
    assert page.count("Longer than 200 characters.") == 1
    assert "Longer than 300 characters." in page
    assert "The organisation&#x27;s name has no letters or digits." in page
    assert "Confirm import" not in page


# The store between preview and confirmation ---------------------------------------------


def test_a_confirmation_naming_a_path_is_refused_and_the_file_is_untouched(
    moderator_client: Client, letter: Letter, tmp_path: Path
) -> None:
    other = csv_file(offline_rows(3), tmp_path / "other.csv")
    before = other.read_bytes()
    traversal = f"../../../../../..{other}"
    response = moderator_client.post(
        PROCESS,
        {
            "upload": traversal,
            "import_file_name": traversal,
            "letter": str(letter.pk),
            "format": "0",
            "confirm": "1",
        },
    )
    assert response.status_code == 400
    assert "This confirmation does not name a file uploaded here" in response.content.decode()
    assert other.read_bytes() == before
    assert Endorsement.objects.count() == 0


def test_confirming_imports_once_and_deletes_the_upload(
    moderator_client: Client, letter: Letter, on_commit: OnCommit, upload_dir: Path
) -> None:
    preview = upload(moderator_client, letter, "a.csv", csv_bytes(offline_rows(3)), "0")
    assert len(uploads_left(upload_dir)) == 1
    with on_commit():
        confirm_import(moderator_client, preview)
    assert uploads_left(upload_dir) == []
    again = moderator_client.post(PROCESS, preview.context["confirm_form"].initial)
    assert again.status_code == 400
    assert "This upload is no longer here" in again.content.decode()
    assert Endorsement.objects.count() == 3


def test_cancelling_deletes_the_upload_and_imports_nothing(
    moderator_client: Client, letter: Letter, upload_dir: Path
) -> None:
    preview = upload(moderator_client, letter, "a.csv", csv_bytes(offline_rows(3)), "0")
    response = confirm_import(moderator_client, preview, cancel="1")
    assert "Import cancelled: the uploaded file was deleted." in response.content.decode()
    assert uploads_left(upload_dir) == []
    assert Endorsement.objects.count() == 0


def test_uploads_nobody_confirmed_are_removed_after_an_hour(
    moderator_client: Client, letter: Letter, upload_dir: Path
) -> None:
    upload(moderator_client, letter, "a.csv", csv_bytes(offline_rows(3)), "0")
    (stale,) = upload_dir.iterdir()
    fresh = upload(moderator_client, letter, "b.csv", csv_bytes(offline_rows(3)), "0")
    fresh_name = f"{fresh.context['confirm_form'].initial['upload']}.csv"
    unrelated = upload_dir / "notes.txt"
    unrelated.write_text("not an upload")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(unrelated, (two_hours_ago, two_hours_ago))

    assert tasks.import_uploads_remove_stale() == 1
    assert uploads_left(upload_dir) == sorted([fresh_name, "notes.txt"])


def test_a_new_upload_removes_uploads_nobody_confirmed(
    moderator_client: Client, letter: Letter, upload_dir: Path
) -> None:
    upload(moderator_client, letter, "a.csv", csv_bytes(offline_rows(3)), "0")
    (stale,) = upload_dir.iterdir()
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    upload(moderator_client, letter, "b.csv", csv_bytes(offline_rows(3)), "0")
    assert not stale.exists()
    assert len(uploads_left(upload_dir)) == 1


def test_the_upload_store_is_private(
    moderator_client: Client, letter: Letter, upload_dir: Path
) -> None:
    upload(moderator_client, letter, "a.csv", csv_bytes(offline_rows(3)), "0")
    assert stat.S_IMODE(upload_dir.stat().st_mode) == 0o700
    (stored,) = upload_dir.iterdir()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


# Large files ----------------------------------------------------------------------------


def test_the_preview_of_a_large_file_shows_counts_and_a_sample_not_every_line(
    moderator_client: Client, letter: Letter
) -> None:
    page = upload(moderator_client, letter, "a.csv", csv_bytes(offline_rows(300)), "0")
    text = page.content.decode()
    assert "300 lines to import." in text
    assert "300 new organisations." in text
    assert "240 endorsements approved and published at once." in text
    assert "60 endorsements wait in the queue for a moderator." in text
    assert "60 lines to look at before you confirm" in text
    assert "and 220 more lines." in text
    assert "contact5@org5.example.org" in text
    assert "contact299@org299.example.org" not in text


def queries_for_preview(client: Client, letter: Letter, rows: int) -> int:
    content = csv_bytes(offline_rows(rows))
    with CaptureQueriesContext(connection) as queries:
        response = upload(client, letter, "a.csv", content, "0")
    assert "Confirm import" in response.content.decode()
    return len(queries)


def test_the_preview_costs_the_same_queries_for_ten_rows_or_five_hundred(
    moderator_client: Client, letter: Letter
) -> None:
    # Organisations on record that the first rows match by address, so that both files look
    # their candidates up (names from a factory's sequence would match the longer file alone,
    # depending on what other tests created before).
    for row in offline_rows(5):
        OrganizationFactory(user__email=row["email"].lower())
    assert queries_for_preview(moderator_client, letter, 500) == queries_for_preview(
        moderator_client, letter, 10
    )


def test_the_import_writes_five_hundred_rows_in_as_many_queries_as_ten(letter: Letter) -> None:
    def queries_for(count: int, start: int) -> int:
        signatories = [
            OfflineSignatory(
                name=f"Organisation {n}",
                country="FR",
                city="",
                website=f"https://org{n}.example.org",
                email=f"contact{n}@org{n}.example.org",
                kind="ngo",
            )
            for n in range(start, start + count)
        ]
        with CaptureQueriesContext(connection) as queries:
            summary = signatories_import(letter=letter, signatories=signatories, actor=None)
        assert summary.endorsements_created == count
        # A bulk insert is split into batches by the database's limit on parameters (999 on
        # SQLite): count each table's insert once, and every other query.
        inserts = {q["sql"].split("(", 1)[0] for q in queries if q["sql"].startswith("INSERT")}
        others = [q for q in queries if not q["sql"].startswith("INSERT")]
        return len(inserts) + len(others)

    assert queries_for(500, 0) == queries_for(10, 1000)


def test_a_set_aside_sign_up_goes_with_the_purge_of_unconfirmed_sign_ups(
    moderator_client: Client, letter: Letter, on_commit: OnCommit, settings
) -> None:
    squat(Client(), letter, on_commit)
    preview = upload(moderator_client, letter, "offline.csv", csv_bytes([victim_row()]), "0")
    with on_commit():
        confirm_import(moderator_client, preview)
    User.objects.filter(organization__name="Totally Real NGO").update(
        date_joined=timezone.now() - timedelta(days=settings.UNVERIFIED_RETENTION_DAYS + 1)
    )
    User.objects.filter(email=VICTIM).update(
        date_joined=timezone.now() - timedelta(days=settings.UNVERIFIED_RETENTION_DAYS + 1)
    )

    assert tasks.unverified_signups_purge() == 1
    assert not Organization.objects.filter(name="Totally Real NGO").exists()
    owner = Organization.objects.get(user__email=VICTIM)
    assert owner.endorsements.get(letter=letter).status == "approved"


def selected_letters(page: str) -> list[str]:
    select = re.search(r'<select name="letter"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)" selected>', select.group(1))


def test_the_import_form_preselects_the_only_letter(
    moderator_client: Client, letter: Letter
) -> None:
    assert selected_letters(moderator_client.get(IMPORT).content.decode()) == [str(letter.pk)]


def test_the_import_form_leaves_the_choice_to_staff_when_there_are_two_letters(
    moderator_client: Client, letter: Letter
) -> None:
    LetterFactory()
    assert selected_letters(moderator_client.get(IMPORT).content.decode()) == [""]
