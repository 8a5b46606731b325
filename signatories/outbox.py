"""The outbox: every mail is a row written with the change that causes it, then sent by Celery.

A row is claimed (queued -> sending) by one conditional UPDATE before anything is sent, so a
retried or duplicated task sends it once. Rows that wait too long, because Redis or the worker
was down, are handed to Celery again by a periodic sweep.
"""

from __future__ import annotations

import logging
import random
import re
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from coalition.breaker import redis_breaker

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


def _render(mail: OutgoingMail) -> dict[str, Any]:
    """Render a mail queued unrendered: the fields that keep the result on its row as any
    other mail's, written with the outcome of the sending (one UPDATE, not two)."""
    render: Callable[[OutgoingMail], Rendered] = import_string(RENDERERS[mail.renderer])
    rendered = render(mail)
    mail.subject = rendered.subject[:300]
    mail.body_text, mail.body_html = rendered.text, rendered.html
    mail.renderer, mail.template, mail.context = "", "", {}
    fields = ["subject", "body_text", "body_html", "renderer", "template", "context"]
    return {name: getattr(mail, name) for name in fields}


def _enqueue(mail_id: int) -> None:
    # The row is committed: whatever the broker does, the sweep sends it later. A broker
    # failure must never become an error page after the user's change was saved, and a broker
    # that failed a moment ago (or whose server the cache found stuck) is not asked again,
    # since each try would hold the request for a full socket timeout.
    app = outgoing_mail_send.app
    redis_breaker(app.conf.broker_url).call(
        lambda: outgoing_mail_send.delay(mail_id),
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


def outgoing_mail_deliver(*, mail_id: int, retry_in: timedelta | None = None) -> Delivery:
    """Send one queued mail. `retry_in` is when the caller will try again on a transient error."""
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return Delivery.SKIPPED
    mail = OutgoingMail.objects.get(pk=mail_id)
    rendered: dict[str, Any] = {}
    if mail.renderer:
        try:
            rendered = _render(mail)
        except Exception as exc:
            # A template error, or what the mail speaks of was deleted meanwhile: trying
            # again would fail the same way.
            OutgoingMail.objects.filter(pk=mail_id).update(
                status=OutgoingMail.Status.FAILED, last_error=f"rendering: {_describe(exc)}"
            )
            logger.exception("Mail %s could not be rendered", mail_id)
            return Delivery.FAILED
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
    try:
        message.send()
    except Exception as exc:
        error = _describe(exc)
        if _is_transient(exc) and mail.attempts < settings.OUTBOX_MAX_ATTEMPTS:
            OutgoingMail.objects.filter(pk=mail_id).update(
                status=OutgoingMail.Status.QUEUED,
                last_error=error,
                next_attempt_at=timezone.now() + (retry_in or timedelta(0)),
                **rendered,
            )
            logger.warning("Mail %s deferred (attempt %s): %s", mail_id, mail.attempts, error)
            return Delivery.RETRY
        OutgoingMail.objects.filter(pk=mail_id).update(
            status=OutgoingMail.Status.FAILED, last_error=error, **rendered
        )
        logger.error("Mail %s failed for good after %s attempts: %s", mail_id, mail.attempts, error)
        return Delivery.FAILED
    # A sent secret has done its work: its text leaves the database, where a backup, a
    # database client or a staff member's query could otherwise still read it.
    removed = {"body_text": REMOVED_BODY, "body_html": ""} if carries_secret(mail.kind) else {}
    OutgoingMail.objects.filter(pk=mail_id).update(
        status=OutgoingMail.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        **{**rendered, **removed},
    )
    return Delivery.SENT


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
        .values_list("pk", flat=True)[:1000]
    )
    for mail_id in waiting:
        _enqueue(mail_id)
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
    delay = backoff_seconds(self.request.retries)
    result = outgoing_mail_deliver(mail_id=mail_id, retry_in=timedelta(seconds=delay))
    # An eager task (no broker: a laptop) would be retried at once, not after `delay`, and
    # spend every attempt in a second: there the row waits for the sweep instead.
    if result is Delivery.RETRY and not self.request.is_eager:
        raise self.retry(countdown=delay)
    return result.value
