"""A reminder to confirm: a signature still unconfirmed a day after signing gets one reminder,
never more, with a link that confirms it; held and confirmed signatures get none."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from letters.models import Letter
from signatories import tasks
from signatories.models import Endorsement, OutgoingMail

from .helpers import confirmation_link, sign_form

pytestmark = pytest.mark.django_db
OnCommit = Callable[[], AbstractContextManager[list]]
REMINDER_SUBJECT = "Reminder: confirm your signature of"


def sign(letter: Letter, on_commit: OnCommit, mailoutbox: list, **form: str) -> Endorsement:
    with on_commit():
        Client().post(f"/letters/{letter.slug}/sign/", sign_form(**form))
    mailoutbox.clear()
    return Endorsement.objects.get(organization__user__email=sign_form(**form)["email"])


def signed_hours_ago(endorsement: Endorsement, hours: float) -> None:
    Endorsement.objects.filter(pk=endorsement.pk).update(
        signed_at=timezone.now() - timedelta(hours=hours)
    )


def remind(on_commit: OnCommit) -> int:
    with on_commit():
        return tasks.confirmation_reminders_send.delay().get()


def reminders(mailoutbox: list) -> list:
    return [message for message in mailoutbox if message.subject.startswith(REMINDER_SUBJECT)]


def test_an_unconfirmed_signature_gets_one_reminder_after_the_delay_never_two(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    endorsement = sign(letter, on_commit, mailoutbox)
    signed_hours_ago(endorsement, 25)

    assert remind(on_commit) == 1
    assert remind(on_commit) == 0

    sent = reminders(mailoutbox)
    assert [message.to for message in sent] == [["rania@friends-allies.example.org"]]
    assert letter.title in sent[0].subject
    endorsement.refresh_from_db()
    assert endorsement.reminded_at is not None
    assert OutgoingMail.objects.filter(kind="confirmation-reminder").count() == 1


def test_no_reminder_before_the_delay(
    letter: Letter, on_commit: OnCommit, mailoutbox: list, settings
) -> None:
    settings.CONFIRMATION_REMINDER_HOURS = 24
    endorsement = sign(letter, on_commit, mailoutbox)
    signed_hours_ago(endorsement, 23)

    assert remind(on_commit) == 0
    assert reminders(mailoutbox) == []


def test_the_delay_comes_from_the_setting(
    letter: Letter, on_commit: OnCommit, mailoutbox: list, settings
) -> None:
    settings.CONFIRMATION_REMINDER_HOURS = 2
    endorsement = sign(letter, on_commit, mailoutbox)
    signed_hours_ago(endorsement, 3)

    assert remind(on_commit) == 1


def test_a_held_signature_gets_no_reminder(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    endorsement = sign(letter, on_commit, mailoutbox)
    Endorsement.objects.filter(pk=endorsement.pk).update(
        held_reasons=[{"code": "honeypot-filled", "params": {}}]
    )
    signed_hours_ago(endorsement, 48)

    assert remind(on_commit) == 0
    assert reminders(mailoutbox) == []


def test_a_confirmed_signature_gets_no_reminder(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    with on_commit():
        Client().post(f"/letters/{letter.slug}/sign/", sign_form())
    with on_commit():
        Client().post(confirmation_link(mailoutbox[0]))
    endorsement = Endorsement.objects.get()
    assert endorsement.status == Endorsement.Status.PENDING
    signed_hours_ago(endorsement, 48)
    mailoutbox.clear()

    assert remind(on_commit) == 0
    assert reminders(mailoutbox) == []


def test_the_link_in_the_reminder_confirms_the_signature(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    endorsement = sign(letter, on_commit, mailoutbox)
    signed_hours_ago(endorsement, 25)
    remind(on_commit)
    (reminder,) = reminders(mailoutbox)
    link = confirmation_link(reminder)

    page = Client().get(link)
    assert "Friends &amp; Allies of Aleppo" in page.content.decode()
    with on_commit():
        Client().post(link)

    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.PENDING
    assert endorsement.organization.user.emailaddress_set.get().verified is True


def test_the_reminder_speaks_the_language_the_organisation_signed_in(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    with on_commit():
        Client().post(f"/fr/letters/{letter.slug}/sign/", sign_form())
    endorsement = Endorsement.objects.get()
    signed_hours_ago(endorsement, 25)
    mailoutbox.clear()

    remind(on_commit)

    assert mailoutbox[0].subject.startswith("Rappel : confirmez votre signature")
    assert "/accounts/confirm-email/" in mailoutbox[0].body


def test_the_reminder_text_is_withheld_from_staff_once_sent(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    endorsement = sign(letter, on_commit, mailoutbox)
    signed_hours_ago(endorsement, 25)
    remind(on_commit)

    row = OutgoingMail.objects.get(kind="confirmation-reminder")
    assert row.status == OutgoingMail.Status.SENT
    assert "confirm-email" not in row.body_text


@pytest.mark.parametrize(
    "change",
    [
        {"delivered_on": timezone.localdate(), "delivered_to": "UN Member States"},
        {"status": Letter.Status.CLOSED},
    ],
    ids=["delivered", "closed"],
)
def test_no_reminder_once_the_letter_no_longer_takes_signatures(
    letter: Letter, on_commit: OnCommit, mailoutbox: list, change: dict
) -> None:
    endorsement = sign(letter, on_commit, mailoutbox)
    signed_hours_ago(endorsement, 25)
    Letter.objects.filter(pk=letter.pk).update(**change)

    assert remind(on_commit) == 0
    assert reminders(mailoutbox) == []


def test_a_letter_reopened_for_a_second_round_reminds_again(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    endorsement = sign(letter, on_commit, mailoutbox)
    signed_hours_ago(endorsement, 25)
    Letter.objects.filter(pk=letter.pk).update(
        delivered_on=timezone.localdate(), delivered_to="UN Member States", reopened=True
    )

    assert remind(on_commit) == 1
