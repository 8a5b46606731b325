"""The letter as a PDF: what it says (read back with poppler's pdftotext, as a person copying
text out of it would), who sees which copy, that requests only ever serve a stored file, and
that the worker renders again when, and only when, the list changes."""

from __future__ import annotations

import csv
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_countries import countries

from coalition.celery import app as celery_app
from letters import pdf
from letters.demo import LETTER, ORGANIZATIONS
from letters.models import Letter, LetterPdf
from letters.tasks import letter_pdfs_refresh
from signatories.models import Endorsement, User
from signatories.services.moderation import endorsement_approve
from signatories.services.organizations import OrganizationDetails, organization_correct

from .conftest import skip_or_fail
from .factories import EndorsementFactory, OrganizationFactory
from .helpers import approved_signatories_in_bulk, make_moderator

pytestmark = pytest.mark.django_db

# Shown by name in the demo only once they are asked not to be (one Latin, one Arabic name).
UNLISTED = ("Friends & Neighbours for Civilian Protection", "مرصد الياسمين للعدالة والمساءلة")

# Two ways poppler's bidi pass garbles a right-to-left line it turns back into text, while the
# PDF itself is right (docs/screens/letter-pdf-ar-*.png):
# - the two letters of a ligature glyph (lam with alef, or with alef maksura) come out in
#   reverse order: "للإغاثة" is read as "لإلغاثة";
# - punctuation at either end of a line is left outside the right-to-left run: the heading
#   "جنوب افريقيا (الجمهورية)" is read as ")جنوب افريقيا (الجمهورية".
# So text in a right-to-left script is compared by its letters, in order, in either spelling
# of its ligatures; everything else character for character.
TWO_LETTER_LIGATURES = ("لا", "لأ", "لإ", "لآ", "لى")


