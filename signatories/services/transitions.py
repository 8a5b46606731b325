"""The endorsement's status machine. Every change of status goes through `transition`, which
locks the row, records the change in the audit trail, mails the organisation and refreshes the
public count: two moderators or two workers cannot both win."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from letters.models import Letter
from letters.pdf import letter_pdfs_list_changed

from .. import counts, emails
from ..models import Endorsement, EndorsementEvent, User

Status = Endorsement.Status

# What the audit trail records when no person made the change.
BY_EMAIL_VERIFICATION = "email verification"
BY_DETAILS_CHANGE = "organisation's change of details"
BY_IMPORT = "import"


def event_for(
    endorsement: Endorsement,
    *,
    from_status: str,
    to_status: str,
    actor: User | None,
    label: str,
    reason: str = "",
) -> EndorsementEvent:
    """An audit-trail entry, not yet saved (an import saves thousands in one query)."""
    return EndorsementEvent(
        endorsement=endorsement,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=(actor.email if actor else label)[:200],
        reason=reason,
    )


def record_event(
    endorsement: Endorsement,
    *,
    from_status: str,
    to_status: str,
    actor: User | None,
    label: str,
    reason: str = "",
) -> None:
    event_for(
        endorsement,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        label=label,
        reason=reason,
    ).save()


def refresh_count_on_commit(letter: Letter) -> None:
    """Every change to who is approved or how they are listed passes here: the count, the
    cached pages and the letter's stored PDFs follow it once it is committed."""
    transaction.on_commit(lambda: counts.signatory_count_refresh(letter=letter))
    transaction.on_commit(lambda: letter_pdfs_list_changed(letter_id=letter.pk))


def notify(endorsement: Endorsement) -> None:
    """The mail an organisation gets when its endorsement reaches a new status."""
    if endorsement.imported:
        return
    if endorsement.status == Status.PENDING:
        emails.send_endorsement_received(endorsement)
    elif endorsement.status == Status.APPROVED:
        emails.send_endorsement_published(endorsement)
    elif endorsement.status == Status.REJECTED:
        emails.send_endorsement_rejected(endorsement)


def stamp(endorsement: Endorsement, status: str) -> None:
    now = timezone.now()
    endorsement.status = status
    if status in (Status.PENDING, Status.APPROVED) and endorsement.verified_at is None:
        endorsement.verified_at = now
    if status == Status.APPROVED:
        endorsement.approved_at = now
    elif status == Status.REJECTED:
        endorsement.rejected_at = now
    elif status == Status.WITHDRAWN:
        endorsement.withdrawn_at = now


def transition(
    *,
    endorsement_id: int,
    allowed_from: set[str],
    to_status: str,
    actor: User | None,
    label: str,
    reason: str = "",
    notify_organization: bool = True,
    unless_decided: bool = False,
    changes: dict[str, object] | None = None,
) -> Endorsement | None:
    """Move one endorsement, locking its row so that two moderators or two workers cannot both
    win. Returns the endorsement, or None when it was no longer in an allowed status (or,
    with `unless_decided`, when a person has decided it already)."""
    with transaction.atomic():
        endorsement = (
            Endorsement.objects.select_for_update(of=("self",))
            .select_related("organization__user", "letter")
            .get(pk=endorsement_id)
        )
        from_status = endorsement.status
        if from_status not in allowed_from:
            return None
        if unless_decided and endorsement.decided_by_id is not None:
            return None
        for field, value in (changes or {}).items():
            setattr(endorsement, field, value)
        stamp(endorsement, to_status)
        if to_status in (Status.APPROVED, Status.REJECTED) and actor is not None:
            endorsement.decided_by = actor
        elif to_status in (Status.PENDING, Status.WITHDRAWN):
            endorsement.decided_by = None  # back in the queue: nobody's decision stands
        if to_status == Status.REJECTED:
            endorsement.rejection_reason = reason
        endorsement.save()
        record_event(
            endorsement,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            label=label,
            reason=reason,
        )
        if notify_organization:
            notify(endorsement)
        if Status.APPROVED in (from_status, to_status):
            refresh_count_on_commit(endorsement.letter)
        return endorsement
