"""The live signatory count of a letter: kept in the cache, recounted from the database.

The cache is refreshed by every service that moves an endorsement in or out of "approved",
and a periodic reconciliation recounts every letter so that drift cannot last.

Entries are keyed by the letter's slug, so that count.json answers from the cache without
looking the letter up: under a surge a hit costs no database query at all.
"""

from __future__ import annotations

import logging
from typing import TypedDict

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from letters.models import Letter

from .continents import continent_of
from .models import Endorsement

logger = logging.getLogger(__name__)

# Reconciliation rewrites every public letter's entry every few minutes, so live letters never
# expire; the time-out only bounds how long the entry of a renamed letter outlives its old slug.
CACHE_SECONDS = 60 * 60


class SignatoryCount(TypedDict):
    letter: str
    signatories: int
    countries: int
    continents: int
    updated_at: str


def _cache_key(slug: str) -> str:
    return f"signatory-count:{slug}"


def _count_from_database(letter: Letter) -> SignatoryCount:
    by_country = (
        Endorsement.objects.filter(letter=letter)
        .approved()
        .values("organization__country")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_country = {row["organization__country"]: row["n"] for row in by_country}
    continents = {continent_of(code) for code in per_country} - {None}
    return SignatoryCount(
        letter=letter.slug,
        signatories=sum(per_country.values()),
        countries=len(per_country),
        continents=len(continents),
        updated_at=timezone.now().isoformat(),
    )


def _cached(slug: str) -> SignatoryCount | None:
    try:
        return cache.get(_cache_key(slug))
    except Exception:
        logger.warning("Cache unavailable; counting letter %s from the database", slug)
        return None


def _forget(slug: str) -> None:
    try:
        cache.delete(_cache_key(slug))
    except Exception:
        logger.warning("Cache unavailable; the count of letter %s was not removed", slug)


def signatory_count(letter: Letter) -> SignatoryCount:
    """The count as the public sees it: from the cache when it is there."""
    cached = _cached(letter.slug)
    if cached is not None:
        return cached
    return signatory_count_refresh(letter=letter)


def signatory_count_for_slug(slug: str) -> SignatoryCount | None:
    """count.json's read. None when no public letter has this slug."""
    cached = _cached(slug)
    if cached is not None:
        return cached
    letter = Letter.objects.public().filter(slug=slug).first()
    if letter is None:
        return None
    return signatory_count_refresh(letter=letter)


def signatory_count_refresh(*, letter: Letter) -> SignatoryCount:
    count = _count_from_database(letter)
    if letter.status == Letter.Status.DRAFT:
        # A cached count would answer count.json for a letter the public must not see.
        _forget(letter.slug)
        return count
    try:
        cache.set(_cache_key(letter.slug), count, timeout=CACHE_SECONDS)
    except Exception:
        logger.warning("Cache unavailable; the count of letter %s was not stored", letter.slug)
    return count


def signatory_counts_reconcile() -> int:
    """Recount every letter the public can see and drop the entries of drafts (a letter put
    back to draft); returns how many letters were recounted."""
    recounted = 0
    for letter in Letter.objects.all():
        signatory_count_refresh(letter=letter)
        if letter.status != Letter.Status.DRAFT:
            recounted += 1
    return recounted
