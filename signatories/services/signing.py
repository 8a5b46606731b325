"""Signing: a signed-out visitor's one form, a signed-in organisation's endorsement, and
withdrawal. What follows the confirmation of an address is signatories.services.verification."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from letters.models import Letter

from .. import emails, identity
from ..models import Endorsement, Organization, User, normalized_email
from ..outbox import (
    CONFIRMATION_KINDS,
    address_mail_allowed,
    caused_by_network,
    network_mail_cap_reached,
)
from ..reasons import MAIL_CAP_REACHED, SIGNED_AGAIN, Reason
from .lifecycle import (
    Status,
    endorsement_open,
    endorsement_resubmit,
    notify,
    refresh_count_on_commit,
    transition,
)
from .organizations import (
    OrganizationDetails,
    organization_create,
    organization_flag_shared_network,
    organization_update,
)

logger = logging.getLogger(__name__)


class SigningUnavailable(Exception):
    """The letter is a draft, closed, or not yet open."""


@dataclass(frozen=True)
class EndorsementChoices:
    comment: str = ""
    listed_publicly: bool = True
    wants_updates: bool = False

    def columns(self, *, ip_hash: str, language: str) -> dict[str, object]:
        """What one submission sets on its endorsement, a new one or the one it replaces."""
        return {
            "comment": self.comment,
            "listed_publicly": self.listed_publicly,
            "wants_updates": self.wants_updates,
            "ip_hash": ip_hash,
            "language": language,
        }


def _ensure_open(letter: Letter) -> None:
    if not letter.is_accepting_signatures:
        raise SigningUnavailable(letter.signing_state())


def _status_after_verification(letter: Letter) -> str:
    if letter.moderation == Letter.Moderation.PUBLISH_ON_VERIFICATION:
        return Status.APPROVED
    return Status.PENDING


def _send_verification(request: HttpRequest | None, address: EmailAddress, ip_hash: str) -> None:
    """Queue the verify-your-email mail, unless this address had its share recently."""
    if not address_mail_allowed(address.email, CONFIRMATION_KINDS):
        logger.info("Verification mail not re-sent: cap reached for an address")
        return
    with caused_by_network(ip_hash):
        address.send_confirmation(request, signup=True)


def _unverified_endorsement_put(
    *,
    organization: Organization,
    letter: Letter,
    email: str,
    columns: dict[str, object],
    held_reasons: Sequence[Reason],
) -> Endorsement:
    """The organisation's unconfirmed signature of this letter, as the latest submission says:
    a new one, or the one waiting under the address (or refused by its owner) replaced."""
    existing = (
        Endorsement.objects.filter(organization=organization, letter=letter)
        .values_list("pk", flat=True)
        .first()
    )
    if existing is None:
        return endorsement_open(
            endorsement=Endorsement(organization=organization, letter=letter, **columns),
            status=Status.UNVERIFIED,
            label=email,
            held_reasons=held_reasons,
        )
    replaced = endorsement_resubmit(
        endorsement_id=existing, label=email, held_reasons=held_reasons, changes=columns
    )
    if replaced is None:
        # identity.account_unclaimed let only unverified or refused signatures through.
        raise RuntimeError("An unclaimed account's signature was decided meanwhile.")
    return replaced


def signatory_sign_up(
    *,
    request: HttpRequest | None,
    letter: Letter,
    email: str,
    details: OrganizationDetails,
    choices: EndorsementChoices,
    held_reasons: Sequence[Reason] = (),
    ip_hash: str = "",
    withhold_mail: bool = False,
    language: str = "",
) -> None:
    """A signed-out visitor signs: account, organisation and an unverified endorsement in one
    transaction, and the verification mail queued with them.

    Coalition is no relay: past the network's hourly cap of automatic mail (or when
    `withhold_mail` says a bot sent the form), the signature is saved and held, and its mail
    waits for a moderator's "release and send" (`endorsements_release`).

    Whoever proves control of the address decides what is published. Until someone does, the
    newest submission replaces the unconfirmed one whole (details and letter), so that a
    stranger who typed the address first cannot make the owner confirm their words. The
    answer is the same whether or not the address is known: the owner of a confirmed address
    gets a mail instead, so the form cannot be used to find out who has signed."""
    _ensure_open(letter)
    email = normalized_email(email)
    over_cap = network_mail_cap_reached(ip_hash)
    if over_cap:
        logger.warning("Sign form: automatic mail cap reached for a network; mail withheld")
        held_reasons = [*held_reasons, Reason(MAIL_CAP_REACHED)]
    send_mail = not (over_cap or withhold_mail)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                user = User.objects.select_for_update().filter(email=email).first()
                organization: Organization | None
                if user is None:
                    user = User.objects.create_user(
                        email=email, language=language or settings.LANGUAGE_CODE
                    )
                    address = EmailAddress.objects.create(
                        user=user, email=email, primary=True, verified=False
                    )
                    organization = organization_create(user=user, details=details)
                elif identity.account_unclaimed(user) and (
                    organization := Organization.objects.filter(user=user).first()
                ):
                    address = EmailAddress.objects.get_primary(user) or EmailAddress.objects.get(
                        user=user, email=email
                    )
                    organization_update(organization=organization, details=details)
                    if language and user.language != language:
                        user.language = language
                        user.save(update_fields=["language"])
                    # Unconfirmed signatures of other letters go: the owner confirms what
                    # this submission says, and nothing a stranger may have added before.
                    Endorsement.objects.filter(
                        organization=organization, status=Status.UNVERIFIED
                    ).exclude(letter=letter).delete()
                else:
                    break
                organization_flag_shared_network(organization=organization, ip_hash=ip_hash)
                _unverified_endorsement_put(
                    organization=organization,
                    letter=letter,
                    email=email,
                    columns=choices.columns(ip_hash=ip_hash, language=language),
                    held_reasons=held_reasons,
                )
                if send_mail:
                    _send_verification(request, address, ip_hash)
            return
        except IntegrityError:
            # A second click or tab created the account a moment ago: look again.
            continue
    if send_mail:
        _sign_up_known_address(letter=letter, email=email, ip_hash=ip_hash)


def _sign_up_known_address(*, letter: Letter, email: str, ip_hash: str) -> None:
    """The address belongs to an organisation that has confirmed it (or that staff vouched
    for): nothing changes here, and its owner is told how to sign in instead."""
    user = User.objects.filter(email=email).first()
    organization = Organization.objects.filter(user=user).first() if user else None
    endorsement = (
        Endorsement.objects.filter(organization=organization, letter=letter).first()
        if organization
        else None
    )
    if address_mail_allowed(email, ("already-registered",)):
        with caused_by_network(ip_hash):
            emails.send_already_registered(
                email=email,
                endorsement=endorsement,
                letter=letter,
                language=user.language if user else settings.LANGUAGE_CODE,
            )


def _endorsement_get_or_create(
    endorsement: Endorsement, *, status: str, held_reasons: Sequence[Reason]
) -> tuple[Endorsement, bool]:
    """`endorsement` opened, or the one its organisation already has on the letter."""
    organization, letter = endorsement.organization, endorsement.letter
    try:
        with transaction.atomic():
            endorsement = endorsement_open(
                endorsement=endorsement,
                status=status,
                label=organization.user.email,
                held_reasons=held_reasons,
            )
            return endorsement, True
    except IntegrityError:
        return Endorsement.objects.get(organization=organization, letter=letter), False


def _status_when_withdrawn(endorsement: Endorsement) -> str:
    event = endorsement.events.filter(to_status=Status.WITHDRAWN).order_by("-pk").first()
    return event.from_status if event else ""


def endorsement_create(
    *,
    organization: Organization,
    letter: Letter,
    choices: EndorsementChoices,
    held_reasons: Sequence[Reason] = (),
    ip_hash: str = "",
    language: str = "",
) -> tuple[Endorsement, bool]:
    """A signed-in organisation endorses. Returns the endorsement and whether this call made
    (or re-opened) it; an existing one is returned untouched."""
    _ensure_open(letter)
    verified = EmailAddress.objects.filter(user=organization.user, verified=True).exists()
    status = _status_after_verification(letter) if verified else Status.UNVERIFIED
    if held_reasons and status == Status.APPROVED:
        status = Status.PENDING
    with transaction.atomic():
        endorsement, created = _endorsement_get_or_create(
            Endorsement(
                organization=organization,
                letter=letter,
                **choices.columns(ip_hash=ip_hash, language=language),
            ),
            status=status,
            held_reasons=held_reasons,
        )
        if created:
            if verified:
                notify(endorsement)
                if endorsement.status == Status.APPROVED:
                    refresh_count_on_commit(letter)
            else:
                address = EmailAddress.objects.filter(user=organization.user).first()
                if address:
                    _send_verification(None, address, ip_hash)
            return endorsement, True
    if endorsement.status == Status.WITHDRAWN and verified:
        # Withdrawing and signing again must not skip a review that was due: a signature
        # withdrawn while it waited (after a rename, say), or flagged, waits again.
        if status == Status.APPROVED and (
            endorsement.held_reasons or _status_when_withdrawn(endorsement) != Status.APPROVED
        ):
            status = Status.PENDING
        reopened = transition(
            endorsement_id=endorsement.pk,
            allowed_from={Status.WITHDRAWN},
            to_status=status,
            actor=None,
            label=organization.user.email,
            reason=Reason(SIGNED_AGAIN),
            held_reasons=held_reasons or None,
            changes={
                "comment": choices.comment,
                "listed_publicly": choices.listed_publicly,
                "wants_updates": choices.wants_updates,
                "language": language or endorsement.language,
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
    held_reasons: Sequence[Reason] = (),
    ip_hash: str = "",
    language: str = "",
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
            held_reasons=held_reasons,
            ip_hash=ip_hash,
            language=language,
        )


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
