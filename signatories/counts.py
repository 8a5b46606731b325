"""The live signatory count of a letter: kept in the cache, recounted from the database.

The cache is refreshed by every service that moves an endorsement in or out of "approved",
and a periodic reconciliation recounts every open letter so that drift cannot last.
"""

from __future__ import annotations

import logging
from typing import TypedDict

from django.core.cache import cache
from django.utils import timezone

from letters.models import Letter

from .continents import continent_of
from .models import Endorsement

logger = logging.getLogger(__name__)


class SignatoryCount(TypedDict):
    letter: str
    signatories: int
    countries: int
    continents: int
    updated_at: str


def _cache_key(letter_id: int) -> str:
    return f"signatory-count:{letter_id}"


def _count_from_database(letter: Letter) -> SignatoryCount:
    approved = Endorsement.objects.filter(letter=letter).approved()
    countries = set(approved.values_list("organization__country", flat=True).distinct().order_by())
    signatories = approved.count()
    continents = {continent_of(code) for code in countries} - {None}
    return SignatoryCount(
        letter=letter.slug,
        signatories=signatories,
        countries=len(countries),
        continents=len(continents),
        updated_at=timezone.now().isoformat(),
    )


def signatory_count(letter: Letter) -> SignatoryCount:
    """The count as the public sees it: from the cache when it is there."""
    try:
        cached = cache.get(_cache_key(letter.pk))
    except Exception:
        logger.warning("Cache unavailable; counting letter %s from the database", letter.pk)
        return _count_from_database(letter)
    if cached is not None:
        return cached
    return signatory_count_refresh(letter=letter)


def signatory_count_refresh(*, letter: Letter) -> SignatoryCount:
    count = _count_from_database(letter)
    try:
        cache.set(_cache_key(letter.pk), count, timeout=None)
    except Exception:
        logger.warning("Cache unavailable; the count of letter %s was not stored", letter.pk)
    return count


def signatory_counts_reconcile() -> int:
    """Recount every letter the public can see; returns how many were recounted."""
    letters = list(Letter.objects.public())
    for letter in letters:
        signatory_count_refresh(letter=letter)
    return len(letters)
