"""The outbox: every mail is a row written with the change that causes it, then sent by Celery.

A row is claimed (queued -> sending) by one conditional UPDATE before anything is sent, so a
retried or duplicated task sends it once. The worker claims the oldest due rows in batches
(OUTBOX_BATCH_SIZE) and sends a batch over one SMTP connection. Rows that wait too long, because
Redis or the worker was down, are handed to Celery again by a periodic sweep.
"""

from __future__ import annotations

import logging
import random
import re
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from coalition.breaker import redis_breaker

from .mailcontext import BatchReads
from .models import OutgoingMail

logger = logging.getLogger(__name__)
ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")


# Messages whose text staff may read. Every other kind (allauth's) carries a sign-in code, a
# password reset key or a confirmation link: whoever reads one can sign in as its recipient.
READABLE_KINDS = frozenset(
    {
        "endorsement-received",
        "endorsement-published",
        "endorsement-rejected",
        "already-registered",
        "moderation-digest",
        # An update's unsubscribe link only ever stops updates, which staff can do anyway.
        "update",
    }
)
REMOVED_BODY = "[Removed once sent: this message carried a sign-in secret.]"


def carries_secret(kind: str) -> bool:
    return kind not in READABLE_KINDS


class Delivery(Enum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


_network: ContextVar[str] = ContextVar("outbox_network", default="")


@contextmanager
def caused_by_network(network: str) -> Iterator[None]:
    """Mail queued inside this block (ours or allauth's) counts towards that network's
    hourly cap of automatic mail."""
    token = _network.set(network)
    try:
        yield
    finally:
        _network.reset(token)


def current_network() -> str:
    """The network that `caused_by_network` says is causing the mail queued now, if any."""
    return _network.get()


def automatic_mail_count(*, network: str, since: datetime) -> int:
    return OutgoingMail.objects.filter(network=network, created_at__gte=since).count()


# A confirmation link, whichever message carries it: they share one address's share.
CONFIRMATION_KINDS = ("email_confirmation_signup", "email_confirmation", "confirmation-reminder")


def address_mail_allowed(email: str, kinds: tuple[str, ...]) -> bool:
    """Within the address's share of these kinds: SIGN_MAIL_LIMIT mails per window at most."""
    since = timezone.now() - timedelta(seconds=settings.SIGN_MAIL_WINDOW_SECONDS)
    sent = OutgoingMail.objects.filter(to__iexact=email, kind__in=kinds, created_at__gte=since)
    return sent.count() < settings.SIGN_MAIL_LIMIT


def network_mail_cap_reached(network: str) -> bool:
    """Whether this network has caused its share of automatic mail in the current window
    (SIGN_MAIL_PER_NETWORK per SIGN_MAIL_WINDOW_SECONDS), whatever kind each mail was."""
    if not network:
        return False
    since = timezone.now() - timedelta(seconds=settings.SIGN_MAIL_WINDOW_SECONDS)
    return automatic_mail_count(network=network, since=since) >= settings.SIGN_MAIL_PER_NETWORK


# Who renders a mail written to be rendered later, by the row's `renderer`: resolved when the
# worker sends it (the renderers import this module to queue their mail).
RENDERERS = {
    "coalition": "signatories.emails.outgoing_mail_render",
    "allauth": "signatories.adapters.outgoing_mail_render",
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def outgoing_mail_queue_unrendered(
    *,
    kind: str,
    to: str,
    renderer: str,
    template: str,
    context: dict[str, Any],
    language: str,
    headers: dict[str, str] | None = None,
) -> OutgoingMail:
    """Write the mail to the outbox without rendering it: the worker renders it when it sends
    it (a request under a surge writes a row and renders no template). `context` is JSON
    (signatories.mailcontext.freeze)."""
    if renderer not in RENDERERS:
        raise ValueError(f"unknown renderer {renderer!r}")
    mail = OutgoingMail.objects.create(
        kind=kind,
        to=to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        renderer=renderer,
        template=template,
        context=context,
        language=language,
        headers=headers or {},
        network=_network.get(),
    )
    transaction.on_commit(partial(_enqueue, mail.pk))
    return mail


def _render(mail: OutgoingMail, reads: BatchReads) -> dict[str, Any]:
    """Render a mail queued unrendered: the fields that keep the result on its row as any
    other mail's, written with the outcome of the sending (one UPDATE, not two)."""
    render: Callable[[OutgoingMail, BatchReads], Rendered] = import_string(RENDERERS[mail.renderer])
    rendered = render(mail, reads)
    mail.subject = rendered.subject[:300]
    mail.body_text, mail.body_html = rendered.text, rendered.html
    mail.renderer, mail.template, mail.context = "", "", {}
    fields = ["subject", "body_text", "body_html", "renderer", "template", "context"]
    return {name: getattr(mail, name) for name in fields}


def _enqueue(mail_id: int, countdown: float = 0) -> None:
    # The row is committed: whatever the broker does, the sweep sends it later. A broker
    # failure must never become an error page after the user's change was saved, and a broker
    # that failed a moment ago (or whose server the cache found stuck) is not asked again,
    # since each try would hold the request for a full socket timeout.
    app = outgoing_mail_send.app
    redis_breaker(app.conf.broker_url).call(
        lambda: outgoing_mail_send.apply_async((mail_id,), countdown=countdown or None),
        lambda: logger.info("Mail %s left to the outbox sweep: the broker is failing", mail_id),
        what=f"Enqueueing mail {mail_id}",
    )


def _describe(exc: Exception) -> str:
    """The error for logs and staff, without the recipient's address (SMTP servers like to
    quote it), so that erasing an organisation's data leaves none behind."""
    return ADDRESS.sub("<address>", f"{type(exc).__name__}: {exc}")[:2000]


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(400 <= code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    # Disconnections, refused connections and time-outs: the server may come back.
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError)


@dataclass(frozen=True)
class Outcome:
    delivery: Delivery
    # When a deferred mail is due again (its next_attempt_at), for whoever schedules the retry.
    retry_in: timedelta | None = None


def _message(mail: OutgoingMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        mail.subject,
        mail.body_text,
        mail.from_email,
        [mail.to],
        # Replies ("reply to this message") reach a person, not the no-reply sender.
        reply_to=[settings.COALITION_CONTACT_EMAIL] if settings.COALITION_CONTACT_EMAIL else None,
        headers=mail.headers or None,
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    return message


def _record_failure(
    mail: OutgoingMail, exc: Exception, rendered: dict[str, Any], retry_in: timedelta
) -> Outcome:
    error = _describe(exc)
    if _is_transient(exc) and mail.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=OutgoingMail.Status.QUEUED,
            last_error=error,
            next_attempt_at=timezone.now() + retry_in,
            **rendered,
        )
        logger.warning("Mail %s deferred (attempt %s): %s", mail.pk, mail.attempts, error)
        return Outcome(Delivery.RETRY, retry_in)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.FAILED, last_error=error, **rendered
    )
    logger.error("Mail %s failed for good after %s attempts: %s", mail.pk, mail.attempts, error)
    return Outcome(Delivery.FAILED)


def _record_sent(mail: OutgoingMail, rendered: dict[str, Any]) -> Outcome:
    # A sent secret has done its work: its text leaves the database, where a backup, a
    # database client or a staff member's query could otherwise still read it.
    removed = {"body_text": REMOVED_BODY, "body_html": ""} if carries_secret(mail.kind) else {}
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        **{**rendered, **removed},
    )
    return Outcome(Delivery.SENT)


