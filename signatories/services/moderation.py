"""Moderators' decisions and the digest that tells them what awaits review."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from .. import emails
from ..models import Endorsement, OutgoingMail, User
from .lifecycle import Status, transition

MODERATORS_GROUP = "Moderators"


def _decision_sources(
    default: set[str], expected_status: str | None, only_undecided: bool
) -> tuple[set[str], bool]:
    """Which statuses a moderator's decision may start from.

    A decision made from a page names the status the moderator saw (`expected_status`): if
    someone else decided in the meantime it changes nothing, instead of silently reversing
    them. A bulk action, which cannot know what was on screen, decides only what no person
    has decided yet (`only_undecided`): pending ones, and those published automatically on
    verification and awaiting review."""
    if expected_status is not None:
        return default & {expected_status}, False
    return default, only_undecided


# The statuses a moderator's decision starts from: a rejection can be reversed by an
# approval and the other way round, but nobody decides for an organisation that withdrew.
DECIDED_FROM: dict[str, set[str]] = {
    Status.APPROVED: {Status.PENDING, Status.REJECTED},
    Status.REJECTED: {Status.PENDING, Status.APPROVED},
}


def endorsement_decide(
    *,
    endorsement: Endorsement,
    moderator: User,
    to_status: str,
    reason: str = "",
    expected_status: str | None = None,
    only_undecided: bool = False,
) -> bool:
    """Approve or reject (`to_status`); `reason` is what the moderator typed for the
    organisation and the audit trail."""
    allowed, unless_decided = _decision_sources(
        DECIDED_FROM[to_status], expected_status, only_undecided
    )
    return bool(
        transition(
            endorsement_id=endorsement.pk,
            allowed_from=allowed,
            to_status=to_status,
            actor=moderator,
            label="",
            note=reason.strip(),
            unless_decided=unless_decided,
        )
    )


endorsement_approve = partial(endorsement_decide, to_status=Status.APPROVED)
endorsement_reject = partial(endorsement_decide, to_status=Status.REJECTED)


def moderation_digest_send() -> int:
    """Mail each moderator how many endorsements await review, letter by letter; nothing when
    none do. Returns how many mails were queued.

    Safe to run twice: a moderator who got a digest in the last half interval is skipped, and
    the group's row is locked so that two runs at once cannot both decide to mail."""
    waiting = [
        {"title": row["letter__title"], "pending": row["pending"], "oldest": row["oldest"]}
        for row in Endorsement.objects.awaiting_review()
        .values("letter__title")
        .annotate(pending=Count("id"), oldest=Min("signed_at"))
        .order_by("oldest")
    ]
    if not waiting:
        return 0
    total = sum(row["pending"] for row in waiting)
    recently = timezone.now() - timedelta(seconds=settings.MODERATION_DIGEST_SECONDS / 2)
    queued = 0
    with transaction.atomic():
        group = Group.objects.select_for_update().filter(name=MODERATORS_GROUP).first()
        if group is None:
            return 0
        already = set(
            OutgoingMail.objects.filter(
                kind=emails.MODERATION_DIGEST, created_at__gte=recently
            ).values_list("to", flat=True)
        )
        recipients = (
            group.user_set.filter(is_active=True, is_staff=True)
            .order_by("email")
            .values_list("email", "language")
        )
        for email, language in recipients:
            if email not in already:
                emails.send_moderation_digest(
                    to=email, letters=waiting, total=total, language=language
                )
                queued += 1
    return queued