def compact(text: str) -> str:
    """Without spaces, line breaks and invisible direction marks: pdftotext breaks lines where
    the PDF does and adds embedding marks around right-to-left runs."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def letters(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c).startswith("L"))


def right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def as_poppler_reads(text: str) -> str:
    for ligature in TWO_LETTER_LIGATURES:
        text = text.replace(ligature, ligature[::-1])
    return text


def direction_runs(text: str) -> list[str]:
    """The name cut where its writing direction changes ("جمعية عامل" and "Amel Association"
    in "Amel Association - جمعية عامل"): poppler writes the runs of a mixed line in its own
    order, while the page shows them in the right one (docs/screens/letter-pdf-*.png)."""
    runs: list[str] = []
    current, direction = "", None
    for char in text:
        if unicodedata.category(char).startswith("L"):
            rtl = right_to_left(char)
            if direction is not None and rtl != direction:
                runs.append(current)
                current = ""
            direction = rtl
        current += char
    return [run for run in [*runs, current] if letters(run)]


def reordered_by_poppler(text: str) -> bool:
    """Right to left, or in a script with combining vowel signs and tone marks (Devanagari,
    Bengali, Tamil, Thai...): poppler reads those signs back out of place, as another sign
    ("ফোরাম" as "ফারাম") or, stacked high in Thai, as a line of their own, while the page
    shows them right. Such names are compared by their letters alone."""
    return right_to_left(text) or any(unicodedata.category(c) in ("Mc", "Mn") for c in text)


def contains(extracted: str, text: str) -> bool:
    if compact(text) in extracted:
        return True
    if not reordered_by_poppler(text):
        return False
    extracted_letters = letters(extracted)
    return all(
        letters(run) in extracted_letters
        or letters(as_poppler_reads(run)) in extracted_letters
        or in_order_nearby(letters(run), extracted_letters)
        for run in direction_runs(text)
    )


def in_order_nearby(wanted: str, extracted: str) -> bool:
    """Every letter of `wanted`, in order, within a stretch at most twice as long: poppler
    reads a Bengali or Devanagari consonant cluster with a ra above it ("র্ক") with a letter
    repeated ("নেটওয়ার্ক" as "নটওয়াকর্ক")."""
    start = extracted.find(wanted[:1])
    while start != -1:
        stretch = iter(extracted[start : start + 2 * len(wanted)])
        if all(letter in stretch for letter in wanted):
            return True
        start = extracted.find(wanted[:1], start + 1)
    return False


def pdf_text(content: bytes, tmp_path: Path, *options: str) -> str:
    if shutil.which("pdftotext") is None:
        skip_or_fail("no pdftotext (apt-get install poppler-utils)")
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", *options, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return compact(result.stdout)


def pdf_readings(content: bytes, tmp_path: Path) -> tuple[str, str]:
    """The text as poppler reads the page's layout, and in the order the PDF draws it
    (`-raw`). Each garbles a different script in a two-column list: the layout reading puts a
    Tamil vowel sign drawn before its consonant on a line of its own, the drawing order
    gives Arabic words in the order they are painted. A name is there if either finds it."""
    return pdf_text(content, tmp_path), pdf_text(content, tmp_path, "-raw")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo_letter() -> Letter:
    """The demo coalition (36 organisations, Arabic, Japanese and Korean names among them),
    two of them approved but not listed."""
    call_command("seed_demo", verbosity=0)
    letter = Letter.objects.get(slug=LETTER["slug"])
    Endorsement.objects.filter(letter=letter, organization__name__in=UNLISTED).update(
        listed_publicly=False
    )
    return Letter.objects.with_translations().get(pk=letter.pk)


def listed_demo_organisations() -> list[dict[str, str]]:
    return [
        data
        for data in ORGANIZATIONS
        if data.get("status", Endorsement.Status.APPROVED) == Endorsement.Status.APPROVED
        and data["name"] not in UNLISTED
    ]


COALITION = Path(__file__).parent / "data" / "coalition-223.csv"


def coalition_rows() -> list[dict[str, str]]:
    with COALITION.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def coalition_letter(demo_letter: Letter) -> Letter:
    """The demo letter with the 223-organisation coalition (45 countries, five continents,
    names in Arabic, Persian, Hebrew, Devanagari, Bengali, Thai, Japanese, Korean, Georgian,
    Armenian, Ethiopic, Tamil, Cyrillic and Greek among them) imported as staff would."""
    Letter.objects.filter(pk=demo_letter.pk).update(
        moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION
    )
    call_command("import_signatories", "--letter", demo_letter.slug, str(COALITION), verbosity=0)
    imported = Endorsement.objects.filter(
        letter=demo_letter, organization__user__email__endswith=".coalition-syria.example.org"
    )
    assert imported.filter(status=Endorsement.Status.APPROVED).count() == 223
    return Letter.objects.with_translations().get(pk=demo_letter.pk)


def render(letter: Letter, language: str, audience: str = LetterPdf.Audience.PUBLIC) -> bytes:
    return pdf.letter_pdf_render(letter=letter, language=language, audience=audience)


def test_the_english_pdf_has_the_letter_every_country_and_every_listed_name(
    demo_letter: Letter, tmp_path: Path
) -> None:
    text = pdf_text(render(demo_letter, "en"), tmp_path)
    assert contains(text, LETTER["title"])
    assert contains(text, LETTER["recipients"])
    assert contains(text, "Uniting for Peace")  # the body, not only the summary
    listed = listed_demo_organisations()
    for data in listed:
        assert contains(text, data["name"]), data["name"]
    with translation.override("en"):
        for code in {data["country"] for data in listed}:
            assert contains(text, str(countries.name(code))), code
    assert contains(text, "32 organisations from")
    for name in UNLISTED:
        assert not contains(text, name)
    assert contains(text, "In all, 2 signatory organisations asked not to be listed by name.")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pdf_of_the_coalition_names_all_its_organisations_under_their_countries(
    coalition_letter: Letter, tmp_path: Path, language: str
) -> None:
    readings = pdf_readings(render(coalition_letter, language), tmp_path)
    text = readings[0]
    rows = coalition_rows()
    for name in [row["organization"] for row in rows] + [
        data["name"] for data in listed_demo_organisations()
    ]:
        assert any(contains(reading, name) for reading in readings), name
    with translation.override(language):
        for code in {row["country"] for row in rows}:
            assert contains(text, str(countries.name(code))), code
    if language == "en":
        approved_demo = {
            data["country"]
            for data in ORGANIZATIONS
            if data.get("status", Endorsement.Status.APPROVED) == Endorsement.Status.APPROVED
        }
        countries_in_all = len({row["country"] for row in rows} | approved_demo)
        assert contains(text, f"{223 + 32} organisations from {countries_in_all} countries")


def test_the_arabic_pdf_reads_in_arabic_with_every_name_as_entered(
    demo_letter: Letter, tmp_path: Path
) -> None:
    translated = demo_letter.translations.get(language="ar")
    text = pdf_text(render(demo_letter, "ar"), tmp_path)
    assert contains(text, translated.title)
    for data in listed_demo_organisations():
        assert contains(text, data["name"]), data["name"]
    with translation.override("ar"):
        for code in {data["country"] for data in listed_demo_organisations()}:
            assert contains(text, str(countries.name(code))), code
    assert not contains(text, UNLISTED[1])


def test_the_french_pdf_has_french_country_names_in_french_order(
    demo_letter: Letter, tmp_path: Path
) -> None:
    text = pdf_text(render(demo_letter, "fr"), tmp_path)
    assert contains(text, demo_letter.translations.get(language="fr").title)
    assert contains(text, "Royaume-Uni")
    assert contains(text, "Allemagne")
    assert not contains(text, "United Kingdom")
    # The one order of countries (signatories/countries.py): "Afrique du Sud" before "Allemagne".
    assert text.index(compact("Afrique du Sud")) < text.index(compact("Allemagne"))


def test_the_staff_copy_counts_the_unlisted_by_country_but_names_none(
    demo_letter: Letter, tmp_path: Path
) -> None:
    text = pdf_text(render(demo_letter, "en", LetterPdf.Audience.STAFF), tmp_path)
    for name in UNLISTED:
        assert not contains(text, name)
    assert text.count(compact("and 1 organisation that asked not to be listed")) == 2
    assert contains(text, "In all, 2 signatory organisations asked not to be listed by name.")
    assert contains(text, listed_demo_organisations()[0]["name"])


def test_a_name_that_looks_like_markup_is_printed_as_text_and_reads_no_file(
    letter: Letter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [
        '<img src="file:///etc/passwd">',
        '<style>@import url("file:///etc/passwd");</style>',
        "Peace url(file:///etc/hostname) Network",
    ]
    for name in names:
        EndorsementFactory(letter=letter, organization__name=name, approved=True)
    fetched: list[str] = []
    real_fetch = pdf.fonts_only_fetcher().fetch

    def recording_fetch(self: Any, url: str, headers: Any = None) -> Any:
        fetched.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(pdf.fonts_only_fetcher(), "fetch", recording_fetch)
    text = pdf_text(render(letter, "en"), tmp_path)
    for name in names:
        assert contains(text, name)
    assert "root:" not in text
    assert fetched
    assert all(pdf.vendored_font(url) for url in fetched), fetched


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        f"file://{pdf.FONTS_DIR}/../../coalition/settings.py",
        f"file://{pdf.FONTS_DIR}/%2e%2e/%2e%2e/coalition/settings.py",
        "http://127.0.0.1:6379/",
        "https://example.org/font.ttf",
        "data:text/plain,hello",
        f"file://attacker.example.org{pdf.FONTS_DIR}/NotoSans-Regular.ttf",
    ],
)
def test_the_renderer_refuses_every_file_but_the_vendored_fonts(url: str) -> None:
    with pytest.raises(ValueError, match="only its vendored fonts"):
        pdf.fonts_only_fetcher()().fetch(url)


def test_the_renderer_reads_a_vendored_font() -> None:
    response = pdf.fonts_only_fetcher()().fetch((pdf.FONTS_DIR / "NotoSans-Regular.ttf").as_uri())
    assert response is not None


@pytest.fixture
def stored_pdf(letter: Letter) -> LetterPdf:
    EndorsementFactory(letter=letter, organization__name="Lanternfield Rights", approved=True)
    pdf.letter_pdf_generate(letter_id=letter.pk, language="en", audience="public")
    return LetterPdf.objects.get(letter=letter, language="en", audience="public")


def test_a_stored_pdf_is_served_with_one_query_and_no_rendering(
    client: Client,
    stored_pdf: LetterPdf,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    def no_rendering(**kwargs: object) -> bytes:
        raise AssertionError("a request rendered a PDF")

    monkeypatch.setattr(pdf, "letter_pdf_render", no_rendering)
    url = reverse("letters:pdf", kwargs={"slug": stored_pdf.letter.slug})
    with django_assert_num_queries(1):
        response = client.get(url)
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="{stored_pdf.letter.slug}-en.pdf"'
    )
    assert content.startswith(b"%PDF-")
    assert content == stored_pdf.file.read()


def test_a_missing_pdf_is_queued_once_and_the_reader_asked_to_come_back(
    client: Client, letter: Letter, monkeypatch: pytest.MonkeyPatch, on_commit: Callable
) -> None:
    queued: list[tuple[object, ...]] = []
    monkeypatch.setattr(pdf.in_process, "submit", lambda job, args, *, delay: queued.append(args))
    url = "/fr" + reverse("letters:pdf", kwargs={"slug": letter.slug})
    with on_commit():
        response = client.get(url)
    with on_commit():
        client.get(url)  # a second reader in the same minute queues nothing more
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Le PDF est en préparation" in page
    assert "dans 10 secondes." in page
    assert '<meta http-equiv="refresh" content="10">' in page
    assert queued == [(letter.pk, "fr", "public")]
    assert not LetterPdf.objects.exists()


def test_a_draft_has_no_pdf(client: Client, letter: Letter) -> None:
    letter.status = Letter.Status.DRAFT
    letter.save()
    response = client.get(reverse("letters:pdf", kwargs={"slug": letter.slug}))
    assert response.status_code == 404


def test_the_letter_page_links_to_its_pdf_in_the_readers_language(
    client: Client, letter: Letter
) -> None:
    response = client.get("/es" + letter.get_absolute_url())
    assert f'href="/es/letters/{letter.slug}/letter.pdf"' in response.content.decode()
    assert "La carta con todas sus firmantes (PDF)" in response.content.decode()


@pytest.fixture
def counted_renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The real renderer, counting its calls."""
    calls: list[tuple[str, str]] = []
    real_render = pdf.letter_pdf_render

    def counting(*, letter: Letter, language: str, audience: str) -> bytes:
        calls.append((language, audience))
        return real_render(letter=letter, language=language, audience=audience)

    monkeypatch.setattr(pdf, "letter_pdf_render", counting)
    return calls


