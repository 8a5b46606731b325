"""The coalition's languages: every page, mail and the letter itself in en, pt-br, es, fr and
ar (right to left)."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import translation

from letters.models import Letter, LetterTranslation
from signatories.models import Endorsement, User

from .factories import EndorsementFactory, LetterFactory
from .helpers import confirmation_link, sign_form

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]
PREFIXED = {"pt-br": "/pt-br", "es": "/es", "fr": "/fr", "ar": "/ar"}


def translated(language: str, text: str) -> str:
    with translation.override(language):
        result = translation.gettext(text)
    assert result != text, f"{text!r} is not translated into {language}"
    return result


def html_tag(page: str) -> str:
    match = re.search(r"<html [^>]*>", page)
    assert match
    return match.group(0)


def html_part(mail) -> str:
    return next(body for body, mime in mail.alternatives if mime == "text/html")


def test_mail_in_english_reads_left_to_right(
    client: Client, on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = LetterFactory()
    with on_commit():
        client.post(f"/letters/{letter.slug}/sign/", sign_form(email="peace@ngo.example.org"))
    assert html_tag(html_part(mailoutbox[-1])) == '<html lang="en" dir="ltr">'


@pytest.fixture
def open_letter() -> Letter:
    letter = LetterFactory(title="Protect civilians")
    EndorsementFactory(letter=letter, approved=True, organization__country="BR")
    return letter


@pytest.mark.parametrize("language", list(PREFIXED))
@pytest.mark.parametrize("page", ["", "sign/", "signatories/"])
def test_each_page_is_in_the_language_of_its_prefix(
    client: Client, open_letter: Letter, language: str, page: str
) -> None:
    response = client.get(f"{PREFIXED[language]}/letters/{open_letter.slug}/{page}")
    assert response.status_code == 200
    body = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert html_tag(body) == f'<html lang="{language}" dir="{direction}">'
    assert translated(language, "Sign in") in body
    assert ">Sign in<" not in body


@pytest.mark.parametrize("language", list(PREFIXED))
def test_a_first_visit_follows_the_browsers_language(
    client: Client, open_letter: Letter, language: str
) -> None:
    response = client.get(f"/letters/{open_letter.slug}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    assert response["Location"] == f"{PREFIXED[language]}/letters/{open_letter.slug}/"
    assert "Accept-Language" in response["Vary"]


def test_a_chosen_language_is_kept_over_the_browsers(client: Client, open_letter: Letter) -> None:
    page = client.get(f"/fr/letters/{open_letter.slug}/").content.decode()
    english = re.search(r'href="(/i18n/choose/en/\?next=[^"]+)"', page)
    assert english, page
    response = client.get(english.group(1).replace("&amp;", "&"))
    assert response["Location"] == f"/letters/{open_letter.slug}/"
    again = client.get(f"/letters/{open_letter.slug}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert again.status_code == 200
    assert html_tag(again.content.decode()).startswith('<html lang="en"')


def test_the_switcher_lists_each_language_in_its_own_name_and_keeps_the_page(
    client: Client, open_letter: Letter
) -> None:
    page = client.get(f"/es/letters/{open_letter.slug}/signatories/?country=BR").content.decode()
    for name in ["English", "Português", "Español", "Français", "العربية"]:
        assert f">{name}</a>" in page
    assert (
        f'href="/i18n/choose/ar/?next=%2Far%2Fletters%2F{open_letter.slug}%2Fsignatories%2F'
        "%3Fcountry%3DBR"
    ) in page
    assert f'hreflang="fr" href="http://testserver/fr/letters/{open_letter.slug}/' in page


def test_count_json_is_one_and_the_same_in_every_language(
    client: Client, open_letter: Letter
) -> None:
    answers = {
        client.get(f"/letters/{open_letter.slug}/count.json", HTTP_ACCEPT_LANGUAGE=language).content
        for language in ["en", *PREFIXED]
    }
    assert len(answers) == 1
    assert client.get(f"/fr/letters/{open_letter.slug}/count.json").status_code == 404


def test_a_letter_reads_in_its_published_translation_and_otherwise_says_it_is_the_original(
    client: Client, open_letter: Letter
) -> None:
    LetterTranslation.objects.create(
        letter=open_letter,
        language="pt-br",
        title="Protejam os civis",
        summary="Resumo.",
        body="Texto **completo**.",
        recipients="Estados-Membros da ONU",
        published=True,
    )
    LetterTranslation.objects.create(
        letter=open_letter,
        language="es",
        title="Borrador sin revisar",
        summary="-",
        body="-",
        recipients="-",
        published=False,
    )
    portuguese = client.get(f"/pt-br/letters/{open_letter.slug}/").content.decode()
    assert "Protejam os civis" in portuguese
    assert "<strong>completo</strong>" in portuguese
    assert 'lang="pt-br"' in portuguese

    french = client.get(f"/fr/letters/{open_letter.slug}/").content.decode()
    assert "Protect civilians" in french
    with translation.override("fr"):
        notice = translation.gettext(
            "This letter is not yet available in %(language)s; you are reading the original "
            "in %(original)s."
        ) % {"language": "français", "original": "English"}
    assert notice in french
    spanish = client.get(f"/es/letters/{open_letter.slug}/").content.decode()
    assert "Borrador sin revisar" not in spanish


def test_an_arabic_speaking_ngo_gets_its_mail_in_arabic_and_signs_in_arabic(
    client: Client, on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = LetterFactory(moderation=Letter.Moderation.REVIEW_FIRST)
    with on_commit():
        response = client.post(
            f"/ar/letters/{letter.slug}/sign/",
            sign_form(name="منظمة السلام", email="salam@ngo.example.org"),
        )
    assert response.status_code == 302
    assert User.objects.get(email="salam@ngo.example.org").language == "ar"
    assert Endorsement.objects.get().language == "ar"
    mail = mailoutbox[-1]
    with translation.override("ar"):
        hello = translation.gettext("Hello,")
    assert hello in mail.body
    assert "Hello," not in mail.body
    # Its HTML part reads right to left: the punctuation, the details table and the links.
    assert html_tag(html_part(mail)) == '<html lang="ar" dir="rtl">'
    # The link opens the confirmation page in Arabic, whatever the browser.
    page = Client().get(confirmation_link(mail)).content.decode()
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    with on_commit():
        Client().post(confirmation_link(mail))
    received = mailoutbox[-1]
    assert received.subject != f"Your endorsement of “{letter.title}” is under review"
    assert html_tag(html_part(received)) == '<html lang="ar" dir="rtl">'
    assert f"/ar/letters/{letter.slug}/" in received.body


def test_country_names_and_the_count_sentence_follow_the_language(
    client: Client, open_letter: Letter
) -> None:
    page = client.get(f"/fr/letters/{open_letter.slug}/signatories/").content.decode()
    assert "Brésil" in page
    arabic = client.get(f"/ar/letters/{open_letter.slug}/signatories/").content.decode()
    assert "البرازيل" in arabic


DEADLINES = {
    "en": "24 December 2026, 17:00 UTC",
    "pt-br": "24 de Dezembro de 2026 às 17:00 UTC",
    "es": "24 de diciembre de 2026 a las 17:00 UTC",
    "fr": "24 décembre 2026 17:00 UTC",
    "ar": "24 ديسمبر 2026، 17:00 UTC",
}


@pytest.mark.parametrize("language", list(DEADLINES))
def test_the_deadline_is_written_the_way_the_language_writes_dates(
    client: Client, language: str
) -> None:
    from datetime import UTC, datetime

    letter = LetterFactory(closes_at=datetime(2026, 12, 24, 17, 0, tzinfo=UTC))
    prefix = PREFIXED.get(language, "")
    body = client.get(f"{prefix}/letters/{letter.slug}/").content.decode()
    assert DEADLINES[language] in body


THOUSANDS = {
    "en": "12,345",
    "pt-br": "12.345",
    "es": "12\xa0345",
    "fr": "12\xa0345",
    "ar": "12,345",
}


@pytest.mark.parametrize("language", list(THOUSANDS))
def test_the_count_groups_its_thousands_the_way_the_language_does(language: str) -> None:
    from django.template.loader import render_to_string

    count = {"signatories": 12345, "countries": 45, "continents": 5}
    with translation.override(language):
        sentence = render_to_string("letters/_count.html", {"count": count})
    assert f"<strong>{THOUSANDS[language]}</strong>" in sentence


def test_an_untranslated_letter_keeps_its_direction_and_the_page_around_it_keeps_the_readers(
    client: Client, open_letter: Letter
) -> None:
    body = client.get(f"/ar/letters/{open_letter.slug}/").content.decode()
    assert '<h1 id="letter-title" lang="en" dir="ltr">' in body
    assert '<article class="letter" aria-labelledby="letter-title">' in body
    assert '<textarea id="embed-code" class="code" rows="4" readonly dir="ltr" lang="en">' in body


def test_an_organisations_own_pages_name_the_letter_in_its_translation(client: Client) -> None:
    letter = LetterFactory(title="Protect civilians")
    LetterTranslation.objects.create(
        letter=letter,
        language="ar",
        title="احموا المدنيين",
        summary="ملخص.",
        body="النص.",
        recipients="الدول الأعضاء",
        published=True,
    )
    endorsement = EndorsementFactory(letter=letter, approved=True)
    client.force_login(endorsement.organization.user)
    dashboard = client.get("/ar/account/").content.decode()
    withdraw = client.get(f"/ar/account/endorsements/{endorsement.uuid}/withdraw/")
    done = client.post(
        f"/ar/account/endorsements/{endorsement.uuid}/withdraw/", follow=True
    ).content.decode()
    for page in (dashboard, withdraw.content.decode(), done):
        assert "احموا المدنيين" in page
        assert "Protect civilians" not in page


def test_the_home_page_names_the_addressees_as_a_label_in_each_language(client: Client) -> None:
    LetterFactory(recipients="Le Président de l'Assemblée générale")
    french = client.get("/fr/").content.decode()
    assert "Destinataires\u00a0: Le Président de l&#x27;Assemblée générale" in french
    assert "Addressed to" not in french


@pytest.mark.parametrize("page", ["sign/", "signatories/"])
def test_the_link_back_to_the_letter_points_back_in_each_direction(
    client: Client, open_letter: Letter, page: str
) -> None:
    english = client.get(f"/letters/{open_letter.slug}/{page}").content.decode()
    arabic = client.get(f"/ar/letters/{open_letter.slug}/{page}").content.decode()
    assert '<span aria-hidden="true">←</span>' in english
    assert '<span aria-hidden="true">→</span>' in arabic


def test_a_sign_in_page_opened_from_an_arabic_page_is_in_arabic_and_so_are_the_next(
    open_letter: Letter,
) -> None:
    reader = Client(HTTP_ACCEPT_LANGUAGE="en-US")
    sign_page = reader.get(f"/ar/letters/{open_letter.slug}/sign/").content.decode()
    assert f"/accounts/login/?next=/ar/letters/{open_letter.slug}/sign/" in sign_page
    login = reader.get(f"/accounts/login/?next=/ar/letters/{open_letter.slug}/sign/")
    assert html_tag(login.content.decode()) == '<html lang="ar" dir="rtl">'
    reset = reader.get("/accounts/password/reset/").content.decode()
    assert html_tag(reset) == '<html lang="ar" dir="rtl">'
    # The header's link from a French page carries its language too.
    french = reader.get("/fr/").content.decode()
    assert 'href="/accounts/login/?next=/fr/account/"' in french
    assert "Set-Cookie" not in reader.get("/fr/").headers


def test_country_and_city_are_joined_the_way_the_language_writes_a_list(client: Client) -> None:
    letter = LetterFactory()
    EndorsementFactory(
        letter=letter, approved=True, organization__country="FR", organization__city="Marseille"
    )
    english = client.get(f"/letters/{letter.slug}/").content.decode()
    arabic = client.get(f"/ar/letters/{letter.slug}/").content.decode()
    assert "France, <bdi>Marseille</bdi>" in english
    assert "فرنسا، <bdi>Marseille</bdi>" in arabic


def test_the_switcher_on_the_confirmation_page_shows_it_in_the_chosen_language(
    client: Client, on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = LetterFactory()
    with on_commit():
        client.post(f"/ar/letters/{letter.slug}/sign/", sign_form(email="salam@ngo.example.org"))
    link = confirmation_link(mailoutbox[-1])
    reader = Client()
    arabic = reader.get(link).content.decode()
    assert html_tag(arabic) == '<html lang="ar" dir="rtl">'
    path = link.split("testserver")[-1]
    switcher = re.search(r'href="/i18n/choose/en/\?next=([^"]+)"', arabic)
    assert switcher and unquote(switcher[1]) == f"{path}?lang=en"
    english = reader.get(f"{link}?lang=en").content.decode()
    assert html_tag(english) == '<html lang="en" dir="ltr">'
    assert "Confirm and sign" in english
