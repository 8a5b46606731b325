"""Privacy: purging sign-ups whose email was never confirmed, and erasing an organisation's
personal data on request."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import reasons
from ..models import Endorsement, EndorsementEvent, Organization, OutgoingMail, User

Status = Endorsement.Status

ERASED = "erased"


def unverified_signups_purge() -> int:
    """Delete sign-ups whose email was never confirmed within the retention period: the
    account, its organisation, its endorsements and the mail sent to it. Returns how many
    accounts went."""
    cutoff = timezone.now() - timedelta(days=settings.UNVERIFIED_RETENTION_DAYS)
    stale_users = User.objects.filter(
        is_staff=False,
        date_joined__lt=cutoff,
        organization__isnull=False,
    ).exclude(emailaddress__verified=True)
    # Anything beyond an unverified endorsement (an import, a moderator's decision) is a
    # record someone made on purpose: those accounts stay. A sign-up the address's owner
    # refused ("this was not me", withdrawn unconfirmed) goes like any unconfirmed one.
    stale_users = stale_users.exclude(
        organization__endorsements__status__in=[Status.PENDING, Status.APPROVED, Status.REJECTED]
    ).exclude(
        Exists(
            Endorsement.objects.filter(
                organization__user=OuterRef("pk"), status=Status.WITHDRAWN, imported=True
            )
        )
    )
    # Someone who sent the form again recently got a fresh link: let it live its days.
    recently_mailed = OutgoingMail.objects.filter(created_at__gte=cutoff).values("to")
    stale_users = stale_users.exclude(email__in=recently_mailed)
    purged = 0
    for user in stale_users.select_related("organization").distinct():
        with transaction.atomic():
            organization = user.organization
            EndorsementEvent.objects.filter(endorsement__organization=organization).delete()
            organization.endorsements.all().delete()
            organization.delete()
            OutgoingMail.objects.filter(to__iexact=user.email).delete()
            user.delete()
            purged += 1
    return purged


def organization_erase(*, organization: Organization) -> dict[str, int | bool]:
    """Erase an organisation's personal data on request. The public record of an approved
    endorsement it consented to list (name, country, city, website, type, logo, date) stays."""
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        user = organization.user
        email = user.email
        keeps_public_record = organization.endorsements.public().exists()
        former_name = organization.name
        organization.contact_name = ""
        organization.description = ""
        if not keeps_public_record:
            organization.name = _("Erased organisation")
            organization.normalized_name = ""
            organization.duplicate_key = ""
            organization.website = ""
            organization.website_domain = ""
            organization.city = ""
            if organization.logo:
                logo, storage = str(organization.logo.name), organization.logo.storage
                organization.logo = None  # type: ignore[assignment]
                transaction.on_commit(lambda: storage.delete(logo))
        organization.duplicate_reasons = []
        organization.save()
        if not keeps_public_record and former_name:
            # Other organisations' duplicate hints name it ("same network as “X”"): they keep
            # the hint, not the name.
            for other in Organization.objects.filter(duplicate_reasons__icontains=former_name):
                other.duplicate_reasons = reasons.renamed(
                    other.duplicate_reasons, former=former_name, now=organization.name
                )
                other.save(update_fields=["duplicate_reasons"])
        # Its consent to updates went with its contact: nothing is sent to it any more.
        organization.endorsements.update(comment="", ip_hash="", wants_updates=False)
        events = EndorsementEvent.objects.filter(
            endorsement__organization=organization, actor_label__iexact=email
        ).update(actor_label=ERASED)
        mails = OutgoingMail.objects.filter(to__iexact=email).update(
            to=f"{ERASED}@{ERASED}.invalid",
            subject=ERASED,
            body_text="",
            body_html="",
            last_error="",
            network="",
            context={},
        )
        EmailAddress.objects.filter(user=user).delete()
        user.email = f"{ERASED}-{user.pk}@{ERASED}.invalid"
        user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    return {"kept_public_record": keeps_public_record, "events": events, "mails": mails}
