"""An organisation's details: as it signs, as it changes them, as a moderator corrects them.
Each save goes through `_save_details`, which also looks for possible duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from letters.models import Letter

from .. import identity
from ..models import Endorsement, Organization, User, domains_agree
from ..reasons import (
    CHANGED_AFTER_PUBLICATION,
    EMAIL_NOT_WEBSITE,
    SAME_NAME,
    SAME_NETWORK,
    SAME_WEBSITE,
    Reason,
)
from .lifecycle import (
    BY_DETAILS_CHANGE,
    Status,
    endorsement_flag,
    refresh_count_on_commit,
    transition,
)

# SQL parameters per query, well under SQLite's limit (32,766) and PostgreSQL's (65,535).
LOOKUP_CHUNK = 5000


@dataclass(frozen=True)
class OrganizationDetails:
    name: str
    country: str
    city: str
    website: str
    kind: str
    contact_name: str
    description: str = ""


def _duplicate_reasons(
    organization: Organization, *, same_site: str | None, same_name: str | None
) -> list[dict[str, object]]:
    """Why an organisation may be one already on record: `same_site` and `same_name` name
    another organisation with its website's domain, or its folded name in its country."""
    reasons = []
    domain = organization.website_domain
    if domain and same_site:
        reasons.append(Reason(SAME_WEBSITE, {"domain": domain, "other": same_site}))
    if same_name:
        reasons.append(Reason(SAME_NAME, {"other": same_name}))
    email_domain = organization.email_domain
    if domain and email_domain and not domains_agree(email_domain, domain):
        reasons.append(Reason(EMAIL_NOT_WEBSITE, {"email": email_domain, "site": domain}))
    return [reason.stored() for reason in reasons]


def _look_for_duplicates(organization: Organization) -> list[dict[str, object]]:
    others = Organization.objects.exclude(pk=organization.pk)
    domain = organization.website_domain
    same_site = (
        others.filter(website_domain=domain).values_list("name", flat=True).first()
        if domain
        else None
    )
    same_name = (
        others.filter(duplicate_key=organization.duplicate_key, country=organization.country)
        .values_list("name", flat=True)
        .first()
    )
    reasons = _duplicate_reasons(organization, same_site=same_site, same_name=same_name)
    if names := _same_network_names(organization):
        reasons.append(_same_network_reason(names))
    return reasons


def _same_network_reason(names: list[str]) -> dict[str, object]:
    return Reason(SAME_NETWORK, {"names": names}).stored()


def _same_network_names(organization: Organization) -> list[str]:
    """The organisations that signed from the network of one of this organisation's
    signatures within a day of it: the hint is worked out again from the signatures whenever
    the details are, so that confirming or correcting the details does not wipe it."""
    if organization.pk is None:
        return []
    signed = organization.endorsements.exclude(ip_hash="").values_list("ip_hash", "signed_at")
    near = Q()
    for ip_hash, at in signed:
        near |= identity.same_network(ip_hash, at)
    if not near:
        return []
    others = (
        Endorsement.objects.filter(near)
        .exclude(organization=organization)
        .order_by("organization__name")
        .values_list("organization__name", flat=True)
        .distinct()[:5]
    )
    return list(others)


def _apply_details(organization: Organization, details: OrganizationDetails) -> None:
    organization.name = details.name.strip()
    organization.country = details.country
    organization.city = details.city.strip()
    organization.website = details.website.strip()
    organization.kind = details.kind
    organization.contact_name = details.contact_name.strip()
    organization.description = details.description.strip()
    organization.derive_fields()


def _save_details(organization: Organization, details: OrganizationDetails) -> None:
    """Apply the details, derive what is derived, look for duplicates, save."""
    _apply_details(organization, details)
    organization.duplicate_reasons = _look_for_duplicates(organization)
    organization.possible_duplicate = bool(organization.duplicate_reasons)
    organization.save()


def organization_flag_shared_network(*, organization: Organization, ip_hash: str) -> None:
    """A hint, not a verdict: NGOs often share an office connection."""
    if not ip_hash:
        return
    others = (
        Endorsement.objects.filter(identity.same_network(ip_hash, timezone.now()))
        .exclude(organization=organization)
        .values_list("organization__name", flat=True)
        .distinct()[:5]
    )
    names = list(others)
    if names:
        organization.duplicate_reasons = [
            *organization.duplicate_reasons,
            _same_network_reason(names),
        ]
        organization.possible_duplicate = True
        organization.save(update_fields=["duplicate_reasons", "possible_duplicate"])


def organization_create(*, user: User, details: OrganizationDetails) -> Organization:
    organization = Organization(user=user)
    _save_details(organization, details)
    return organization


