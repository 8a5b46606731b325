"""Delivering the letter: staff record when and to whom it was handed over; the page and
count.json say so, and signing closes unless staff reopen the letter for a second round."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from letters.models import Letter, LetterTranslation
from signatories.models import Endorsement, User

from .factories import EndorsementFactory, LetterFactory
from .helpers import sign_form

pytestmark = pytest.mark.django_db

DELIVERY = {
    "delivered_on": date(2026, 3, 12),
    "delivered_to": "the President of the UN General Assembly",
    "delivery_note": "Handed over in New York with 223 signatures.",
    "delivery_url": "https://coalition.example.org/press/delivered",
}


@pytest.fixture
def delivered(db: None) -> Letter:
    letter = LetterFactory(**DELIVERY)
    EndorsementFactory(letter=letter, approved=True, organization__country="SY")
    return letter


def _page(client: Client, url: str) -> str:
    return " ".join(client.get(url).content.decode().split())


def test_a_delivered_letter_shows_its_delivery_on_the_page(
    client: Client, delivered: Letter
) -> None:
    page = _page(client, delivered.get_absolute_url())
    assert (
        "This letter and its signatories were delivered to "
        "<bdi>the President of the UN General Assembly</bdi> on 12 March 2026." in page
    )
    assert "Handed over in New York with 223 signatures." in page
    assert 'href="https://coalition.example.org/press/delivered"' in page
    assert "This letter has been delivered: it no longer takes signatures." in page
    assert "Sign this letter" not in page


def test_count_json_says_when_and_to_whom_the_letter_was_delivered(
    client: Client, delivered: Letter
) -> None:
    data = client.get(f"/letters/{delivered.slug}/count.json").json()
    assert data["signatories"] == 1
    assert data["delivered"] == {
        "on": "2026-03-12",
        "to": "the President of the UN General Assembly",
        "note": "Handed over in New York with 223 signatures.",
        "url": "https://coalition.example.org/press/delivered",
    }


def test_count_json_of_a_letter_not_yet_delivered_says_so(client: Client, letter: Letter) -> None:
    assert client.get(f"/letters/{letter.slug}/count.json").json()["delivered"] is None


def test_a_delivered_letter_refuses_new_signatures_with_a_clear_message(
    client: Client, delivered: Letter
) -> None:
    response = client.post(f"/letters/{delivered.slug}/sign/", sign_form())
    assert response.status_code == 409
    text = " ".join(response.content.decode().split())
    assert (
        "This letter was delivered to <bdi>the President of the UN General Assembly</bdi> "
        "on 12 March 2026: it no longer takes signatures. Nothing was recorded." in text
    )
    assert Endorsement.objects.filter(letter=delivered).count() == 1
    assert not User.objects.filter(email=sign_form()["email"]).exists()


def test_a_letter_reopened_for_a_second_round_takes_signatures_and_still_shows_the_delivery(
    client: Client, delivered: Letter
) -> None:
    delivered.reopened = True
    delivered.save()
    page = _page(client, delivered.get_absolute_url())
    assert "Sign this letter" in page
    assert "The letter is open again for a second round of signatures." in page
    assert "were delivered to" in page
    response = client.post(f"/letters/{delivered.slug}/sign/", sign_form())
    assert response.status_code == 302
    assert Endorsement.objects.filter(letter=delivered).count() == 2


def test_the_delivery_is_shown_in_the_readers_language_with_the_translated_note(
    client: Client, delivered: Letter
) -> None:
    LetterTranslation.objects.create(
        letter=delivered,
        language="fr",
        title="Lettre",
        summary="Résumé",
        body="Texte",
        recipients="États membres",
        delivered_to="la présidente de l'Assemblée générale",
        delivery_note="Remise à New York.",
        published=True,
    )
    page = _page(client, f"/fr{delivered.get_absolute_url()}")
    assert "<bdi>la présidente de l&#x27;Assemblée générale</bdi> le 12 mars 2026" in page
    assert "Remise à New York." in page
    assert "Cette lettre a été remise" in page


def test_the_delivery_note_is_escaped(client: Client) -> None:
    letter = LetterFactory(**{**DELIVERY, "delivery_note": '<script>alert("x")</script>'})
    page = _page(client, letter.get_absolute_url())
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_staff_cannot_reopen_a_letter_that_was_never_delivered() -> None:
    letter = LetterFactory()
    letter.reopened = True
    with pytest.raises(ValidationError) as error:
        letter.full_clean()
    assert "Only a delivered letter can be reopened" in str(error.value)
    # And the database refuses it too, whatever path the write takes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.filter(pk=letter.pk).update(reopened=True)


def test_a_delivery_needs_a_recipient_and_a_date_that_is_not_in_the_future() -> None:
    letter = LetterFactory(delivered_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        letter.full_clean()
    assert set(error.value.message_dict) == {"delivered_on", "delivered_to"}


def test_staff_mark_a_letter_delivered_in_the_admin_and_the_page_changes(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    admin_user = User.objects.create_superuser(email="root@example.org", password="pw-123456789")
    letter = LetterFactory()
    assert "Sign this letter" in _page(client, letter.get_absolute_url())
    staff = Client()
    staff.force_login(admin_user)
    form = {
        "title": letter.title,
        "slug": letter.slug,
        "summary": letter.summary,
        "body": letter.body,
        "recipients": letter.recipients,
        "status": "open",
        "moderation": letter.moderation,
        "original_language": "en",
        "delivered_on": "2026-03-12",
        "delivered_to": "UN Member States",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "initiators-TOTAL_FORMS": "0",
        "initiators-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/admin/letters/letter/{letter.pk}/change/", form)
    assert response.status_code == 302
    page = _page(client, letter.get_absolute_url())
    assert "delivered to <bdi>UN Member States</bdi> on 12 March 2026" in page
    assert "Sign this letter" not in page
    assert client.get(f"/letters/{letter.slug}/count.json").json()["delivered"]["on"] == (
        "2026-03-12"
    )
    response = staff.post(
        f"/admin/letters/letter/{letter.pk}/change/",
        {**form, "delivered_on": "", "delivered_to": "", "reopened": "on"},
    )
    assert response.status_code == 200
    assert "Only a delivered letter can be reopened" in response.content.decode()


def _translation(letter: Letter, language: str, **fields: object) -> LetterTranslation:
    return LetterTranslation.objects.create(
        letter=letter,
        language=language,
        title="Titre",
        summary="Résumé",
        body="Texte",
        recipients="États membres",
        **{"published": True, **fields},
    )


def _change_form(letter: Letter) -> dict[str, str]:
    """The admin's change form of `letter` as its page sends it, with its translations."""
    form = {
        "title": letter.title,
        "slug": letter.slug,
        "summary": letter.summary,
        "body": letter.body,
        "recipients": letter.recipients,
        "status": letter.status,
        "moderation": letter.moderation,
        "original_language": letter.original_language,
        "delivered_on": str(letter.delivered_on or ""),
        "delivered_to": letter.delivered_to,
        "delivery_note": letter.delivery_note,
        "delivery_url": letter.delivery_url,
        "initiators-TOTAL_FORMS": "0",
        "initiators-INITIAL_FORMS": "0",
    }
    translations = list(letter.translations.order_by("pk"))
    form["translations-TOTAL_FORMS"] = form["translations-INITIAL_FORMS"] = str(len(translations))
    for number, translation in enumerate(translations):
        prefix = f"translations-{number}-"
        form.update(
            {
                f"{prefix}id": str(translation.pk),
                f"{prefix}letter": str(letter.pk),
                **{
                    f"{prefix}{field}": getattr(translation, field)
                    for field in ("language", "title", "summary", "body", "recipients")
                },
                f"{prefix}delivered_to": translation.delivered_to,
                f"{prefix}delivery_note": translation.delivery_note,
            }
        )
        if translation.published:
            form[f"{prefix}published"] = "on"
    return form


