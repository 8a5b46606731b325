from __future__ import annotations

import random
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings

from . import counts, outbox, services


def backoff_seconds(retries: int) -> float:
    """Exponential backoff with jitter, so that a recovering server is not hit all at once."""
    base = min(
        settings.OUTBOX_BACKOFF_BASE_SECONDS * 2**retries, settings.OUTBOX_BACKOFF_MAX_SECONDS
    )
    return base * random.uniform(0.75, 1.25)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def outgoing_mail_send(self: Task, mail_id: int) -> str:
    delay = backoff_seconds(self.request.retries)
    result = outbox.outgoing_mail_deliver(mail_id=mail_id, retry_in=timedelta(seconds=delay))
    if result is outbox.Delivery.RETRY and not self.request.is_eager:
        raise self.retry(countdown=delay)
    return result.value


@shared_task(acks_late=True)
def outbox_sweep() -> int:
    return outbox.outgoing_mail_sweep()


@shared_task(acks_late=True)
def signatory_counts_reconcile() -> int:
    return counts.signatory_counts_reconcile()


@shared_task(acks_late=True)
def moderation_digest_send() -> int:
    return services.moderation_digest_send()


@shared_task(acks_late=True)
def unverified_signups_purge() -> int:
    return services.unverified_signups_purge()
