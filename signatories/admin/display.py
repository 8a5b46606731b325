"""Columns the endorsement and organisation lists share: a flag, a website, a duplicate hint."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_countries.fields import Country

from .. import identity
from ..models import Endorsement, Organization


def flag_image(code: str) -> SafeString | str:
    """The country's flag alone, decorative: the country's name is written beside it."""
    country = Country(code=str(code))
    if not country.code:
        return ""
    return format_html(
        '<img src="{}" alt="" width="16" height="11">', static(f"flags/{country.code.lower()}.gif")
    )


def flag(code: str) -> SafeString | str:
    """The country's flag and name; `code` is what a CountryField holds (a Country)."""
    country = Country(code=str(code))
    if not country.code:
        return ""
    return format_html("{} {}", flag_image(code), country.name)


def website_link(url: str) -> SafeString | str:
    if not url.startswith(("http://", "https://")):
        return url
    domain = url.split("://", 1)[1].split("/", 1)[0].removeprefix("www.")
    return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', url, domain)


def duplicate_flag(organization: Organization) -> SafeString | str:
    if not organization.possible_duplicate:
        return ""
    return format_html(
        '<span title="{}">⚠ {}</span>', " ".join(organization.duplicate_hints()), _("yes")
    )


def badge(label: str, *, kind: str, title: str = "") -> SafeString:
    """A short tag in the queue (a duplicate hint, a held signature); its long reason is in
    the title and, for screen readers, in the review page."""
    if title:
        return format_html(
            '<span class="queue-badge queue-badge-{}" title="{}">{}</span>', kind, title, label
        )
    return format_html('<span class="queue-badge queue-badge-{}">{}</span>', kind, label)


# The review page names at most this many other organisations an endorsement may duplicate.
CANDIDATES_SHOWN = 10


@dataclass(frozen=True)
class Candidate:
    """Another organisation an endorsement may duplicate, and why."""

    organization: Organization
    why: list[str]
    url: str
    status_label: str


def duplicate_candidates(endorsement: Endorsement) -> list[Candidate]:
    """The organisations on record with this one's website domain, its name (look-alikes
    folded) in its country, or that signed this letter from its network: what a moderator
    compares side by side before deciding."""
    organization = endorsement.organization
    condition = Q(duplicate_key=organization.duplicate_key, country=organization.country)
    if organization.website_domain:
        condition |= Q(website_domain=organization.website_domain)
    network = (
        identity.same_network(endorsement.ip_hash, endorsement.signed_at, prefix="endorsements__")
        if endorsement.ip_hash
        else None
    )
    if network is not None:
        condition |= network
    others = list(
        Organization.objects.filter(condition)
        .exclude(pk=organization.pk)
        .exclude(duplicate_key="")
        .select_related("user")
        .distinct()
        .order_by("pk")[:CANDIDATES_SHOWN]
    )
    if not others:
        return []
    on_letter = {
        organization_id: (pk, status)
        for organization_id, pk, status in Endorsement.objects.filter(
            letter=endorsement.letter, organization__in=others
        ).values_list("organization_id", "pk", "status")
    }
    from_network = (
        set(
            Endorsement.objects.filter(
                identity.same_network(endorsement.ip_hash, endorsement.signed_at),
                organization__in=others,
            ).values_list("organization_id", flat=True)
        )
        if network is not None
        else set()
    )
    candidates = []
    for other in others:
        why = []
        if organization.website_domain and other.website_domain == organization.website_domain:
            why.append(_("same website"))
        if (other.duplicate_key, other.country) == (
            organization.duplicate_key,
            organization.country,
        ):
            why.append(_("same name and country"))
        signed = on_letter.get(other.pk)
        if other.pk in from_network:
            why.append(_("same network"))
        url = (
            reverse("admin:signatories_endorsement_change", args=[signed[0]])
            if signed
            else reverse("admin:signatories_organization_change", args=[other.pk])
        )
        status = (
            str(Endorsement.Status(signed[1]).label) if signed else _("has not signed this letter")
        )
        candidates.append(Candidate(organization=other, why=why, url=url, status_label=status))
    return candidates
