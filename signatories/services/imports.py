"""Signatures collected offline (on paper, by email), imported from a file: all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from letters.models import Letter

from .. import imports
from ..models import Endorsement, Organization, User
from .organizations import OrganizationDetails, organization_create
from .transitions import BY_IMPORT, Status, record_event, refresh_count_on_commit


class ImportRefused(Exception):
    """A row could not be written; nothing was."""


@dataclass(frozen=True)
class ImportSummary:
    endorsements_created: int
    organizations_created: int
    skipped: int


def _organization_import(signatory: imports.OfflineSignatory) -> Organization:
    if User.objects.filter(email__iexact=signatory.email).exists():
        # The row check refuses this too; here it guards against an account made since.
        raise ImportRefused(
            _("%(email)s belongs to an account that is not an organisation's.")
            % {"email": signatory.email}
        )
    user = User.objects.create_user(email=signatory.email)
    # Unverified: nobody has confirmed this address. The contact gets no mail from the import.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    return organization_create(
        user=user,
        details=OrganizationDetails(
            name=signatory.name,
            country=signatory.country,
            city=signatory.city,
            website=signatory.website,
            kind=signatory.kind,
            contact_name=signatory.contact_name,
        ),
    )


def signatories_import(
    *,
    letter: Letter,
    signatories: Sequence[imports.OfflineSignatory],
    actor: User | None,
    status: str = Status.APPROVED,
) -> ImportSummary:
    """Record signatures collected offline, all or nothing. Each row is matched to an existing
    organisation (same email, or same name and country) or creates one; an organisation that
    already endorsed the letter is left as it is, so importing a file twice adds nothing.
    Imported endorsements are approved, marked imported and attributed to `actor` (the staff
    member) or to "import"; nobody is mailed. With `status=pending` they wait for a moderator
    instead (signatures whose authenticity someone still has to check)."""
    if status not in (Status.APPROVED, Status.PENDING):
        raise ValueError(f"Imported endorsements are approved or pending, not {status}.")
    approved = status == Status.APPROVED
    created = organizations_created = skipped = 0
    with transaction.atomic():
        # One import per letter at a time: two runs of the same file would otherwise both
        # create an organisation that only its name and country identify.
        list(Letter.objects.select_for_update().filter(pk=letter.pk))
        for signatory in signatories:
            organization = imports.find_organization(signatory)
            if organization is None:
                organization = _organization_import(signatory)
                organizations_created += 1
            elif Endorsement.objects.filter(organization=organization, letter=letter).exists():
                skipped += 1
                continue
            endorsement = Endorsement.objects.create(
                organization=organization,
                letter=letter,
                status=status,
                comment=signatory.comment,
                imported=True,
                approved_at=timezone.now() if approved else None,
                decided_by=actor if approved else None,
            )
            record_event(
                endorsement,
                from_status="",
                to_status=status,
                actor=actor,
                label=BY_IMPORT,
                reason=_("Signature collected offline, imported from a file."),
            )
            created += 1
        if created and approved:
            refresh_count_on_commit(letter)
    return ImportSummary(
        endorsements_created=created, organizations_created=organizations_created, skipped=skipped
    )
