"""Imports that take the spreadsheets coalitions really have: column names, types and countries
as people type them in the five languages; a type nobody listed becomes Other with a warning
instead of refusing the file; a name that starts like a formula is flagged in the preview and
held; and every imported row follows the letter's moderation instead of going live at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from letters.models import Letter
from signatories.counts import signatory_count
from signatories.importer import country_code, kind_code
from signatories.models import Endorsement, Organization

from .factories import LetterFactory
from .helpers import make_moderator

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]
IMPORT = "/admin/signatories/endorsement/import/"
PROCESS = "/admin/signatories/endorsement/process_import/"
Kind = Organization.Kind
Status = Endorsement.Status


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path: Path) -> Path:
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def publishing_letter(db: None) -> Letter:
    return LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)


@pytest.fixture
def moderator_client(client: Client) -> Client:
    client.force_login(make_moderator())
    return client


def csv_bytes(headers: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(client: Client, letter: Letter, content: bytes) -> str:
    response = client.post(
        IMPORT,
        {
            "letter": str(letter.pk),
            "import_file": SimpleUploadedFile("signatures.csv", content, "text/csv"),
        },
    )
    assert response.status_code == 200
    return response.content.decode()


def upload_and_confirm(client: Client, letter: Letter, content: bytes, on_commit: OnCommit) -> str:
    preview = client.post(
        IMPORT,
        {
            "letter": str(letter.pk),
            "import_file": SimpleUploadedFile("signatures.csv", content, "text/csv"),
        },
    )
    assert "Confirm import" in preview.content.decode(), preview.content.decode()
    with on_commit():
        done = client.post(
            PROCESS, {**preview.context["confirm_form"].initial, "confirm": "1"}, follow=True
        )
    return done.content.decode()


# A coalition's French sheet, as its secretariat typed it.
FRENCH_HEADERS = ["Nom de l'organisation", "Pays", "Ville", "Site web", "Courriel", "Type"]
FRENCH_SHEET = [
    ["Union des Travailleurs", "USA", "Chicago", "", "contact@utw.example.org", "Union"],
    ["Dockers United", "UK", "Liverpool", "", "info@dockers.example.org", "Trade Union"],
    ["Syndicat national", "Côte d'Ivoire", "Abidjan", "", "sn@sn.example.ci", "Syndicat"],
    ["Rede Brasileira", "Brasil", "Recife", "rede.example.br", "rede@rede.example.br", "rede"],
    ["Global Aid", "fra", "Paris", "", "hello@globalaid.example.org", "INGO"],
    ["Fundación Ñandú", "Paraguay", "Asunción", "", "info@nandu.example.py", "fundación"],
    ["Iglesia de San Juan", "México", "Oaxaca", "", "sj@iglesia.example.mx", "Église"],
    ["Université de Dakar", "Sénégal", "Dakar", "", "ud@ud.example.sn", "université"],
]


def test_a_french_sheet_with_forgiving_types_and_countries_imports_cleanly(
    moderator_client: Client, publishing_letter: Letter, on_commit: OnCommit
) -> None:
    page = upload_and_confirm(
        moderator_client, publishing_letter, csv_bytes(FRENCH_HEADERS, FRENCH_SHEET), on_commit
    )
    assert "8 endorsements imported and approved (8 new organisations)" in page
    imported = {
        name: (str(country), kind)
        for name, country, kind in Organization.objects.values_list("name", "country", "kind")
    }
    assert imported == {
        "Union des Travailleurs": ("US", Kind.TRADE_UNION),
        "Dockers United": ("GB", Kind.TRADE_UNION),
        "Syndicat national": ("CI", Kind.TRADE_UNION),
        "Rede Brasileira": ("BR", Kind.NETWORK),
        "Global Aid": ("FR", Kind.NGO),
        "Fundación Ñandú": ("PY", Kind.FOUNDATION),
        "Iglesia de San Juan": ("MX", Kind.FAITH_BASED),
        "Université de Dakar": ("SN", Kind.ACADEMIC),
    }
    assert Organization.objects.get(name="Rede Brasileira").website == "https://rede.example.br"
    assert Organization.objects.get(name="Syndicat national").city == "Abidjan"


@pytest.mark.parametrize(
    "headers",
    [
        ["Organisation", "Country", "City", "Website", "E-mail", "Type"],
        ["Organização", "País", "Cidade", "Site", "E-mail", "Tipo"],
        ["Organización", "País", "Ciudad", "Sitio web", "Correo electrónico", "Tipo"],
        ["Organisation", "Pays", "Ville", "Site web", "Adresse e-mail", "Type d'organisation"],
        ["اسم المنظمة", "البلد", "المدينة", "الموقع الإلكتروني", "البريد الإلكتروني", "النوع"],
    ],
    ids=["en", "pt-br", "es", "fr", "ar"],
)
def test_column_names_are_recognised_in_the_five_languages(
    tmp_path: Path, publishing_letter: Letter, headers: list[str]
) -> None:
    path = tmp_path / "sheet.csv"
    path.write_bytes(
        csv_bytes(
            headers,
            [["Amal", "Liban", "Beyrouth", "amal.example.org", "a@amal.example.org", "ONG"]],
        )
    )
    out = io.StringIO()
    call_command("import_signatories", "--letter", publishing_letter.slug, str(path), stdout=out)
    assert "1 endorsement imported and approved (1 new organisation)" in out.getvalue()
    organization = Organization.objects.get()
    assert (organization.name, organization.country.code, organization.city) == (
        "Amal",
        "LB",
        "Beyrouth",
    )
    assert (organization.website, organization.email, organization.kind) == (
        "https://amal.example.org",
        "a@amal.example.org",
        Kind.NGO,
    )


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("USA", "US"), ("usa", "US"), ("UK", "GB"), ("Russia", "RU"), ("Brasil", "BR"),
        ("Côte d'Ivoire", "CI"), ("cote d\u2019ivoire", "CI"), ("Ivory Coast", "CI"),
        ("Costa do Marfim", "CI"), ("Costa de Marfil", "CI"), ("ساحل العاج", "CI"),
        ("Allemagne", "DE"), ("Alemanha", "DE"), ("ALEMANIA", "DE"), ("ألمانيا", "DE"),
        ("DEU", "DE"), ("de", "DE"), ("Syrie", "SY"), ("سوريا", "SY"), ("Estados Unidos", "US"),
        ("États-Unis", "US"), ("Royaume-Uni", "GB"), ("Corée du Sud", "KR"), ("DRC", "CD"),
        ("Palestine", "PS"), ("Türkiye", "TR"), ("Turkey", "TR"),
    ],
)  # fmt: skip
def test_countries_are_recognised_as_people_write_them(typed: str, code: str) -> None:
    assert country_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("Union", Kind.TRADE_UNION), ("trade union", Kind.TRADE_UNION),
        ("SYNDICAT", Kind.TRADE_UNION), ("Sindicato", Kind.TRADE_UNION),
        ("نقابة", Kind.TRADE_UNION),
        ("University", Kind.ACADEMIC), ("academic", Kind.ACADEMIC),
        ("Université", Kind.ACADEMIC), ("Universidade", Kind.ACADEMIC),
        ("Church", Kind.FAITH_BASED), ("mosque", Kind.FAITH_BASED),
        ("Faith based", Kind.FAITH_BASED), ("Organisation confessionnelle", Kind.FAITH_BASED),
        ("INGO", Kind.NGO), ("NGO", Kind.NGO), ("ONG", Kind.NGO), ("منظمة غير حكومية", Kind.NGO),
        ("Foundation", Kind.FOUNDATION), ("Fundação", Kind.FOUNDATION),
        ("Fundación", Kind.FOUNDATION), ("fondation", Kind.FOUNDATION),
        ("Network", Kind.NETWORK), ("coalition", Kind.NETWORK), ("Rede", Kind.NETWORK),
        ("red", Kind.NETWORK), ("Réseau", Kind.NETWORK), ("Rede ou coalizão", Kind.NETWORK),
        ("Réseau ou coalition", Kind.NETWORK), ("Autre", Kind.OTHER), ("", Kind.NGO),
    ],
)  # fmt: skip
def test_types_are_recognised_whatever_the_case_accents_or_language(typed: str, kind: str) -> None:
    assert kind_code(typed) == kind


def test_an_unknown_type_becomes_other_with_a_warning_in_the_preview(
    moderator_client: Client, publishing_letter: Letter, on_commit: OnCommit
) -> None:
    content = csv_bytes(
        ["organization", "country", "email", "type"],
        [
            ["Lawyers for Justice", "Jordan", "info@lfj.example.org", "Bar association"],
            ["Amal", "LB", "a@amal.example.org", "NGO"],
        ],
    )
    page = upload(moderator_client, publishing_letter, content)
    assert "1 line to look at before you confirm" in page
    assert "Type “Bar association” is not one we know: imported as “Other”." in page
    assert "Nothing was imported" not in page

    upload_and_confirm(moderator_client, publishing_letter, content, on_commit)
    assert Organization.objects.get(name="Lawyers for Justice").kind == Kind.OTHER
    assert Organization.objects.get(name="Amal").kind == Kind.NGO


HOSTILE = '=HYPERLINK("http://evil.example/steal","Click me")'


def test_a_name_like_a_formula_is_flagged_in_the_preview_and_held_for_review(
    moderator_client: Client, publishing_letter: Letter, on_commit: OnCommit
) -> None:
    content = csv_bytes(
        ["organization", "country", "email"],
        [[HOSTILE, "FR", "evil@evil.example.org"], ["Amal", "LB", "a@amal.example.org"]],
    )
    page = upload(moderator_client, publishing_letter, content)
    assert "1 line to look at before you confirm" in page
    assert "The name starts like a spreadsheet formula" in page
    assert "=HYPERLINK(&quot;http://evil.example/steal&quot;" in page
    assert "1 endorsement waits in the queue for a moderator." in page

    done = upload_and_confirm(moderator_client, publishing_letter, content, on_commit)
    assert "1 endorsement imported and approved; 1 endorsement imported, awaiting review" in done
    hostile = Endorsement.objects.get(organization__name=HOSTILE)
    assert hostile.status == Status.PENDING
    assert hostile.held_for() == ["The imported name looks like a spreadsheet formula."]
    assert Endorsement.objects.get(organization__name="Amal").status == Status.APPROVED
    assert signatory_count(publishing_letter)["signatories"] == 1


def test_with_review_first_every_imported_row_waits_in_the_queue(
    moderator_client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    assert letter.moderation == Letter.Moderation.REVIEW_FIRST
    content = csv_bytes(FRENCH_HEADERS, FRENCH_SHEET)
    page = upload(moderator_client, letter, content)
    assert "8 endorsements wait in the queue for a moderator." in page
    assert "New organisation, endorsement awaiting review." in page
    assert "published at once" not in page

    done = upload_and_confirm(moderator_client, letter, content, on_commit)
    assert "8 endorsements imported, awaiting review (8 new organisations)" in done
    endorsements = Endorsement.objects.filter(letter=letter)
    assert set(endorsements.values_list("status", "imported", "decided_by")) == {
        (Status.PENDING, True, None)
    }
    assert signatory_count(letter)["signatories"] == 0
    queue = moderator_client.get("/admin/signatories/endorsement/").content.decode()
    assert "Union des Travailleurs" in queue
