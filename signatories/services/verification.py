"""After signing: the address's owner confirms (or says "this was not me") on the page that
showed what will be published, a signed-in organisation confirms one waiting signature, and a
moderator releases a confirmation mail that a cap or a bot check held back."""

from __future__ import annotations

import hashlib

from allauth.account.models import EmailAddress, EmailConfirmation, EmailConfirmationHMAC
from django.db import transaction
from django.http import HttpRequest

from letters.models import Letter

from ..models import Endorsement, Organization, User
from ..reasons import HELD_FOR_REVIEW, NOT_ME, RELEASED, Reason
from .lifecycle import (
    BY_EMAIL_VERIFICATION,
    Status,
    record_event,
    transition,
)
from .organizations import (
    OrganizationDetails,
    organization_update,
)


def _move_on_after_confirmation(
    endorsement_id: int, *, moderation: str, held_reasons: list[dict[str, object]], label: str
) -> bool:
    publish_now = moderation == Letter.Moderation.PUBLISH_ON_VERIFICATION and not held_reasons
    return bool(
        transition(
            endorsement_id=endorsement_id,
            allowed_from={Status.UNVERIFIED},
            to_status=Status.APPROVED if publish_now else Status.PENDING,
            actor=None,
            label=label,
            reason=Reason(HELD_FOR_REVIEW, {"reasons": held_reasons}) if held_reasons else None,
        )
    )


def endorsements_verify(*, user: User) -> int:
    """The owner of the account's address confirmed, on the page that showed what will be
    published: its unverified endorsements move on, to review or straight to publication as
    each letter's moderation mode says.

    Only that page calls this. A sign-in by code proves the address too, but its owner has not
    seen what a stranger may have signed with it: those endorsements wait on the
    organisation's page for a confirmation of their own (`endorsement_confirm`)."""
    moved = 0
    ids = Endorsement.objects.filter(organization__user=user, status=Status.UNVERIFIED).values_list(
        "pk", "letter__moderation", "held_reasons"
    )
    for endorsement_id, moderation, held_reasons in ids:
        if _move_on_after_confirmation(
            endorsement_id,
            moderation=moderation,
            held_reasons=held_reasons,
            label=BY_EMAIL_VERIFICATION,
        ):
            moved += 1
    return moved


def endorsement_confirm(*, endorsement: Endorsement, actor: User) -> bool:
    """A signed-in organisation confirms one signature still waiting for confirmation."""
    return _move_on_after_confirmation(
        endorsement.pk,
        moderation=endorsement.letter.moderation,
        held_reasons=endorsement.held_reasons,
        # The organisation's own confirmation, not a moderator's decision.
        label=actor.email,
    )


class PendingChanged(Exception):
    """What waits for the owner's confirmation is not what the page they confirmed showed:
    someone sent the form with their address meanwhile."""


def pending_fingerprint(*, user_id: int) -> str:
    """What the confirmation page shows as waiting (letters and choices), in a few
    characters: the page carries it, and confirming checks it against what waits now."""
    waiting = (
        Endorsement.objects.filter(organization__user_id=user_id, status=Status.UNVERIFIED)
        .order_by("pk")
        .values_list("uuid", "letter_id", "comment", "listed_publicly", "wants_updates")
    )
    return hashlib.sha256(repr(list(waiting)).encode()).hexdigest()[:32]


def signatory_confirm(
    *,
    request: HttpRequest,
    confirmation: EmailConfirmation | EmailConfirmationHMAC,
    details: OrganizationDetails | None,
    shown: str | None = None,
) -> list[Endorsement] | None:
    """The address's owner confirms on the page that showed what will be published, with the
    details as they left them there. Returns the endorsements that moved on, or None when the
    link was used or expired meanwhile. With `shown` (the page's pending_fingerprint), raises
    PendingChanged, and changes nothing, when what waits is no longer what the page showed."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=confirmation.email_address.user_id)
        if shown is not None and shown != pending_fingerprint(user_id=user.pk):
            raise PendingChanged
        organization = Organization.objects.filter(user=user).first()
        if organization is not None and details is not None:
            organization_update(organization=organization, details=details)
        if confirmation.confirm(request) is None:
            return None
        waiting = list(
            Endorsement.objects.filter(organization__user=user, status=Status.UNVERIFIED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        endorsements_verify(user=user)
        return list(
            Endorsement.objects.filter(pk__in=waiting)
            .select_related("letter", "organization")
            .order_by("pk")
        )


def endorsements_decline(*, user: User) -> int:
    """The address's owner says they did not sign: nothing typed with their address is
    published, and the address stays unconfirmed."""
    declined = 0
    for endorsement_id in Endorsement.objects.filter(
        organization__user=user, status=Status.UNVERIFIED
    ).values_list("pk", flat=True):
        if transition(
            endorsement_id=endorsement_id,
            allowed_from={Status.UNVERIFIED},
            to_status=Status.WITHDRAWN,
            actor=None,
            label=BY_EMAIL_VERIFICATION,
            reason=Reason(NOT_ME),
            notify_organization=False,
        ):
            declined += 1
    return declined


def endorsements_release(*, endorsement_ids: list[int], moderator: User) -> int:
    """A moderator's "release and send": the confirmation mail that a cap or a bot check held
    back goes out now, for endorsements still waiting for their address's confirmation. They
    stay held for review after the confirmation."""
    released = 0
    waiting = Endorsement.objects.filter(
        pk__in=endorsement_ids, status=Status.UNVERIFIED
    ).select_related("organization__user")
    for endorsement in waiting:
        user = endorsement.organization.user
        address = EmailAddress.objects.filter(user=user, email=user.email).first()
        if address is None or address.verified:
            continue
        with transaction.atomic():
            address.send_confirmation(None, signup=True)
            record_event(endorsement, actor=moderator, label="", reason=Reason(RELEASED))
        released += 1
    return released
