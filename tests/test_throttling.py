"""Throttling that throttles: Coalition never relays mail for a bot. Signatures past a cap are
saved and held; their mail waits for a moderator's "release and send"."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.test import Client

from letters.models import Letter
from signatories.models import Endorsement, OutgoingMail
from signatories.services.signing import MAIL_CAP_PER_NETWORK

from .factories import LetterFactory
from .helpers import confirmation_link, form_shown_seconds_ago, make_moderator, sign_form

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]
BOT_IP = "192.0.2.50"
SEND_AGAIN = "For your security, a form can be sent only once"


def sign_as_stranger(letter: Letter, n: int) -> None:
    # The bot forges X-Forwarded-For each time; only the real peer address counts.
    client = Client(REMOTE_ADDR=BOT_IP, HTTP_X_FORWARDED_FOR=f"10.0.{n // 250}.{n % 250}")
    form = sign_form(
        name=f"Stranger {n}", email=f"victim{n}@elsewhere.example", website="", contact_name="X"
    )
    response = client.post(f"/letters/{letter.slug}/sign/", form)
    assert response.status_code == 302


def test_forty_sign_ups_from_one_network_are_all_saved_but_mail_stops_at_the_cap(
    settings, on_commit: OnCommit, mailoutbox: list
) -> None:
    assert settings.SIGN_MAIL_PER_NETWORK == 30  # the documented default
    letter = LetterFactory()
    with on_commit():
        for n in range(40):
            sign_as_stranger(letter, n)
    assert Endorsement.objects.count() == 40
    assert len(mailoutbox) == 30
    unmailed = Endorsement.objects.exclude(
        organization__user__email__in=[m.to[0] for m in mailoutbox]
    )
    assert unmailed.count() == 10
    assert all(MAIL_CAP_PER_NETWORK in e.held_reason for e in unmailed)
    assert all(e.status == Endorsement.Status.UNVERIFIED for e in unmailed)


def test_a_moderator_releases_and_sends_a_held_confirmation_mail(
    settings, on_commit: OnCommit, mailoutbox: list
) -> None:
    settings.SIGN_MAIL_PER_NETWORK = 1
    letter = LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)
    with on_commit():
        sign_as_stranger(letter, 1)
        sign_as_stranger(letter, 2)
    assert [m.to for m in mailoutbox] == [["victim1@elsewhere.example"]]
    held = Endorsement.objects.get(organization__user__email="victim2@elsewhere.example")

    moderator = Client()
    moderator.force_login(make_moderator())
    with on_commit():
        response = moderator.post(
            "/admin/signatories/endorsement/",
            {"action": "release_and_send", "_selected_action": [held.pk], "status__exact": "all"},
            follow=True,
        )
    assert "1 confirmation mail released and sent" in response.content.decode()
    assert mailoutbox[-1].to == ["victim2@elsewhere.example"]
    with on_commit():
        Client().post(confirmation_link(mailoutbox[-1]))
    held.refresh_from_db()
    assert held.status == Endorsement.Status.PENDING  # held: a person looks before publishing


def test_a_double_click_saves_one_signature_and_sends_one_mail(
    client: Client, letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    form = sign_form()
    with on_commit():
        first = client.post(f"/letters/{letter.slug}/sign/", form)
        second = client.post(f"/letters/{letter.slug}/sign/", form)
    assert (first.status_code, second.status_code) == (302, 302)
    assert Endorsement.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_form_token_replayed_for_another_address_saves_nothing_and_mails_nobody(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    token = form_shown_seconds_ago(60)
    with on_commit():
        Client().post(f"/letters/{letter.slug}/sign/", sign_form(started=token))
        replay = Client().post(
            f"/letters/{letter.slug}/sign/",
            sign_form(started=token, email="someone@else.example", name="Replayed"),
        )
    assert replay.status_code == 400
    page = replay.content.decode()
    assert SEND_AGAIN in page
    assert 'value="Replayed"' in page  # what the person typed is still there
    assert Endorsement.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["rania@friends-allies.example.org"]]


def test_a_form_older_than_its_lifetime_is_sent_again_not_lost(
    client: Client, letter: Letter, settings, mailoutbox: list
) -> None:
    settings.SIGN_FORM_MAX_AGE_SECONDS = 3600
    response = client.post(
        f"/letters/{letter.slug}/sign/", sign_form(started=form_shown_seconds_ago(3601))
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert SEND_AGAIN in page
    assert 'value="Friends &amp; Allies of Aleppo"' in page
    assert not Endorsement.objects.exists()
    assert mailoutbox == []


def test_a_forged_form_token_is_held_and_mails_nobody(
    client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    with on_commit():
        response = client.post(f"/letters/{letter.slug}/sign/", sign_form(started="1:forged"))
    assert response.status_code == 302  # the same answer as anyone
    assert "forged" in Endorsement.objects.get().held_reason
    assert not OutgoingMail.objects.exists()
