"""Signatures collected offline (on paper, by email), imported from a file: all or nothing,
in a few queries per few thousand rows, so that a file of 20,000 rows is written well inside a
web request's time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from letters.models import Letter

from .. import importer
from ..models import Endorsement, Organization, User
from ..reasons import FORMULA_NAME, IMPORTED, SET_ASIDE_BY_IMPORT, Reason
from .lifecycle import Status, endorsements_import
from .organizations import OrganizationDetails, organizations_create_many

SET_ASIDE_DOMAIN = "set-aside.invalid"


class ImportRefused(Exception):
    """A row could not be written; nothing was."""


def _sign_up_set_aside(planned: importer.PlannedRow) -> None:
    """An unconfirmed online sign-up used an address that the file gives to an organisation
    staff vouch for. The sign-up is not merged into it (nothing its author typed should
    survive into that record) nor deleted (a moderator may want to see who tried): it keeps
    its details and its unverified endorsements, loses the address, and is flagged. Without
    its address row the confirmation link already mailed stops working, so none of its
    endorsements can ever be published; the purge of unconfirmed sign-ups removes it after
    UNVERIFIED_RETENTION_DAYS like any other."""
    record = planned.set_aside
    assert record is not None
    user = User.objects.select_for_update().get(pk=record.user_id)
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        raise ImportRefused(
            _(
                "%(email)s was confirmed while you were looking at the preview. Upload the "
                "file again to see what the import would do now."
            )
            % {"email": record.email}
        )
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"{user.pk}@{SET_ASIDE_DOMAIN}"
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "is_active", "password"])
    organization = Organization.objects.select_for_update().get(pk=record.pk)
    organization.duplicate_reasons = [
        *organization.duplicate_reasons,
        Reason(
            SET_ASIDE_BY_IMPORT,
            {"date": timezone.localdate().isoformat(), "name": planned.signatory.name},
        ).stored(),
    ]
    organization.possible_duplicate = True
    organization.save(update_fields=["duplicate_reasons", "possible_duplicate", "updated_at"])


def _organizations_import(rows: Sequence[importer.PlannedRow]) -> list[Organization]:
    """Accounts and organisations for the rows nobody is on record for, in bulk."""
    emails = [row.signatory.email for row in rows]
    for start in range(0, len(emails), importer.LOOKUP_CHUNK):
        taken = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails[start : start + importer.LOOKUP_CHUNK])
            .values_list("email_lower", flat=True)
            .first()
        )
        if taken:
            # The row check refuses this too; here it guards against an account made since.
            raise ImportRefused(
                _("%(email)s belongs to an account that is not an organisation's.")
                % {"email": taken}
            )
    # Unusable passwords: nobody signs in with one. The contacts get no mail from the import.
    users = User.objects.bulk_create(
        User(email=email, password=make_password(None), is_staff=False, is_superuser=False)
        for email in emails
    )
    # Unverified: nobody has confirmed these addresses.
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, primary=True, verified=False) for user in users
    )
    return organizations_create_many(
        accounts=[
            (
                user,
                OrganizationDetails(
                    name=row.signatory.name,
                    country=row.signatory.country,
                    city=row.signatory.city,
                    website=row.signatory.website,
                    kind=row.signatory.kind,
                    contact_name=row.signatory.contact_name,
                ),
            )
            for user, row in zip(users, rows, strict=True)
        ]
    )


@dataclass(frozen=True)
class ImportSummary:
    endorsements_created: int
    organizations_created: int
    skipped: int
    set_aside: int = 0
    # Of the endorsements created, those waiting for a moderator.
    pending: int = 0


def signatories_import(
    *,
    letter: Letter,
    signatories: Sequence[importer.OfflineSignatory],
    actor: User | None,
    status: str | None = None,
) -> ImportSummary:
    """Record signatures collected offline, all or nothing. Each row is matched to an
    organisation on record (same email, or same name and country when an earlier import made
    it) or creates one; an organisation that already endorsed the letter is left as it is, so
    importing a file twice adds nothing. An unconfirmed online sign-up is never matched: the
    file's row wins and the sign-up is set aside (see `_sign_up_set_aside`). Nor is an online
    sign-up of the same name with another address, confirmed or not: the row's organisation
    is made beside it, flagged as its possible duplicate. Imported endorsements follow the
    letter's moderation (`importer.imported_status`): approved and attributed to `actor` (the
    staff member) or to "import" when the letter publishes on verification, pending for a
    moderator when it reviews first, and a name that looks like a spreadsheet formula is
    always held for review. They are marked imported; nobody is mailed. `status` forces
    approved or pending for the rest (the demo's data)."""
    if status not in (None, Status.APPROVED, Status.PENDING):
        raise ValueError(f"Imported endorsements are approved or pending, not {status}.")
    try:
        with transaction.atomic():
            # One import per letter at a time: two runs of the same file would otherwise both
            # create an organisation that only its name and country identify.
            list(Letter.objects.select_for_update().filter(pk=letter.pk))
            # Planned again here, under the lock: what the preview showed may have changed.
            plan = importer.plan_import(
                letter=letter, rows=dict(enumerate(signatories, start=1)), status=status
            )
            rows = {number: planned for number, planned in plan.items() if not planned.skip}
            for planned in rows.values():
                if planned.set_aside is not None:
                    _sign_up_set_aside(planned)
            new_rows = {
                number: planned for number, planned in rows.items() if planned.organization is None
            }
            made = _organizations_import(list(new_rows.values()))
            organization_ids = {
                number: organization.pk for number, organization in zip(new_rows, made, strict=True)
            }
            organization_ids.update(
                (number, planned.organization.pk)
                for number, planned in rows.items()
                if planned.organization is not None
            )
            endorsements = endorsements_import(
                letter=letter,
                rows=[
                    (
                        Endorsement(
                            organization_id=organization_ids[number],
                            letter=letter,
                            comment=planned.signatory.comment,
                            imported=True,
                        ),
                        planned.status,
                        [Reason(FORMULA_NAME)] if planned.signatory.looks_like_formula else [],
                    )
                    for number, planned in sorted(rows.items())
                ],
                actor=actor,
                reason=Reason(IMPORTED),
            )
    except IntegrityError as error:
        # An online signature or account for one of these organisations, made between the
        # plan and the write: the unique constraints refuse it, and nothing is written.
        raise ImportRefused(
            _(
                "An organisation of the file signed online or was created while the import "
                "ran. Nothing was imported: upload the file again to see the new preview."
            )
        ) from error
    return ImportSummary(
        endorsements_created=len(endorsements),
        organizations_created=len(new_rows),
        skipped=len(plan) - len(rows),
        set_aside=sum(planned.set_aside is not None for planned in rows.values()),
        pending=sum(endorsement.status == Status.PENDING for endorsement in endorsements),
    )
