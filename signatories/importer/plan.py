"""The plan of an import: what importing each valid row would do, which the preview shows and
the service writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from letters.models import Letter

from ..models import Endorsement
from . import messages
from .matching import OnRecord, Records, identity_keys, organizations_on_record
from .rows import OfflineSignatory, line_of


@dataclass
class PlannedRow:
    """What importing one row would do."""

    signatory: OfflineSignatory
    outcome: str
    skip: bool
    # The organisation on record the endorsement goes to; None for a new organisation.
    organization: OnRecord | None = None
    # An unconfirmed online sign-up that used the row's address: the import sets it aside.
    set_aside: OnRecord | None = None
    # What the moderator should look at before confirming.
    note: str = ""
    # The status the endorsement is written with (none for a skipped row).
    status: str = ""

    @property
    def creates_organization(self) -> bool:
        return not self.skip and self.organization is None

    @property
    def notes(self) -> list[str]:
        """The note and the row's own warnings (an unknown type, a name like a formula)."""
        return [*filter(None, [self.note]), *([] if self.skip else self.signatory.warnings())]


@dataclass(frozen=True)
class PlanCounts:
    new_organizations: int
    existing_organizations: int
    skipped: int
    set_aside: int
    notes: int
    approved: int = 0
    pending: int = 0


def plan_counts(plan: dict[int, PlannedRow]) -> PlanCounts:
    rows = plan.values()
    return PlanCounts(
        new_organizations=sum(row.creates_organization for row in rows),
        existing_organizations=sum(not row.skip and row.organization is not None for row in rows),
        skipped=sum(row.skip for row in rows),
        set_aside=sum(row.set_aside is not None for row in rows),
        notes=sum(bool(row.notes) for row in rows),
        approved=sum(row.status == Endorsement.Status.APPROVED for row in rows),
        pending=sum(row.status == Endorsement.Status.PENDING for row in rows),
    )


def imported_status(letter: Letter, signatory: OfflineSignatory, status: str | None = None) -> str:
    """An imported row follows the letter's moderation, as an online signature does: with
    "review first" it waits for a moderator. A name that looks like a formula always waits.
    `status` forces the others' status (the demo's data)."""
    if signatory.looks_like_formula:
        return Endorsement.Status.PENDING
    if status is not None:
        return status
    if letter.moderation == Letter.Moderation.PUBLISH_ON_VERIFICATION:
        return Endorsement.Status.APPROVED
    return Endorsement.Status.PENDING


def _skipped(signatory: OfflineSignatory, earlier: int) -> PlannedRow:
    return PlannedRow(signatory, messages.same_organization_skipped(line_of(earlier)), skip=True)


def _matched(
    signatory: OfflineSignatory, records: Records
) -> tuple[OnRecord | None, OnRecord | None, str]:
    """The organisation on record a row's endorsement goes to (None: a new one), the
    unconfirmed sign-up it sets aside, and what the moderator should know about either."""
    note = ""
    set_aside = None
    match = records.by_email.get(signatory.email)
    if match is not None and not match.trusted:
        # The file's details win over an unconfirmed online sign-up with this address.
        # That record is set aside rather than merged: nothing its author typed (name,
        # website, comment, other letters) is carried into the organisation staff vouch
        # for, and nothing of it is published.
        set_aside, match = match, None
        note = messages.sign_up_set_aside(set_aside.name)
    if match is None:
        same_name = [
            record
            for record in records.by_name.get(identity_keys(signatory)[1], [])
            if set_aside is None or record.pk != set_aside.pk
        ]
        # Only what staff imported before is matched by name and country: anyone can sign
        # online as "Greenpeace Ghana" with an address of their own and confirm it, and
        # the file's signature would then be published with their website. Such a
        # record is left as it is; the row makes an organisation of its own, which the
        # duplicate check flags for a moderator (same name and country).
        match = next((record for record in same_name if record.created_by_import), None)
        if match is None and same_name and not note:
            note = messages.same_name_left_as_it_is(
                same_name[0].name, confirmed=same_name[0].trusted
            )
    return match, set_aside, note


def plan_import(
    *, letter: Letter, rows: dict[int, OfflineSignatory], status: str | None = None
) -> dict[int, PlannedRow]:
    """What importing would do to each valid row: the preview shows it, and the service
    writes exactly this (computing it again once it holds the letter's lock)."""
    records = organizations_on_record(letter=letter, signatories=rows.values())
    plan: dict[int, PlannedRow] = {}
    seen: dict[object, int] = {}
    for number, signatory in sorted(rows.items()):
        email_key, name_key = identity_keys(signatory)
        earlier = seen.get(email_key) or seen.get(name_key)
        if earlier is not None:
            plan[number] = _skipped(signatory, earlier)
            continue
        seen.setdefault(email_key, number)
        seen.setdefault(name_key, number)
        match, set_aside, note = _matched(signatory, records)
        if match is not None:
            earlier = seen.get(("organization", match.pk))
            if earlier is not None:
                plan[number] = _skipped(signatory, earlier)
                continue
            seen[("organization", match.pk)] = number
            if match.endorsement_status:
                # Nothing is written for a skipped row, so nothing is set aside either.
                plan[number] = PlannedRow(
                    signatory,
                    messages.already_endorsed(match.name, match.endorsement_status_label),
                    skip=True,
                    organization=match,
                )
                continue
        row_status = imported_status(letter, signatory, status)
        plan[number] = PlannedRow(
            signatory,
            messages.new_organization(row_status)
            if match is None
            else messages.existing_organization(match.name, row_status),
            skip=False,
            organization=match,
            set_aside=set_aside,
            note=note,
            status=row_status,
        )
    return plan