def test_the_refresh_renders_again_only_when_the_list_changed(
    stored_pdf: LetterPdf, counted_renders: list[tuple[str, str]], tmp_path: Path
) -> None:
    letter = stored_pdf.letter
    first_file = stored_pdf.file.name

    assert letter_pdfs_refresh() == 0
    assert counted_renders == []

    EndorsementFactory(letter=letter, organization__name="Réseau Colibri", approved=True)
    assert letter_pdfs_refresh() == 1
    assert letter_pdfs_refresh() == 0
    assert counted_renders == [("en", "public")]
    stored_pdf.refresh_from_db()
    assert stored_pdf.file.name != first_file
    assert contains(pdf_text(stored_pdf.file.read(), tmp_path), "Réseau Colibri")


def test_an_organisation_asking_not_to_be_listed_changes_the_pdf(
    stored_pdf: LetterPdf, counted_renders: list[tuple[str, str]], tmp_path: Path
) -> None:
    Endorsement.objects.filter(letter=stored_pdf.letter).update(listed_publicly=False)
    assert letter_pdfs_refresh() == 1
    stored_pdf.refresh_from_db()
    text = pdf_text(stored_pdf.file.read(), tmp_path)
    assert not contains(text, "Lanternfield Rights")
    assert contains(text, "In all, 1 signatory organisation asked not to be listed by name.")


