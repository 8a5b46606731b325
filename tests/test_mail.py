"""Mail goes through the outbox: rendered in both parts, claimed once, retried on temporary
errors, marked failed on permanent ones, and swept when it waited too long."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from datetime import timedelta
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from django.db import connection, connections
from django.utils import timezone

from signatories import emails, outbox
from signatories.models import OutgoingMail
from signatories.outbox import backoff_seconds

from .conftest import Inbox, free_port, skip_or_fail
from .factories import EndorsementFactory

pytestmark = pytest.mark.django_db
# Where the test backend takes a message: the outbox sends over a connection it opened itself.
SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


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
    with mock.patch(SEND, side_effect=error):
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
    with mock.patch(SEND, side_effect=TimeoutError()):
        assert outbox.outgoing_mail_deliver(mail_id=mail.pk) is outbox.Delivery.RETRY
    assert outbox.outgoing_mail_deliver(mail_id=mail.pk) is outbox.Delivery.SENT
    (message,) = mailoutbox
    assert "is under review" in message.subject
    assert "Friends & Allies <Coalition>" in message.body


def test_a_refused_connection_is_temporary(endorsement) -> None:
    mail = emails.send_endorsement_received(endorsement)
    with mock.patch(SEND, side_effect=ConnectionRefusedError()):
        assert outbox.outgoing_mail_deliver(mail_id=mail.pk) is outbox.Delivery.RETRY


def test_a_permanent_smtp_error_marks_the_mail_failed(endorsement) -> None:
    mail = emails.send_endorsement_received(endorsement)
    error = smtplib.SMTPRecipientsRefused({mail.to: (550, b"no such user")})
    with mock.patch(SEND, side_effect=error):
        assert outbox.outgoing_mail_deliver(mail_id=mail.pk) is outbox.Delivery.FAILED
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert "550" in mail.last_error
    assert "Friends & Allies" in mail.body_text  # what could not be delivered, for staff


def test_temporary_errors_give_up_after_the_last_attempt(endorsement, settings) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    mail = emails.send_endorsement_received(endorsement)
    results = []
    with mock.patch(SEND, side_effect=TimeoutError()):
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


def test_the_sweep_sends_mail_that_waited_too_long_oldest_first(endorsement, mailoutbox) -> None:
    fresh = emails.send_endorsement_received(endorsement)
    old = emails.send_endorsement_published(endorsement)
    OutgoingMail.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert outbox.outgoing_mail_sweep() == 1
    # The batch the sweep starts takes whatever else is due, oldest first.
    assert [m.subject for m in mailoutbox] == [
        "Your endorsement of “Peace & Justice for Aleppo” is published",
        "Your endorsement of “Peace & Justice for Aleppo” is under review",
    ]
    fresh.refresh_from_db()
    assert fresh.status == OutgoingMail.Status.SENT


def test_the_sweep_leaves_fresh_mail_to_the_task_published_for_it(endorsement, mailoutbox) -> None:
    fresh = emails.send_endorsement_received(endorsement)
    assert outbox.outgoing_mail_sweep() == 0
    assert mailoutbox == []
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
    with mock.patch(SEND, side_effect=error):
        outbox.outgoing_mail_deliver(mail_id=mail.pk)
    mail.refresh_from_db()
    assert "550" in mail.last_error
    assert mail.to not in mail.last_error
    assert mail.to not in caplog.text


# Batches: a real SMTP server (aiosmtpd) counts connections and what it received.


class DeferringInbox(Inbox):
    """Answers 451 ("try again later") for the addresses in `deferred`, as a greylisting
    server does, and takes every other recipient."""

    def __init__(self) -> None:
        super().__init__()
        self.deferred: set[str] = set()

    async def handle_RCPT(
        self, server: object, session: object, envelope: Envelope, address: str, options: list
    ) -> str:
        if address in self.deferred:
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp_relay(settings) -> Iterator[DeferringInbox]:
    inbox = DeferringInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def queued_mails(count: int) -> list[OutgoingMail]:
    """`count` mails queued and not yet published, each to an organisation of its own."""
    return [
        emails.send_endorsement_received(EndorsementFactory(letter__title="Peace & Justice"))
        for _ in range(count)
    ]


def received(inbox: Inbox) -> list[str]:
    return sorted(message["To"] for message in inbox.messages)


def test_twenty_queued_mails_go_out_over_one_connection_each_received_once(
    smtp_relay: DeferringInbox,
) -> None:
    mails = queued_mails(20)
    assert outbox.outgoing_mail_send.apply(args=(mails[0].pk,)).get() == "20 sent"
    assert received(smtp_relay) == sorted(mail.to for mail in mails)
    assert len(smtp_relay.sessions) == 1  # before: 20 connections, one a mail
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {"sent"}
    # The tasks published for the other nineteen find their mail sent.
    for mail in mails[1:]:
        assert outbox.outgoing_mail_send.apply(args=(mail.pk,)).get() == "nothing due"
    assert len(smtp_relay.messages) == 20


def test_a_recipient_the_server_defers_stays_queued_while_the_others_are_sent(
    smtp_relay: DeferringInbox,
) -> None:
    mails = queued_mails(5)
    greylisted = mails[2]
    smtp_relay.deferred.add(greylisted.to)
    batch = outbox.outgoing_mail_send_batch()
    assert received(smtp_relay) == sorted(mail.to for mail in mails if mail != greylisted)
    greylisted.refresh_from_db()
    assert (greylisted.status, greylisted.attempts) == (OutgoingMail.Status.QUEUED, 1)
    assert "451" in greylisted.last_error
    # Backed off like any retry: 30 s, give or take a quarter.
    assert greylisted.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert batch.outcomes[greylisted.pk].delivery is outbox.Delivery.RETRY
    others = OutgoingMail.objects.exclude(pk=greylisted.pk)
    assert set(others.values_list("status", flat=True)) == {"sent"}

    # Not due yet: the next batch leaves it alone and resends none of the others.
    assert outbox.outgoing_mail_send_batch().outcomes == {}
    OutgoingMail.objects.filter(pk=greylisted.pk).update(next_attempt_at=timezone.now())
    smtp_relay.deferred.clear()
    outbox.outgoing_mail_send_batch()
    assert received(smtp_relay) == sorted(mail.to for mail in mails)
    greylisted.refresh_from_db()
    assert (greylisted.status, greylisted.attempts) == (OutgoingMail.Status.SENT, 2)


def test_a_relay_refusing_connections_defers_the_whole_batch_for_a_retry(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    mails = queued_mails(3)
    outbox.outgoing_mail_send_batch()
    rows = OutgoingMail.objects.filter(pk__in=[mail.pk for mail in mails])
    assert {(row.status, row.attempts) for row in rows} == {(OutgoingMail.Status.QUEUED, 1)}
    assert all("ConnectionRefusedError" in row.last_error for row in rows)
    # Rendered once: the retry sends the text as it was.
    assert all(row.subject.endswith("is under review") and not row.renderer for row in rows)


def test_a_batch_out_of_time_gives_back_the_mail_it_did_not_reach(
    smtp_relay: DeferringInbox, settings
) -> None:
    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 0  # out of time as soon as the first is sent
    first, *rest = queued_mails(3)
    batch = outbox.outgoing_mail_send_batch()
    assert received(smtp_relay) == [first.to]
    assert batch.left == [mail.pk for mail in rest]
    rows = OutgoingMail.objects.filter(pk__in=batch.left)
    # Back in the queue, their attempt not spent, for the next batch to send.
    assert {(row.status, row.attempts) for row in rows} == {(OutgoingMail.Status.QUEUED, 0)}


def test_a_batch_sends_at_most_the_batch_size_oldest_first(
    smtp_relay: DeferringInbox, settings
) -> None:
    settings.OUTBOX_BATCH_SIZE = 3
    mails = queued_mails(5)
    outbox.outgoing_mail_send_batch()
    assert received(smtp_relay) == sorted(mail.to for mail in mails[:3])
    outbox.outgoing_mail_send_batch()
    assert received(smtp_relay) == sorted(mail.to for mail in mails)
    assert len(smtp_relay.sessions) == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_take_the_same_mail() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("SKIP LOCKED is PostgreSQL's (SQLite runs one writer at a time)")
    mails = queued_mails(5)  # committed at once, so sent at once by the eager task
    OutgoingMail.objects.update(status=OutgoingMail.Status.QUEUED, attempts=0)
    # Another worker's batch, caught between claiming its rows and committing.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT id FROM signatories_outgoingmail WHERE id IN (%s, %s) FOR UPDATE",
                [mails[0].pk, mails[1].pk],
            )
            # Waiting for the other's lock would be an error here, not a hung test.
            with connection.cursor() as ours:
                ours.execute("SET lock_timeout = '2s'")
            claimed = outbox._claim_batch(10)
            cursor.execute("ROLLBACK")
    finally:
        other.close()
        with connection.cursor() as ours:
            ours.execute("RESET lock_timeout")
    assert [mail.pk for mail in claimed] == [mail.pk for mail in mails[2:]]