class _Connection:
    """One SMTP connection for a batch, opened when the first message needs it. After a
    failed message it is closed and opened again for the next one: a server that dropped the
    session, or answered 421, would otherwise fail every message after it."""

    def __init__(self) -> None:
        self.backend: BaseEmailBackend = get_connection()
        self.is_open = False
        self.refused = False

    def send(self, message: EmailMultiAlternatives) -> None:
        if not self.is_open:
            try:
                self.backend.open()
            except Exception:
                self.refused = True
                raise
            self.is_open = True
        try:
            self.backend.send_messages([message])
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.is_open:
            self.is_open = False
            # Every outcome is written by now: a QUIT the server does not answer changes none.
            with suppress(Exception):
                self.backend.close()


def _deliver_claimed(
    mails: list[OutgoingMail], retry_in: Callable[[OutgoingMail], timedelta]
) -> tuple[dict[int, Outcome], list[int]]:
    """Render and send claimed rows over one connection, recording each row's outcome as
    soon as it is known (so a worker killed mid-batch has marked sent what it sent). Returns
    the outcomes and the rows given back to the queue unsent because the batch ran out of
    time (see outgoing_mail_send_batch)."""
    outcomes: dict[int, Outcome] = {}
    reads = BatchReads()
    smtp = _Connection()
    # Half the time after which the sweep takes a claimed row back: a slow server must not
    # keep a row "sending" until the sweep hands it to another worker, which would send it
    # a second time.
    deadline = timezone.now() + timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT_SECONDS / 2)
    unreachable: Exception | None = None
    try:
        for index, mail in enumerate(mails):
            if index and timezone.now() >= deadline:
                left = [m.pk for m in mails[index:]]
                _release(left, claimed_at=mail.claimed_at)
                return outcomes, left
            rendered: dict[str, Any] = {}
            if mail.renderer:
                try:
                    rendered = _render(mail, reads)
                except Exception as exc:
                    # A template error, or what the mail speaks of was deleted meanwhile:
                    # trying again would fail the same way.
                    OutgoingMail.objects.filter(pk=mail.pk).update(
                        status=OutgoingMail.Status.FAILED,
                        last_error=f"rendering: {_describe(exc)}",
                    )
                    logger.exception("Mail %s could not be rendered", mail.pk)
                    outcomes[mail.pk] = Outcome(Delivery.FAILED)
                    continue
            if unreachable is not None:
                # The server refused the connection for an earlier mail of this batch: the
                # rest meet the same error without a time-out each.
                outcomes[mail.pk] = _record_failure(mail, unreachable, rendered, retry_in(mail))
                continue
            try:
                smtp.send(_message(mail))
            except Exception as exc:
                if smtp.refused:
                    unreachable = exc
                outcomes[mail.pk] = _record_failure(mail, exc, rendered, retry_in(mail))
                continue
            outcomes[mail.pk] = _record_sent(mail, rendered)
    finally:
        smtp.close()
    return outcomes, []


