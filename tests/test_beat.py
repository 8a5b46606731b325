"""Celery beat's schedule names only tasks that exist, so no periodic job silently never runs."""

from __future__ import annotations

from django.conf import settings

from coalition.celery import app


def test_every_scheduled_task_is_registered() -> None:
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
    assert {
        "signatories.tasks.outbox_sweep",
        "signatories.tasks.signatory_counts_reconcile",
        "signatories.tasks.unverified_signups_purge",
        "signatories.tasks.confirmation_reminders_send",
        "signatories.tasks.updates_resume",
        "letters.tasks.letter_pdfs_refresh",
    } <= scheduled
