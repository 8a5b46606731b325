"""Mail goes through the outbox: rendered in both parts, claimed once, retried on temporary
errors, marked failed on permanent ones, and swept when it waited too long."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from signatories import emails, outbox
from signatories.models import OutgoingMail
from signatories.outbox import backoff_seconds

from .factories import EndorsementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def endorsement():
    return EndorsementFactory(
        organization__name="Friends & Allies <Coalition>",
        letter__title="Peace & Justice for Aleppo",
        rejection_reason="We could not verify that “Friends & Allies” exists.",
    )


def sent(mail: OutgoingMail) -> OutgoingMail:
    """The row once the worker has rendered and sent it."""
    outbox.outgoing_mail_deliver(mail_id=mail.pk)
    mail.refresh_from_db()
    return mail


def test_names_with_ampersands_and_accents_arrive_intact_in_plain_text(endorsement) -> None:
    endorsement.organization.name = "Réseau Élan & Friends"
    endorsement.organization.save()
    mail = sent(emails.send_endorsement_received(endorsement))
    assert "Réseau Élan & Friends" in mail.body_text
    assert "&amp;" not in mail.body_text
    assert mail.subject == "Your endorsement of “Peace & Justice for Aleppo” is under review"


def test_html_part_escapes_markup_in_names(endorsement) -> None:
    mail = sent(emails.send_endorsement_received(endorsement))
    assert "Friends &amp; Allies &lt;Coalition&gt;" in mail.body_html
    assert "<Coalition>" not in mail.body_html


@pytest.mark.parametrize(
    ("send", "subject_part"),
    [
        (emails.send_endorsement_received, "is under review"),
        (emails.send_endorsement_published, "is published"),
        (emails.send_endorsement_rejected, "was not accepted"),
    ],
)
def test_each_message_has_a_plain_and_an_html_part(
    endorsement, send, subject_part, mailoutbox
) -> None:
    send(endorsement)
    outbox.outgoing_mail_deliver(mail_id=OutgoingMail.objects.get().pk)
    (message,) = mailoutbox
    assert subject_part in message.subject
    assert message.to == [endorsement.organization.user.email]
    assert message.alternatives[0][1] == "text/html"
    assert "http://testserver/letters/" in message.body


def test_the_rejection_mail_carries_the_moderators_reason(endorsement) -> None:
    mail = sent(emails.send_endorsement_rejected(endorsement))
    assert "We could not verify that “Friends & Allies” exists." in mail.body_text


def test_a_mail_is_sent_once_even_if_its_task_runs_twice(endorsement, mailoutbox) -> None:
    mail = emails.send_endorsement_received(endorsement)
    first = outbox.outgoing_mail_deliver(mail_id=mail.pk)
    second = outbox.outgoing_mail_deliver(mail_id=mail.pk)
    assert (first, second) == (outbox.Delivery.SENT, outbox.Delivery.SKIPPED)
    assert len(mailoutbox) == 1
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT and mail.sent_at is not None


def test_a_temporary_smtp_error_keeps_the_mail_queued_for_a_retry(endorsement) -> None:
    mail = emails.send_endorsement_received(endorsement)
    error = smtplib.SMTPResponseException(451, b"try again later")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=error):
        result = outbox.outgoing_mail_deliver(mail_id=mail.pk, retry_in=timedelta(minutes=2))
    assert result is outbox.Delivery.RETRY
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.QUEUED
    assert mail.attempts == 1
    assert "451" in mail.last_error
    assert mail.next_attempt_at > timezone.now() + timedelta(minutes=1)
    # What was rendered stays on the row: staff read it in the outbox, the retry sends it.
    assert mail.subject.endswith("is under review") and "Friends & Allies" in mail.body_text
    assert mail.renderer == ""


def test_a_mail_deferred_once_is_sent_on_the_retry_with_its_text(endorsement, mailoutbox) -> None:
    mail = emails.send_endorsement_received(endorsement)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=TimeoutError()):
        assert outbox.outgoing_mail_deliver(mail_id=mail.pk) is outbox.Delivery.RETRY
    assert outbox.outgoing_mail_deliver(mail_id=mail.pk) is outbox.Delivery.SENT
    (message,) = mailoutbox
    assert "is under review" in message.subject
    assert "Friends & Allies <Coalition>" in message.body


def test_a_refused_connection_is_temporary(endorsement) -> None:
    mail = emails.send_endorsement_received(endorsement)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError()):
        assert outbox.outgoing_mail_deliver(mail_id=mail.pk) is outbox.Delivery.RETRY


def test_a_permanent_smtp_error_marks_the_mail_failed(endorsement) -> None:
    mail = emails.send_endorsement_received(endorsement)
    error = smtplib.SMTPRecipientsRefused({mail.to: (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=error):
        assert outbox.outgoing_mail_deliver(mail_id=mail.pk) is outbox.Delivery.FAILED
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert "550" in mail.last_error
    assert "Friends & Allies" in mail.body_text  # what could not be delivered, for staff


def test_temporary_errors_give_up_after_the_last_attempt(endorsement, settings) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    mail = emails.send_endorsement_received(endorsement)
    results = []
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=TimeoutError()):
        for _ in range(3):
            results.append(outbox.outgoing_mail_deliver(mail_id=mail.pk))
    assert results == [outbox.Delivery.RETRY, outbox.Delivery.RETRY, outbox.Delivery.FAILED]


def test_backoff_grows_with_jitter_and_keeps_trying_for_over_an_hour(settings) -> None:
    delays = [backoff_seconds(n) for n in range(settings.OUTBOX_MAX_ATTEMPTS - 1)]
    assert delays[1] > delays[0]
    assert sum(delays) > 3600
    assert len({round(backoff_seconds(3), 3) for _ in range(10)}) > 1


def test_a_failed_mail_can_be_resent(endorsement, mailoutbox, on_commit) -> None:
    mail = emails.send_endorsement_received(endorsement)
    OutgoingMail.objects.filter(pk=mail.pk).update(status=OutgoingMail.Status.FAILED, attempts=12)
    with on_commit():
        assert outbox.outgoing_mail_resend(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert len(mailoutbox) == 1


def test_the_sweep_sends_mail_that_waited_too_long(endorsement, mailoutbox) -> None:
    fresh = emails.send_endorsement_received(endorsement)
    old = emails.send_endorsement_published(endorsement)
    OutgoingMail.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert outbox.outgoing_mail_sweep() == 1
    assert [m.subject for m in mailoutbox] == [
        "Your endorsement of “Peace & Justice for Aleppo” is published"
    ]
    fresh.refresh_from_db()
    assert fresh.status == OutgoingMail.Status.QUEUED


def test_the_sweep_requeues_mail_whose_worker_vanished_while_sending(
    endorsement, mailoutbox
) -> None:
    mail = emails.send_endorsement_received(endorsement)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENDING,
        claimed_at=timezone.now() - timedelta(hours=1),
        created_at=timezone.now() - timedelta(hours=1),
    )
    outbox.outgoing_mail_sweep()
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert len(mailoutbox) == 1


def test_errors_kept_for_staff_and_logs_never_hold_the_recipients_address(
    endorsement, caplog: pytest.LogCaptureFixture
) -> None:
    mail = emails.send_endorsement_received(endorsement)
    error = smtplib.SMTPRecipientsRefused(
        {mail.to: (550, f"5.1.1 <{mail.to}>: Recipient address rejected".encode())}
    )
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=error):
        outbox.outgoing_mail_deliver(mail_id=mail.pk)
    mail.refresh_from_db()
    assert "550" in mail.last_error
    assert mail.to not in mail.last_error
    assert mail.to not in caplog.text
