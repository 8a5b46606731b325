"""Updates to signatories: staff write news about a letter, try it on themselves, then send it
to every organisation that asked for updates (`EndorsementQuerySet.wanting_updates`), each in
its language, each with a one-click way out.

Sending is idempotent. `update_send` moves the update out of its draft once (a conditional
UPDATE, so a second click does nothing) and hands the fan-out to Celery; the fan-out writes one
`UpdateDelivery` per recipient (unique per update and endorsement) and claims the ones without
a mail with `SELECT ... FOR UPDATE SKIP LOCKED` before writing their mail: a retried or
duplicated task, or two of them at once, mail nobody twice."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coalition.links import absolute_url

from .. import emails
from ..models import Endorsement, EndorsementQuerySet, OutgoingMail, Update, UpdateDelivery, User

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "signatories.updates.unsubscribe"
# What a test copy's unsubscribe link carries instead of an endorsement.
TEST_COPY = ""


class UpdateHasNoRecipients(Exception):
    """Nobody on this letter both asked for updates and confirmed their address."""


@dataclass(frozen=True)
class UnsubscribeRequest:
    """What a valid unsubscribe link stands for. `endorsement` is None for a test copy."""

    update: Update
    endorsement: Endorsement | None


def update_recipients(update: Update) -> EndorsementQuerySet:
    return Endorsement.objects.filter(letter_id=update.letter_id).wanting_updates()


def unsubscribe_token(*, update: Update, endorsement_uuid: uuid.UUID | None) -> str:
    """A signed token naming the recipient and the update: the link works without signing in
    and cannot be made up for another organisation. It never expires: an old update's link
    must still stop the next one."""
    recipient = str(endorsement_uuid) if endorsement_uuid else TEST_COPY
    return signing.dumps([recipient, update.pk], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, update: Update, endorsement_uuid: uuid.UUID | None) -> str:
    token = unsubscribe_token(update=update, endorsement_uuid=endorsement_uuid)
    return absolute_url(reverse("updates_unsubscribe", kwargs={"token": token}))


def unsubscribe_request_read(token: str) -> UnsubscribeRequest | None:
    """The update and recipient a token names, or None for a forged, altered or stale one."""
    try:
        recipient, update_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    update = Update.objects.select_related("letter").filter(pk=update_id).first()
    if update is None:
        return None
    if recipient == TEST_COPY:
        return UnsubscribeRequest(update=update, endorsement=None)
    endorsement = (
        Endorsement.objects.select_related("organization__user", "letter")
        .filter(uuid=recipient, letter_id=update.letter_id)
        .first()
    )
    if endorsement is None:
        return None
    return UnsubscribeRequest(update=update, endorsement=endorsement)


def endorsement_unsubscribe(*, endorsement: Endorsement) -> bool:
    """Stop updates about this letter for this organisation (the one-click link). Returns
    whether this call changed anything: a second click, or a mail client's automatic POST
    followed by the person's own, changes nothing more."""
    changed = Endorsement.objects.filter(pk=endorsement.pk, wants_updates=True).update(
        wants_updates=False
    )
    if changed:
        logger.info("Endorsement %s unsubscribed from updates", endorsement.pk)
    return bool(changed)


def update_send_test(*, update: Update, staff_user: User, language: str) -> OutgoingMail:
    """A copy of the update, as a recipient reading `language` would get it, to the staff
    member's own address, through the outbox like the real thing."""
    text_language = update.text_in(language)[0]
    return emails.send_update(
        update=update,
        to=staff_user.email,
        language=text_language,
        unsubscribe_url=unsubscribe_url(update=update, endorsement_uuid=None),
        test_copy=True,
    )


def update_send(*, update: Update, actor: User) -> bool:
    """Send the update to every organisation that asked for updates about its letter. Returns
    False when it was already sent or being sent (a second click): nobody gets it twice.
    Raises UpdateHasNoRecipients rather than "send" to nobody."""
    if not update_recipients(update).exists():
        raise UpdateHasNoRecipients
    with transaction.atomic():
        claimed = Update.objects.filter(pk=update.pk, state=Update.State.DRAFT).update(
            state=Update.State.SENDING, sent_by=actor, sent_at=timezone.now()
        )
        if claimed != 1:
            return False
        transaction.on_commit(partial(_fan_out_enqueue, update.pk))
    return True


def _fan_out_enqueue(update_id: int) -> None:
    try:
        update_fan_out.delay(update_id)
    except Exception:
        # The update stays "sending": the beat's updates_resume hands it to Celery again.
        logger.warning("Could not enqueue update %s; the beat will resume it", update_id)


def update_deliveries_write(*, update_id: int) -> int:
    """Write the outbox rows of an update, a batch of recipients per transaction, and mark it
    sent once every recipient has one. Returns how many mails this call wrote."""
    update = Update.objects.select_related("letter").get(pk=update_id)
    if update.state == Update.State.DRAFT:
        return 0
    written = 0
    batch = settings.UPDATE_BATCH_SIZE
    while True:
        with transaction.atomic():
            missing = list(
                update_recipients(update)
                .exclude(update_deliveries__update=update)
                .values_list("pk", flat=True)[:batch]
            )
            UpdateDelivery.objects.bulk_create(
                [UpdateDelivery(update=update, endorsement_id=pk) for pk in missing],
                ignore_conflicts=True,
            )
            # Another run may be writing the same rows: each takes the ones nobody holds.
            # Only those who still want it: an organisation that unsubscribed or was erased
            # while the update went out is left out.
            claimed = list(
                UpdateDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    update=update,
                    mail__isnull=True,
                    endorsement__in=update_recipients(update).values("pk"),
                )
                .select_related("endorsement__organization__user")[:batch]
            )
            for delivery in claimed:
                endorsement = delivery.endorsement
                delivery.mail = emails.send_update(
                    update=update,
                    to=endorsement.organization.user.email,
                    language=emails.update_language(update, endorsement),
                    unsubscribe_url=unsubscribe_url(
                        update=update, endorsement_uuid=endorsement.uuid
                    ),
                )
            UpdateDelivery.objects.bulk_update(claimed, ["mail"])
            written += len(claimed)
        if not missing and not claimed:
            break
    # Nothing left to claim may only mean that another run holds the last rows: it marks the
    # update sent when it is done (or the beat runs this again if it failed).
    if UpdateDelivery.objects.filter(
        update=update, mail__isnull=True, endorsement__in=update_recipients(update).values("pk")
    ).exists():
        return written
    Update.objects.filter(pk=update.pk, state=Update.State.SENDING).update(state=Update.State.SENT)
    return written


def updates_resume() -> int:
    """The beat's safety net: updates left "sending" (a broker down when Send was clicked, a
    worker lost mid-way) are handed to Celery again. Returns how many."""
    waiting = list(
        Update.objects.filter(state=Update.State.SENDING).values_list("pk", flat=True)[:100]
    )
    for update_id in waiting:
        _fan_out_enqueue(update_id)
    return len(waiting)


@shared_task(name="signatories.update_fan_out", acks_late=True)
def update_fan_out(update_id: int) -> int:
    return update_deliveries_write(update_id=update_id)
