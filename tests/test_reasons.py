"""Why a signature is held, why its organisation may be a duplicate, why the audit trail moved it:
stored as codes, shown in the reader's language whatever the language of whoever caused them."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from letters.models import Letter
from signatories import reasons
from signatories.models import Endorsement

from .helpers import confirmation_link, make_moderator, sign_form

OnCommit = Callable[[], AbstractContextManager[list]]
pytestmark = pytest.mark.django_db

HINT = "Signed from the same network as “جمعية النور” in the last day."
HELD = "A field hidden from people, which only bots fill in, was filled in."


def arabic_signers_from_one_office(letter: Letter, on_commit: OnCommit) -> Endorsement:
    """Two Arabic-speaking NGOs sign from one connection; the second fills the honeypot."""
    for n, (name, trap) in enumerate([("جمعية النور", ""), ("جمعية الأمل", "x")]):
        with on_commit():
            Client(REMOTE_ADDR="203.0.113.8").post(
                f"/ar/letters/{letter.slug}/sign/",
                sign_form(
                    name=name,
                    email=f"contact@n{n}.example.org",
                    website=f"https://n{n}.example.org",
                    leave_empty=trap,
                ),
            )
    return Endorsement.objects.get(organization__name="جمعية الأمل")


def review_page(endorsement: Endorsement, language: str) -> str:
    client = Client()
    client.force_login(make_moderator(f"moderator-{language}@coalition.example.org"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/admin/signatories/endorsement/{endorsement.pk}/change/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def in_french(msgid: str) -> str:
    with translation.override("fr"):
        return translation.gettext(msgid)


def test_an_arabic_signers_hint_and_hold_read_in_english_to_an_english_moderator(
    letter: Letter, on_commit: OnCommit
) -> None:
    endorsement = arabic_signers_from_one_office(letter, on_commit)
    assert [r["code"] for r in endorsement.organization.duplicate_reasons] == [reasons.SAME_NETWORK]
    assert endorsement.held_reasons == [{"code": reasons.HONEYPOT_FILLED, "params": {}}]
    page = review_page(endorsement, "en")
    assert HINT in page
    assert HELD in page
    with translation.override("ar"):
        arabic_hint = translation.gettext(str(reasons.TEXTS[reasons.SAME_NETWORK]))
    assert arabic_hint.split("%")[0] not in page


def test_the_same_hint_and_hold_read_in_french_to_a_french_moderator(
    letter: Letter, on_commit: OnCommit
) -> None:
    endorsement = arabic_signers_from_one_office(letter, on_commit)
    page = review_page(endorsement, "fr")
    french_hint = in_french("Signed from the same network as %(names)s in the last day.")
    assert french_hint != "Signed from the same network as %(names)s in the last day."
    assert french_hint % {"names": "“جمعية النور”"} in page
    assert in_french(HELD) in page
    assert HINT not in page
    assert HELD not in page


def test_the_audit_trail_speaks_the_readers_language(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    with on_commit():
        Client().post(f"/ar/letters/{letter.slug}/sign/", sign_form(email="owner@n.example.org"))
    with on_commit():
        Client().post(confirmation_link(mailoutbox[-1]), {"decline": "1"})
    endorsement = Endorsement.objects.get()
    event = endorsement.events.last()
    assert (event.reason_code, event.reason) == (reasons.NOT_ME, "")
    assert "The owner of the address said they did not sign." in review_page(endorsement, "en")
    french = review_page(endorsement, "fr")
    assert in_french("The owner of the address said they did not sign.") in french
    assert in_french("email verification") in french
    assert "The owner of the address said they did not sign." not in french


def test_a_reason_this_version_does_not_know_is_shown_as_stored() -> None:
    assert reasons.describe({"code": "note", "params": {"text": "Typed by hand"}}) == (
        "Typed by hand"
    )
    assert reasons.describe({"code": "from-a-newer-version", "params": {}}) == (
        "from-a-newer-version"
    )


def test_an_erased_organisation_leaves_the_hint_not_its_name() -> None:
    stored = [
        {"code": reasons.SAME_NETWORK, "params": {"names": ["Gone", "Stays"]}},
        {"code": reasons.SAME_NAME, "params": {"other": "Gone"}},
    ]
    assert reasons.renamed(stored, former="Gone", now="Erased") == [
        {"code": reasons.SAME_NETWORK, "params": {"names": ["Erased", "Stays"]}},
        {"code": reasons.SAME_NAME, "params": {"other": "Erased"}},
    ]