def test_generating_twice_renders_once(
    stored_pdf: LetterPdf, counted_renders: list[tuple[str, str]]
) -> None:
    assert not pdf.letter_pdf_generate(
        letter_id=stored_pdf.letter_id, language="en", audience="public"
    )
    assert counted_renders == []


def test_the_refresh_leaves_the_pdf_of_a_letter_put_back_to_draft(
    stored_pdf: LetterPdf, counted_renders: list[tuple[str, str]]
) -> None:
    Letter.objects.filter(pk=stored_pdf.letter_id).update(status=Letter.Status.DRAFT)
    EndorsementFactory(letter=stored_pdf.letter, approved=True)
    assert letter_pdfs_refresh() == 0
    assert counted_renders == []


def test_staff_download_the_staff_copy_from_the_letter_admin(
    client: Client, letter: Letter, tmp_path: Path, on_commit: Callable
) -> None:
    EndorsementFactory(letter=letter, organization__name="Quiet Harbour", approved=True)
    EndorsementFactory(
        letter=letter,
        organization__name="Hidden Hands",
        organization__country="GH",
        approved=True,
        listed_publicly=False,
    )
    moderator = make_moderator()
    moderator.user_permissions.add(Permission.objects.get(codename="view_letter"))
    client.force_login(moderator)
    change_page = client.get(reverse("admin:letters_letter_change", args=[letter.pk]))
    link = reverse("admin:letters_letter_pdf", args=[letter.pk, "en"])
    assert f'href="{link}"' in change_page.content.decode()

    # Not rendered yet: tasks run eagerly in the tests, so the copy is ready at once after.
    with on_commit():
        assert client.get(link).status_code == 503
    response = client.get(link)
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content), tmp_path)
    assert contains(text, "Quiet Harbour")
    assert not contains(text, "Hidden Hands")
    assert contains(text, "Ghana")
    assert contains(text, "and 1 organisation that asked not to be listed")
    assert LetterPdf.objects.get().audience == LetterPdf.Audience.STAFF


