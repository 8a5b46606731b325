"""The one reminder to confirm: a signature whose address is still unconfirmed some hours after
signing (CONFIRMATION_REMINDER_HOURS) gets a single reminder with a fresh confirmation link
while its letter takes signatures, unless it was held for review (a bot check, a rate limit:
those wait for a moderator's "release and send", never for a robot's reminder). A reminder is
automatic mail of the network that signed: it counts towards that network's cap and the
address's, and waits for a later sweep while either is used up."""

from __future__ import annotations

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from letters.models import Letter

from .. import emails
from ..models import Endorsement
from ..outbox import (
    CONFIRMATION_KINDS,
    address_mail_allowed,
    caused_by_network,
    network_mail_cap_reached,
)

logger = logging.getLogger(__name__)
Status = Endorsement.Status


def _due() -> list[tuple[int, str, str]]:
    cutoff = timezone.now() - timedelta(hours=settings.CONFIRMATION_REMINDER_HOURS)
    return list(
        Endorsement.objects.filter(
            status=Status.UNVERIFIED,
            reminded_at__isnull=True,
            held_reasons=[],
            imported=False,
            signed_at__lte=cutoff,
            # Confirming still counts once signing has closed, but the list may be printed
            # and delivered by then: a reminder would promise what can no longer happen.
            letter__in=Letter.objects.accepting_signatures(),
        )
        .exclude(organization__user__emailaddress__verified=True)
        .order_by("pk")
        .values_list("pk", "ip_hash", "organization__user__email")[:1000]
    )


def confirmation_reminders_send() -> int:
    """Remind every signature due a reminder; returns how many mails were written. Each is
    claimed by setting `reminded_at` in a conditional UPDATE before its mail is written, in
    one transaction with it: two beat runs at once cannot both remind, and a crash between
    the two leaves neither."""
    reminded = 0
    for endorsement_id, ip_hash, email in _due():
        if network_mail_cap_reached(ip_hash) or not address_mail_allowed(email, CONFIRMATION_KINDS):
            continue
        with transaction.atomic():
            claimed = Endorsement.objects.filter(
                pk=endorsement_id, reminded_at__isnull=True, status=Status.UNVERIFIED
            ).update(reminded_at=timezone.now())
            if claimed != 1:
                continue
            endorsement = Endorsement.objects.select_related("organization__user", "letter").get(
                pk=endorsement_id
            )
            user = endorsement.organization.user
            address = EmailAddress.objects.filter(
                user=user, email=user.email, verified=False
            ).first()
            if address is None:
                continue
            # The same HMAC key allauth's own confirmation mail carries: the link opens the
            # confirmation page (signatories.views.email_confirm) like the first one.
            key = EmailConfirmationHMAC(address).key
            with caused_by_network(ip_hash):
                emails.send_confirmation_reminder(
                    endorsement=endorsement, user=user, confirmation_key=key
                )
            reminded += 1
    if reminded:
        logger.info("Reminded %s signatures to confirm their address", reminded)
    return reminded