def _release(mail_ids: list[int], *, claimed_at: datetime | None) -> None:
    """Give rows back to the queue unsent, their attempt not spent; only while they are still
    this batch's claim."""
    OutgoingMail.objects.filter(
        pk__in=mail_ids, status=OutgoingMail.Status.SENDING, claimed_at=claimed_at
    ).update(status=OutgoingMail.Status.QUEUED, attempts=F("attempts") - 1)


def outgoing_mail_deliver(*, mail_id: int, retry_in: timedelta | None = None) -> Delivery:
    """Send one queued mail, and only that one. `retry_in` is when the caller will try again
    on a transient error."""
    claimed = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return Delivery.SKIPPED
    mail = OutgoingMail.objects.get(pk=mail_id)
    outcomes, _left = _deliver_claimed([mail], lambda _mail: retry_in or timedelta(0))
    return outcomes[mail_id].delivery


def _claim_batch(limit: int) -> list[OutgoingMail]:
    """Claim up to `limit` of the oldest due queued rows in one statement. On PostgreSQL, rows
    another worker is claiming at the same moment are skipped rather than waited for (SKIP
    LOCKED), and the status is checked again on the row it locks, so two workers never claim
    one row; SQLite runs one writer at a time and needs neither."""
    # As the ORM would store it (SQLite keeps a datetime as text, in the ORM's format).
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(OutgoingMail._meta.db_table)
    skip_locked = connection.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE SKIP LOCKED" if skip_locked else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608 -- the table's own name
            f"WHERE id IN (SELECT id FROM {table} WHERE status = %s "
            "AND (next_attempt_at IS NULL OR next_attempt_at <= %s) "
            f"ORDER BY created_at, id LIMIT %s{lock}) RETURNING id",
            [OutgoingMail.Status.SENDING, now, OutgoingMail.Status.QUEUED, now, limit],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return list(OutgoingMail.objects.filter(pk__in=ids).order_by("created_at", "pk"))