def test_the_staff_copy_is_not_for_the_public(client: Client, letter: Letter) -> None:
    link = reverse("admin:letters_letter_pdf", args=[letter.pk, "en"])
    response = client.get(link)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    organisation = OrganizationFactory()
    client.force_login(organisation.user)
    assert client.get(link).status_code == 302
    assert not LetterPdf.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_prepares_the_pdf_a_reader_asked_for(
    client: Client, letter: Letter, start_worker: Callable[..., Any], settings: Any
) -> None:
    EndorsementFactory(letter=letter, organization__name="Kente Thread Network", approved=True)
    start_worker(queues="pdf", MEDIA_ROOT=str(settings.MEDIA_ROOT))
    url = reverse("letters:pdf", kwargs={"slug": letter.slug})
    assert client.get(url).status_code == 503
    deadline = time.monotonic() + 90
    while not LetterPdf.objects.filter(letter=letter).exists():
        assert time.monotonic() < deadline, "the worker never stored the PDF"
        time.sleep(0.5)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_pdf_of_a_delivered_letter_bears_the_day_it_was_delivered(
    demo_letter: Letter, tmp_path: Path
) -> None:
    demo_letter.delivered_on = date(2026, 3, 12)
    demo_letter.delivered_to = "UN Member States"
    text = pdf_text(render(demo_letter, "fr"), tmp_path)
    assert contains(text, "12 mars 2026")


def test_a_contact_name_or_email_change_renders_no_pdf_again(
    stored_pdf: LetterPdf, counted_renders: list[tuple[str, str]]
) -> None:
    organization = Endorsement.objects.get(letter=stored_pdf.letter).organization
    organization.contact_name = "A new person at the desk"
    organization.save()
    organization.user.email = "new-desk@lanternfield.example.org"
    organization.user.save()
    assert letter_pdfs_refresh() == 0
    assert counted_renders == []


