"""Signing: a signed-out visitor's one form, a signed-in organisation's endorsement, the
email verification that moves endorsements on, and withdrawal."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from coalition.links import absolute_url
from letters.models import Letter

from .. import emails
from ..models import Endorsement, Organization, OutgoingMail, User
from .organizations import (
    OrganizationDetails,
    organization_create,
    organization_flag_shared_network,
)
from .transitions import (
    BY_EMAIL_VERIFICATION,
    Status,
    notify,
    record_event,
    refresh_count_on_commit,
    stamp,
    transition,
)

logger = logging.getLogger(__name__)


class SigningUnavailable(Exception):
    """The letter is a draft, closed, or not yet open."""


@dataclass(frozen=True)
class EndorsementChoices:
    comment: str = ""
    listed_publicly: bool = True
    wants_updates: bool = False


def _ensure_open(letter: Letter) -> None:
    if not letter.is_accepting_signatures:
        raise SigningUnavailable(letter.signing_state())


def _status_after_verification(letter: Letter) -> str:
    if letter.moderation == Letter.Moderation.PUBLISH_ON_VERIFICATION:
        return Status.APPROVED
    return Status.PENDING


def _recent_mail_count(email: str, kinds: tuple[str, ...]) -> int:
    since = timezone.now() - timedelta(seconds=settings.SIGN_MAIL_WINDOW_SECONDS)
    return OutgoingMail.objects.filter(
        to__iexact=email, kind__in=kinds, created_at__gte=since
    ).count()


def _send_verification(request: HttpRequest | None, address: EmailAddress) -> bool:
    """Queue the verify-your-email mail, unless this address had its share recently."""
    kinds = ("email_confirmation_signup", "email_confirmation")
    if _recent_mail_count(address.email, kinds) >= settings.SIGN_MAIL_LIMIT:
        logger.info("Verification mail not re-sent: cap reached for an address")
        return False
    address.send_confirmation(request, signup=True)
    return True


def signatory_sign_up(
    *,
    request: HttpRequest | None,
    letter: Letter,
    email: str,
    details: OrganizationDetails,
    choices: EndorsementChoices,
    held_reason: str = "",
    ip_hash: str = "",
) -> None:
    """A signed-out visitor signs: account, organisation and an unverified endorsement in one
    transaction, and the verification mail queued with them.

    The answer is the same whether or not the address is known: the owner of a known
    address gets a mail instead, so the form cannot be used to find out who has signed."""
    _ensure_open(letter)
    email = User.objects.normalize_email(email.strip()).lower()
    if not User.objects.filter(email__iexact=email).exists():
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email)
                address = EmailAddress.objects.create(
                    user=user, email=email, primary=True, verified=False
                )
                organization = organization_create(user=user, details=details)
                organization_flag_shared_network(organization=organization, ip_hash=ip_hash)
                endorsement = Endorsement.objects.create(
                    organization=organization,
                    letter=letter,
                    status=Status.UNVERIFIED,
                    comment=choices.comment,
                    listed_publicly=choices.listed_publicly,
                    wants_updates=choices.wants_updates,
                    held_reason=held_reason,
                    ip_hash=ip_hash,
                )
                record_event(
                    endorsement,
                    from_status="",
                    to_status=Status.UNVERIFIED,
                    actor=None,
                    label=email,
                )
                _send_verification(request, address)
            return
        except IntegrityError:
            # A second click or tab created the account a moment ago: carry on as for a
            # known address.
            pass
    _sign_up_known_address(
        request=request,
        letter=letter,
        email=email,
        choices=choices,
        held_reason=held_reason,
        ip_hash=ip_hash,
    )


def _sign_up_known_address(
    *,
    request: HttpRequest | None,
    letter: Letter,
    email: str,
    choices: EndorsementChoices,
    held_reason: str,
    ip_hash: str,
) -> None:
    user = User.objects.filter(email__iexact=email).first()
    organization = Organization.objects.filter(user=user).first() if user else None
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if (
        organization
        and address
        and not address.verified
        and Endorsement.objects.filter(organization=organization, letter=letter).exists()
    ):
        # Most likely the same person sending the form again before confirming: send the
        # link once more. Nothing else changes: whoever types an unconfirmed address cannot
        # add letters or words to that organisation's pending signature.
        _send_verification(request, address)
        return
    endorsement = (
        Endorsement.objects.filter(organization=organization, letter=letter).first()
        if organization
        else None
    )
    if _recent_mail_count(email, ("already-registered",)) < settings.SIGN_MAIL_LIMIT:
        emails.send_already_registered(
            email=email,
            endorsement=endorsement,
            letter_url=absolute_url(letter.get_absolute_url()),
        )


def _endorsement_get_or_create(
    *,
    organization: Organization,
    letter: Letter,
    status: str,
    choices: EndorsementChoices,
    held_reason: str = "",
    ip_hash: str = "",
) -> tuple[Endorsement, bool]:
    try:
        with transaction.atomic():
            endorsement = Endorsement(
                organization=organization,
                letter=letter,
                comment=choices.comment,
                listed_publicly=choices.listed_publicly,
                wants_updates=choices.wants_updates,
                held_reason=held_reason,
                ip_hash=ip_hash,
            )
            stamp(endorsement, status)
            endorsement.save()
            record_event(
                endorsement,
                from_status="",
                to_status=status,
                actor=None,
                label=organization.user.email,
            )
            return endorsement, True
    except IntegrityError:
        return Endorsement.objects.get(organization=organization, letter=letter), False


def endorsement_create(
    *,
    organization: Organization,
    letter: Letter,
    choices: EndorsementChoices,
    held_reason: str = "",
    ip_hash: str = "",
) -> tuple[Endorsement, bool]:
    """A signed-in organisation endorses. Returns the endorsement and whether this call made
    (or re-opened) it; an existing one is returned untouched."""
    _ensure_open(letter)
    verified = EmailAddress.objects.filter(user=organization.user, verified=True).exists()
    status = _status_after_verification(letter) if verified else Status.UNVERIFIED
    if held_reason and status == Status.APPROVED:
        status = Status.PENDING
    with transaction.atomic():
        endorsement, created = _endorsement_get_or_create(
            organization=organization,
            letter=letter,
            status=status,
            choices=choices,
            held_reason=held_reason,
            ip_hash=ip_hash,
        )
        if created:
            if verified:
                notify(endorsement)
                if endorsement.status == Status.APPROVED:
                    refresh_count_on_commit(letter)
            else:
                address = EmailAddress.objects.filter(user=organization.user).first()
                if address:
                    _send_verification(None, address)
            return endorsement, True
    if endorsement.status == Status.WITHDRAWN and verified:
        reopened = transition(
            endorsement_id=endorsement.pk,
            allowed_from={Status.WITHDRAWN},
            to_status=status,
            actor=None,
            label=organization.user.email,
            reason=_("Signed again after withdrawing."),
            changes={
                "comment": choices.comment,
                "listed_publicly": choices.listed_publicly,
                "wants_updates": choices.wants_updates,
                "held_reason": held_reason,
            },
        )
        if reopened:
            return reopened, True
    return endorsement, False


def endorsement_sign(
    *,
    user: User,
    letter: Letter,
    details: OrganizationDetails | None,
    choices: EndorsementChoices,
    held_reason: str = "",
    ip_hash: str = "",
) -> tuple[Endorsement, bool]:
    """A signed-in account signs: its organisation (made from `details` when it has none yet)
    and its endorsement, in one transaction. Returns what `endorsement_create` returns."""
    with transaction.atomic():
        organization = Organization.objects.filter(user=user).first()
        if organization is None:
            if details is None:
                raise ValueError("An account without an organisation signs with its details.")
            _ensure_open(letter)
            organization = organization_create(user=user, details=details)
        return endorsement_create(
            organization=organization,
            letter=letter,
            choices=choices,
            held_reason=held_reason,
            ip_hash=ip_hash,
        )


def endorsements_verify(*, user: User) -> int:
    """The account's email is confirmed: its unverified endorsements move on, to review or
    straight to publication as each letter's moderation mode says."""
    moved = 0
    ids = Endorsement.objects.filter(organization__user=user, status=Status.UNVERIFIED).values_list(
        "pk", "letter__moderation", "held_reason"
    )
    for endorsement_id, moderation, held_reason in ids:
        publish_now = moderation == Letter.Moderation.PUBLISH_ON_VERIFICATION and not held_reason
        if transition(
            endorsement_id=endorsement_id,
            allowed_from={Status.UNVERIFIED},
            to_status=Status.APPROVED if publish_now else Status.PENDING,
            actor=None,
            label=BY_EMAIL_VERIFICATION,
            reason=_("Held for review: %(why)s") % {"why": held_reason} if held_reason else "",
        ):
            moved += 1
    return moved


def endorsement_withdraw(*, endorsement: Endorsement, actor: User) -> bool:
    """The organisation takes its name off: it leaves the public list and the count at once,
    and the record stays for the audit."""
    return bool(
        transition(
            endorsement_id=endorsement.pk,
            allowed_from={Status.UNVERIFIED, Status.PENDING, Status.APPROVED},
            to_status=Status.WITHDRAWN,
            actor=actor,
            label="",
            notify_organization=False,
        )
    )
