"""An endorsement's life, in one place: this module alone writes an endorsement's status, its
dates (`verified_at`, `approved_at`, `rejected_at`, `withdrawn_at`), `decided_by`,
`rejection_reason` and `held_reasons` (tests/test_architecture.py fails when another module
does), for one row or a bulk import alike, and records each change in the audit trail.

A change of one row locks it first, so that two moderators, two workers or two tabs cannot both
win; the dates describe the row's present life (a signature that comes back from withdrawn is
no longer dated withdrawn; the trail keeps the history)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from letters.models import Letter
from letters.pdf import letter_pdfs_list_changed

from .. import counts, emails
from ..models import Endorsement, EndorsementEvent, User
from ..reasons import (
    BY_DETAILS_CHANGE,
    BY_EMAIL_VERIFICATION,
    BY_IMPORT,
    REPLACED,
    Reason,
    stored,
)

Status = Endorsement.Status

__all__ = [
    "BY_DETAILS_CHANGE",
    "BY_EMAIL_VERIFICATION",
    "BY_IMPORT",
    "OWNED_FIELDS",
    "Status",
    "endorsement_flag",
    "endorsement_open",
    "endorsement_resubmit",
    "endorsements_import",
    "record_event",
    "transition",
]

OWNED_FIELDS = frozenset(
    {
        "status",
        "verified_at",
        "approved_at",
        "rejected_at",
        "withdrawn_at",
        "decided_by",
        "decided_by_id",
        "rejection_reason",
        "held_reasons",
    }
)
_DATED: dict[str, str] = {
    Status.APPROVED: "approved_at",
    Status.REJECTED: "rejected_at",
    Status.WITHDRAWN: "withdrawn_at",
}


def _event(
    endorsement: Endorsement,
    *,
    from_status: str,
    to_status: str,
    actor: User | None,
    label: str,
    reason: Reason | None = None,
    note: str = "",
) -> EndorsementEvent:
    return EndorsementEvent(
        endorsement=endorsement,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=(actor.email if actor else label)[:200],
        reason_code=reason.code if reason else "",
        reason_params=dict(reason.params) if reason else {},
        reason=note,
    )


def record_event(
    endorsement: Endorsement,
    *,
    actor: User | None,
    label: str,
    reason: Reason | None = None,
) -> None:
    """An entry of the trail that leaves the status as it is (a moderator released its mail, a
    published signature was held for review)."""
    _event(
        endorsement,
        from_status=endorsement.status,
        to_status=endorsement.status,
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


def _stamp(endorsement: Endorsement, status: str, *, actor: User | None, now: Any) -> None:
    endorsement.status = status
    for dated_status, field in _DATED.items():
        if dated_status != status:
            setattr(endorsement, field, None)
    if status == Status.UNVERIFIED:
        endorsement.verified_at = None
    elif status in (Status.PENDING, Status.APPROVED) and endorsement.verified_at is None:
        endorsement.verified_at = now
    if status in _DATED:
        setattr(endorsement, _DATED[status], now)
    if status in (Status.APPROVED, Status.REJECTED) and actor is not None:
        endorsement.decided_by = actor
    else:
        # Back in the queue, withdrawn, or published by the system: nobody's decision stands.
        endorsement.decided_by = None
    if status != Status.REJECTED:
        endorsement.rejection_reason = ""


def _refuse_owned(changes: dict[str, object]) -> None:
    if owned := OWNED_FIELDS & set(changes):
        raise ValueError(f"{sorted(owned)} are written by the life cycle's own parameters.")


def endorsement_open(
    *,
    endorsement: Endorsement,
    status: str,
    label: str,
    held_reasons: Sequence[Reason] = (),
) -> Endorsement:
    """A new endorsement (not saved yet, with its choices set) starts its life in `status`."""
    if endorsement.pk is not None:
        raise ValueError("endorsement_open starts the life of a new endorsement.")
    _stamp(endorsement, status, actor=None, now=timezone.now())
    endorsement.held_reasons = stored(held_reasons)
    endorsement.save()
    _event(endorsement, from_status="", to_status=status, actor=None, label=label).save()
    return endorsement


def transition(
    *,
    endorsement_id: int,
    allowed_from: set[str],
    to_status: str,
    actor: User | None,
    label: str,
    reason: Reason | None = None,
    note: str = "",
    held_reasons: Sequence[Reason] | None = None,
    notify_organization: bool = True,
    unless_decided: bool = False,
    changes: dict[str, object] | None = None,
) -> Endorsement | None:
    """Move one endorsement, locking its row so that two moderators or two workers cannot both
    win. Returns the endorsement, or None when it was no longer in an allowed status (or,
    with `unless_decided`, when a person has decided it already). `note` is what a person
    typed (a rejection's reason); `held_reasons`, when given, replaces the row's."""
    _refuse_owned(changes or {})
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
        _stamp(endorsement, to_status, actor=actor, now=timezone.now())
        if to_status == Status.REJECTED:
            endorsement.rejection_reason = note
        if held_reasons is not None:
            endorsement.held_reasons = stored(held_reasons)
        endorsement.save()
        _event(
            endorsement,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            label=label,
            reason=reason,
            note=note,
        ).save()
        if notify_organization:
            notify(endorsement)
        if Status.APPROVED in (from_status, to_status):
            refresh_count_on_commit(endorsement.letter)
        return endorsement


def endorsement_resubmit(
    *,
    endorsement_id: int,
    label: str,
    held_reasons: Sequence[Reason],
    changes: dict[str, object],
) -> Endorsement | None:
    """A new submission from an address nobody has confirmed replaces what waits under it (or
    what its owner refused with "this was not me"): unverified again, as the new form says."""
    return transition(
        endorsement_id=endorsement_id,
        allowed_from={Status.UNVERIFIED, Status.WITHDRAWN},
        to_status=Status.UNVERIFIED,
        actor=None,
        label=label,
        reason=Reason(REPLACED),
        held_reasons=held_reasons,
        notify_organization=False,
        changes=changes,
    )


def endorsement_flag(*, endorsement_id: int, reason: Reason) -> bool:
    """A published signature whose organisation changed what the public list shows, on a
    letter that publishes first and reviews afterwards: it stays published, in the held queue
    for a moderator, with nobody's earlier decision standing."""
    with transaction.atomic():
        endorsement = (
            Endorsement.objects.select_for_update(of=("self",))
            .select_related("letter")
            .filter(pk=endorsement_id, status=Status.APPROVED)
            .first()
        )
        if endorsement is None:
            return False
        endorsement.held_reasons = stored([reason])
        endorsement.decided_by = None
        endorsement.save(update_fields=["held_reasons", "decided_by"])
        record_event(endorsement, actor=None, label=BY_DETAILS_CHANGE, reason=reason)
        refresh_count_on_commit(endorsement.letter)
        return True


def endorsements_import(
    *,
    letter: Letter,
    rows: Sequence[tuple[Endorsement, str, Sequence[Reason]]],
    actor: User | None,
    reason: Reason,
) -> list[Endorsement]:
    """Many new endorsements at once (a file of signatures collected offline), each with its
    status and hold reasons, in two statements, with one entry of the trail per row. An
    approved one is the import's decision: attributed to `actor` (staff) when there is one."""
    now = timezone.now()
    for endorsement, status, held in rows:
        _stamp(endorsement, status, actor=actor, now=now)
        endorsement.held_reasons = stored(held)
    endorsements = Endorsement.objects.bulk_create(endorsement for endorsement, _s, _h in rows)
    EndorsementEvent.objects.bulk_create(
        _event(
            endorsement,
            from_status="",
            to_status=endorsement.status,
            actor=actor,
            label=BY_IMPORT,
            reason=reason,
        )
        for endorsement in endorsements
    )
    if any(endorsement.status == Status.APPROVED for endorsement in endorsements):
        refresh_count_on_commit(letter)
    return endorsements