@pytest.mark.parametrize(
    ("field", "value", "printed"),
    [("name", "Lanternfield Rights Alliance", "Lanternfield Rights Alliance"),
     ("city", "Kumasi", "Kumasi"),
     ("country", "GH", "Ghana")],
)  # fmt: skip
def test_a_printed_detail_corrected_by_a_moderator_renders_the_pdf_again(
    stored_pdf: LetterPdf,
    counted_renders: list[tuple[str, str]],
    tmp_path: Path,
    on_commit: Callable,
    field: str,
    value: str,
    printed: str,
) -> None:
    organization = Endorsement.objects.get(letter=stored_pdf.letter).organization
    details = OrganizationDetails(
        **{
            key: str(getattr(organization, key))
            for key in ("name", "country", "city", "website", "kind", "contact_name")
        }
        | {field: value}
    )
    # Without beat: the correction itself has the PDF rendered again.
    with on_commit():
        organization_correct(organization=organization, details=details)
    assert counted_renders == [("en", "public")]
    stored_pdf.refresh_from_db()
    assert contains(pdf_text(stored_pdf.file.read(), tmp_path), printed)
    assert letter_pdfs_refresh() == 0


def test_the_pdf_renders_on_a_queue_of_its_own_and_mail_on_the_default_one() -> None:
    router = celery_app.amqp.router
    for name in ("letters.tasks.letter_pdf_generate", "letters.tasks.letter_pdfs_refresh"):
        assert router.route({}, name)["queue"].name == "pdf"
    assert router.route({}, "signatories.outbox.outbox_send")["queue"].name == "celery"


def wait_for_the_served_pdf(client: Client, url: str, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(url)
        if response.status_code == 200:
            return b"".join(response.streaming_content)
        assert time.monotonic() < deadline, "the PDF was never served"
        time.sleep(0.2)


@pytest.mark.render_thread
@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_first_reader_is_told_at_once_and_the_pdf_follows(
    client: Client, letter: Letter, tmp_path: Path
) -> None:
    approved_signatories_in_bulk(letter, 400)
    url = reverse("letters:pdf", kwargs={"slug": letter.slug})
    started = time.monotonic()
    response = client.get(url)
    answered_in = time.monotonic() - started
    assert response.status_code == 503
    assert "This page reloads by itself in 10 seconds." in response.content.decode()
    # Before, the render ran in the request on commit: 6.8 s, then the same 503.
    assert answered_in < 1.5
    assert not LetterPdf.objects.exists()
    content = wait_for_the_served_pdf(client, url, timeout=60)
    assert contains(pdf_text(content, tmp_path), "Civil Society Network for Peace and Dignity 399")


@pytest.mark.render_thread
@pytest.mark.django_db(transaction=True)
def test_without_beat_a_burst_of_approvals_reaches_the_pdf_in_one_render(
    client: Client,
    letter: Letter,
    tmp_path: Path,
    settings: Any,
    counted_renders: list[tuple[str, str]],
) -> None:
    settings.PDF_CHANGE_DELAY_SECONDS = 2
    EndorsementFactory(letter=letter, organization__name="Lanternfield Rights", approved=True)
    pdf.letter_pdf_generate(letter_id=letter.pk, language="en", audience="public")
    first_file = LetterPdf.objects.get().file.name
    counted_renders.clear()
    # A flushed database has no moderators' group (a migration makes it): anyone may decide.
    moderator = User.objects.create(email="moderator@coalition.example.org")
    newcomers = [
        EndorsementFactory(letter=letter, organization__name=name)
        for name in ("Réseau Colibri", "Kente Thread Network", "Harbour of Hope")
    ]
    for endorsement in newcomers:
        assert endorsement_approve(endorsement=endorsement, moderator=moderator)
    deadline = time.monotonic() + 30
    while LetterPdf.objects.get().file.name == first_file:
        assert time.monotonic() < deadline, "the approvals never reached the PDF"
        time.sleep(0.2)
    url = reverse("letters:pdf", kwargs={"slug": letter.slug})
    text = pdf_text(wait_for_the_served_pdf(client, url, timeout=10), tmp_path)
    assert contains(text, "Harbour of Hope")
    assert contains(text, "Réseau Colibri")
    assert contains(text, "4 organisations")
    time.sleep(settings.PDF_CHANGE_DELAY_SECONDS + 1)
    assert counted_renders == [("en", "public")]