def _warnings(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


@pytest.mark.parametrize(
    ("staff_language", "warning"),
    [
        (
            "en",
            "French: this published translation leaves “delivered to” or the delivery note "
            "empty, so its page shows the original's words there. Fill them in, in the "
            "translation below.",
        ),
        (
            "ar",
            "الفرنسية: تركت هذه الترجمة المنشورة حقل «سُلِّمت إلى» أو ملاحظة التسليم فارغًا، "
            "فتعرض صفحتها كلمات النص الأصلي في موضعهما. يُرجى ملؤهما في الترجمة أدناه.",
        ),
    ],
)
def test_saving_a_delivered_letter_warns_of_each_published_translation_without_its_delivery(
    admin_client: Client, delivered: Letter, settings, staff_language: str, warning: str
) -> None:
    _translation(delivered, "fr", delivery_note="Remise à New York.")
    _translation(delivered, "ar", delivered_to="رئيسة الجمعية العامة", delivery_note="سُلِّمت.")
    _translation(delivered, "es", published=False)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = staff_language

    response = admin_client.post(
        f"/admin/letters/letter/{delivered.pk}/change/", _change_form(delivered), follow=True
    )

    assert response.redirect_chain[-1][1] == 302
    # French lacks its recipient; Arabic is complete; Spanish is not published yet.
    assert _warnings(response) == [warning]
    assert warning in unescape(response.content.decode())


def test_a_delivered_letter_whose_translations_carry_the_delivery_saves_without_a_warning(
    admin_client: Client, delivered: Letter
) -> None:
    _translation(delivered, "fr", delivered_to="la présidente", delivery_note="Remise.")
    response = admin_client.post(
        f"/admin/letters/letter/{delivered.pk}/change/", _change_form(delivered), follow=True
    )
    assert response.redirect_chain[-1][1] == 302
    assert _warnings(response) == []
    # Filling the missing field in the translation itself ends the warning too.
    page = _translation(delivered, "ar", delivery_note="سُلِّمت.")
    response = admin_client.post(
        f"/admin/letters/letter/{delivered.pk}/change/", _change_form(delivered), follow=True
    )
    assert [w.split(":")[0] for w in _warnings(response)] == ["Arabic"]
    form = _change_form(delivered)
    number = list(delivered.translations.order_by("pk")).index(page)
    form[f"translations-{number}-delivered_to"] = "رئيسة الجمعية العامة"
    response = admin_client.post(f"/admin/letters/letter/{delivered.pk}/change/", form, follow=True)
    assert _warnings(response) == []
