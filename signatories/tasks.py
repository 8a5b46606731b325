"""Celery beat's entry points, each a service run on its schedule under the name beat knows
(coalition/settings.py's CELERY_BEAT_SCHEDULE). The task that sends a mail lives beside the
outbox (signatories.outbox.outgoing_mail_send)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import shared_task

from . import counts, outbox, uploads
from .services import moderation, privacy, reminders, updates


def _beat_task(name: str, run: Callable[[], int]) -> Any:
    return shared_task(name=f"signatories.tasks.{name}", acks_late=True)(run)


outbox_sweep = _beat_task("outbox_sweep", outbox.outgoing_mail_sweep)
signatory_counts_reconcile = _beat_task(
    "signatory_counts_reconcile", counts.signatory_counts_reconcile
)
moderation_digest_send = _beat_task("moderation_digest_send", moderation.moderation_digest_send)
unverified_signups_purge = _beat_task("unverified_signups_purge", privacy.unverified_signups_purge)
import_uploads_remove_stale = _beat_task(
    "import_uploads_remove_stale", uploads.import_uploads_remove_stale
)
confirmation_reminders_send = _beat_task(
    "confirmation_reminders_send", reminders.confirmation_reminders_send
)
updates_resume = _beat_task("updates_resume", updates.updates_resume)