@dataclass(frozen=True)
class Batch:
    outcomes: dict[int, Outcome]
    # Claimed but given back unsent: the batch ran out of time (a slow server).
    left: list[int]


def outgoing_mail_send_batch(*, limit: int | None = None) -> Batch:
    """Claim up to `limit` (OUTBOX_BATCH_SIZE) of the oldest due mails, render them with what
    they share read once (templates, letters, organisations), and send them over one SMTP
    connection.

    Each mail goes out once. Claiming (queued -> sending, one attempt spent) is committed
    before anything is sent, and each row's outcome is written as soon as the server answers
    for it: a duplicated task finds nothing left to claim, and a worker killed mid-batch has
    marked sent what it sent; the rows it had not finished stay "sending" until the sweep gives
    them back to the queue, after OUTBOX_SENDING_TIMEOUT_SECONDS. As with one mail at a time,
    only the message in flight at the kill can go out twice, and only if the server accepted
    it in the instant before. A batch stops sending at half that time-out and gives back what
    it did not reach, so a slow server cannot keep a row claimed until the sweep hands it out
    again.
    """
    mails = _claim_batch(limit or settings.OUTBOX_BATCH_SIZE)
    outcomes, left = _deliver_claimed(
        mails, lambda mail: timedelta(seconds=backoff_seconds(mail.attempts - 1))
    )
    return Batch(outcomes=outcomes, left=left)


def outgoing_mail_resend(*, mail_id: int) -> bool:
    """Give a failed mail another round of attempts (the staff's "resend")."""
    changed = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.FAILED).update(
        status=OutgoingMail.Status.QUEUED, attempts=0, next_attempt_at=None
    )
    if changed:
        transaction.on_commit(partial(_enqueue, mail_id))
    return bool(changed)


def outgoing_mail_sweep() -> int:
    """Hand to Celery again every mail that has waited too long; returns how many."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    # A worker that died between claiming and finishing leaves the row "sending": after
    # a generous time-out it goes back to the queue.
    OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT_SECONDS),
    ).update(status=OutgoingMail.Status.QUEUED)
    waiting = list(
        OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED)
        .filter(
            Q(next_attempt_at__isnull=True, created_at__lt=stale) | Q(next_attempt_at__lt=stale)
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:1000]
    )
    # One task per batch: each claims the oldest due rows, which these are.
    for start in range(0, len(waiting), settings.OUTBOX_BATCH_SIZE):
        _enqueue(waiting[start])
    return len(waiting)


# The task that sends one row, beside the row it sends. Its name is the one it had in
# signatories.tasks, so that messages already queued under that name still find it.


def backoff_seconds(retries: int) -> float:
    """Exponential backoff with jitter, so that a recovering server is not hit all at once."""
    base = min(
        settings.OUTBOX_BACKOFF_BASE_SECONDS * 2**retries, settings.OUTBOX_BACKOFF_MAX_SECONDS
    )
    return base * random.uniform(0.75, 1.25)


@shared_task(
    name="signatories.tasks.outgoing_mail_send",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def outgoing_mail_send(self: Task, mail_id: int) -> str:
    """Published once per mail, it sends a batch of the oldest due mails (`mail_id`'s among
    them, unless an earlier batch sent it): the tasks published after it then find their mail
    sent and return at once."""
    batch = outgoing_mail_send_batch()
    # An eager task (no broker: a laptop) would run a retry at once, not when it is due, and
    # spend every attempt in a second: there deferred rows wait for the sweep instead.
    if not self.request.is_eager:
        for row_id, outcome in batch.outcomes.items():
            if outcome.delivery is Delivery.RETRY and outcome.retry_in is not None:
                _enqueue(row_id, countdown=outcome.retry_in.total_seconds())
        if batch.left:
            _enqueue(batch.left[0])
    counts = {d.value: 0 for d in Delivery}
    for outcome in batch.outcomes.values():
        counts[outcome.delivery.value] += 1
    return ", ".join(f"{count} {name}" for name, count in counts.items() if count) or "nothing due"
