"""Matching an offline file's rows against the organisations on record: every row's
organisation is looked up in a few queries, not a few per row, with what decides whether a row
may be matched to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import is_password_usable
from django.db.models import Q
from django.db.models.functions import Lower

from letters.models import Letter

from .. import identity
from ..models import Endorsement, Organization

if TYPE_CHECKING:
    from .rows import OfflineSignatory

# SQL parameters per query: well under SQLite's limit (32,766) and PostgreSQL's (65,535).
LOOKUP_CHUNK = 5000


def batches(values: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == LOOKUP_CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class OnRecord:
    """An organisation already on record, as the import sees it."""

    pk: int
    user_id: int
    name: str
    email: str
    normalized_name: str
    country: str
    # Whether a row with its address may be matched to it (signatories.identity.trusted).
    trusted: bool
    # Whether an import made it: only then may a row with another address be matched to it by
    # its name and country (see `plan_import`).
    created_by_import: bool
    # Its endorsement of the letter being imported, "" if none.
    endorsement_status: str

    @property
    def endorsement_status_label(self) -> str:
        return str(Endorsement.Status(self.endorsement_status).label)


@dataclass
class Records:
    """The organisations a file's rows may stand for, found in a few queries for all rows."""

    by_email: dict[str, OnRecord] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[OnRecord]] = field(default_factory=dict)


def _candidates(condition: Q) -> list[tuple[Any, ...]]:
    return list(
        Organization.objects.annotate(email_lower=Lower("user__email"))
        .filter(condition)
        .order_by("pk")
        .values_list(
            "pk",
            "user_id",
            "name",
            "email_lower",
            "normalized_name",
            "country",
            "user__is_staff",
            "user__password",
        )
    )


def _on_record(letter: Letter, candidates: list[tuple[Any, ...]]) -> dict[int, OnRecord]:
    """The candidates with what decides their matching, in plain queries by primary key.
    (Folded into the candidates' query as subqueries, the planner's estimates had PostgreSQL
    compile it with JIT: a second per query, for a few milliseconds of work.)"""
    organization_ids = sorted({row[0] for row in candidates})
    user_ids = sorted({row[1] for row in candidates})
    verified: set[int] = set()
    for batch in batches(user_ids):
        verified.update(
            EmailAddress.objects.filter(user_id__in=batch, verified=True).values_list(
                "user_id", flat=True
            )
        )
    first: dict[int, tuple[Any, int, bool]] = {}
    status_for_letter: dict[int, str] = {}
    for batch in batches(organization_ids):
        endorsements = Endorsement.objects.filter(organization_id__in=batch).values_list(
            "organization_id", "signed_at", "pk", "imported", "letter_id", "status"
        )
        for organization_id, signed_at, pk, imported, letter_id, status in endorsements:
            earliest = first.get(organization_id)
            if earliest is None or (signed_at, pk) < earliest[:2]:
                first[organization_id] = (signed_at, pk, imported)
            if letter_id == letter.pk:
                status_for_letter[organization_id] = status
    made_by_import = {pk for pk, (_signed_at, _pk, by_import) in first.items() if by_import}
    return {
        pk: OnRecord(
            pk=pk,
            user_id=user_id,
            name=name,
            email=email,
            normalized_name=folded,
            country=str(country),
            trusted=identity.trusted(
                address_confirmed=user_id in verified,
                made_by_import=pk in made_by_import,
                staff=staff,
                has_password=is_password_usable(password),
            ),
            created_by_import=pk in made_by_import,
            endorsement_status=status_for_letter.get(pk, ""),
        )
        for pk, user_id, name, email, folded, country, staff, password in candidates
    }


def organizations_on_record(*, letter: Letter, signatories: Iterable[OfflineSignatory]) -> Records:
    """Every organisation on record with a row's address, or with a row's name (folded) in
    the row's country: a few queries per few thousand rows, whatever the file's size."""
    signatories = list(signatories)
    emails = {signatory.email for signatory in signatories}
    names = {(signatory.normalized_name, signatory.country) for signatory in signatories}
    by_email: list[tuple[Any, ...]] = []
    for batch in batches(emails):
        by_email += _candidates(Q(email_lower__in=batch))
    # An erased organisation's folded name is empty: no row may match it by name.
    by_name: list[tuple[Any, ...]] = []
    for batch in batches({name for name, _country in names if name}):
        by_name += [
            row
            for row in _candidates(Q(normalized_name__in=batch))
            if (row[4], str(row[5])) in names
        ]
    on_record = _on_record(letter, by_email + by_name)
    records = Records()
    for row in by_email:
        record = on_record[row[0]]
        records.by_email[record.email] = record
    for row in sorted(by_name):
        record = on_record[row[0]]
        records.by_name.setdefault((record.normalized_name, record.country), []).append(record)
    return records


def identity_keys(signatory: OfflineSignatory) -> tuple[str, tuple[str, str]]:
    return signatory.email, (signatory.normalized_name, signatory.country)
