"""Celery beat's entry points. The task that sends a mail lives beside the outbox
(signatories.outbox.outgoing_mail_send)."""

from __future__ import annotations

from celery import shared_task

from . import counts, outbox, uploads
from .services import moderation, privacy, reminders, updates


@shared_task(acks_late=True)
def outbox_sweep() -> int:
    return outbox.outgoing_mail_sweep()


@shared_task(acks_late=True)
def signatory_counts_reconcile() -> int:
    return counts.signatory_counts_reconcile()


@shared_task(acks_late=True)
def moderation_digest_send() -> int:
    return moderation.moderation_digest_send()


@shared_task(acks_late=True)
def unverified_signups_purge() -> int:
    return privacy.unverified_signups_purge()


@shared_task(acks_late=True)
def import_uploads_remove_stale() -> int:
    return uploads.import_uploads_remove_stale()


@shared_task(acks_late=True)
def confirmation_reminders_send() -> int:
    return reminders.confirmation_reminders_send()


@shared_task(acks_late=True)
def updates_resume() -> int:
    return updates.updates_resume()