def organizations_create_many(
    *, accounts: Sequence[tuple[User, OrganizationDetails]]
) -> list[Organization]:
    """Many organisations at once (an offline import of thousands of rows): the same details
    and the same duplicate checks as `organization_create`, in a few queries for them all.
    Each is compared with those on record and with the others made in the same call."""
    organizations = []
    for user, details in accounts:
        organization = Organization(user=user)
        _apply_details(organization, details)
        organizations.append(organization)
    domains = sorted({o.website_domain for o in organizations if o.website_domain})
    names = sorted({o.duplicate_key for o in organizations})
    by_site: dict[str, list[str]] = {}
    by_name: dict[tuple[str, str], list[str]] = {}
    for start in range(0, len(domains), LOOKUP_CHUNK):
        rows = (
            Organization.objects.filter(website_domain__in=domains[start : start + LOOKUP_CHUNK])
            .values_list("website_domain")
            .annotate(first=Min("name"))
            .order_by()
        )
        for domain, first in rows:
            by_site[domain] = [first]
    for start in range(0, len(names), LOOKUP_CHUNK):
        rows = (
            Organization.objects.filter(duplicate_key__in=names[start : start + LOOKUP_CHUNK])
            .values_list("duplicate_key", "country")
            .annotate(first=Min("name"))
            .order_by()
        )
        for name, country, first in rows:
            by_name[(name, str(country))] = [first]
    new_by_site: dict[str, list[int]] = {}
    new_by_name: dict[tuple[str, str], list[int]] = {}
    for index, organization in enumerate(organizations):
        if organization.website_domain:
            new_by_site.setdefault(organization.website_domain, []).append(index)
        new_by_name.setdefault((organization.duplicate_key, str(organization.country)), []).append(
            index
        )

    def first_other(on_record: list[str], made_here: list[int], index: int) -> str | None:
        others = on_record + [organizations[i].name for i in made_here if i != index]
        return min(others) if others else None

    for index, organization in enumerate(organizations):
        site_key = organization.website_domain
        name_key = (organization.duplicate_key, str(organization.country))
        organization.duplicate_reasons = _duplicate_reasons(
            organization,
            same_site=first_other(by_site.get(site_key, []), new_by_site.get(site_key, []), index)
            if site_key
            else None,
            same_name=first_other(by_name.get(name_key, []), new_by_name[name_key], index),
        )
        organization.possible_duplicate = bool(organization.duplicate_reasons)
    return Organization.objects.bulk_create(organizations)


# What the public list shows of a signatory: a change to any of these needs a new look by a
# moderator ("BUY CHEAP PILLS AT scam.example" is a city too).
PUBLIC_FIELDS = ("name", "country", "city", "website", "kind", "description")


def _public_changes(organization: Organization, details: OrganizationDetails) -> list[str]:
    """The fields (their names: the reason shows them in its reader's language) changed."""
    changed = []
    for field in PUBLIC_FIELDS:
        before = str(getattr(organization, field) or "").strip()
        after = str(getattr(details, field) or "").strip()
        if before != after:
            changed.append(field)
    return changed


def _logo_change(organization: Organization, new_logo: File | None, remove_logo: bool) -> bool:
    """Put the new logo in place (or none); the file it replaces is deleted once the change is
    committed, so that a failed save never leaves the organisation pointing at nothing."""
    if new_logo is None and not (remove_logo and organization.logo):
        return False
    previous = organization.logo.name
    if new_logo is not None:
        organization.logo.save(new_logo.name or "logo.png", new_logo, save=False)
    else:
        organization.logo = None  # type: ignore[assignment]
    if previous:
        storage = organization.logo.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return True


def organization_update(
    *,
    organization: Organization,
    details: OrganizationDetails,
    new_logo: File | None = None,
    remove_logo: bool = False,
) -> int:
    """Save new details. A change to anything the public list shows (the logo included) sends
    the published endorsements back to review on letters that review before publishing, and
    flags them for a moderator's look on letters that publish first and review afterwards.
    Returns how many endorsements went back to review or were flagged."""
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        changed = _public_changes(organization, details)
        if _logo_change(organization, new_logo, remove_logo):
            changed.append("logo")
        _save_details(organization, details)
        if not changed:
            return 0
        reason = Reason(CHANGED_AFTER_PUBLICATION, {"fields": changed})
        sent_back = 0
        approved = organization.endorsements.approved().select_related("letter")
        for endorsement in approved:
            moved: object
            if endorsement.letter.moderation == Letter.Moderation.REVIEW_FIRST:
                moved = transition(
                    endorsement_id=endorsement.pk,
                    allowed_from={Status.APPROVED},
                    to_status=Status.PENDING,
                    actor=None,
                    label=BY_DETAILS_CHANGE,
                    reason=reason,
                    notify_organization=False,
                )
            else:
                # Stays published: the letter reviews afterwards.
                moved = endorsement_flag(endorsement_id=endorsement.pk, reason=reason)
            if moved:
                sent_back += 1
        return sent_back


def organization_correct(*, organization: Organization, details: OrganizationDetails) -> None:
    """A moderator corrects an organisation's details (a typo, a missing website). Unlike the
    organisation's own change, nothing goes back to review: a moderator made it."""
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        _save_details(organization, details)
        # A corrected country changes the count of countries and the list by country.
        for letter in Letter.objects.filter(
            endorsements__organization=organization, endorsements__status=Status.APPROVED
        ).distinct():
            refresh_count_on_commit(letter)
