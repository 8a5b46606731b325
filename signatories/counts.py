"""The live signatory count of a letter: kept in the cache, recounted from the database.

The cache is refreshed by every service that moves an endorsement in or out of "approved",
and a periodic reconciliation recounts every letter so that drift cannot last.

Entries are keyed by the letter's slug, so that count.json answers from the cache without
looking the letter up: under a surge a hit costs no database query at all. The same recount
also keeps, under a second key, how many listed signatories each country has: the signatories
page needs it for its headings, its country menu and its page arithmetic.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from coalition.pagecache import public_pages_changed
from letters.models import Letter

from .continents import continent_of
from .models import Endorsement

# Reconciliation rewrites every public letter's entry every few minutes, so live letters never
# expire; the time-out only bounds how long the entry of a renamed letter outlives its old slug.
CACHE_SECONDS = 60 * 60


class Delivery(TypedDict):
    on: str
    to: str
    note: str
    url: str


class SignatoryCount(TypedDict):
    letter: str
    signatories: int
    countries: int
    continents: int
    updated_at: str
    # Whether, when and to whom the letter was handed over: a widget stops asking for
    # signatures and says so. In the letter's own language, as the counts are language-free.
    delivered: Delivery | None


def _delivery(letter: Letter) -> Delivery | None:
    if letter.delivered_on is None:
        return None
    return Delivery(
        on=letter.delivered_on.isoformat(),
        to=letter.delivered_to,
        note=letter.delivery_note,
        url=letter.delivery_url,
    )


def _cache_key(slug: str) -> str:
    return f"signatory-count:{slug}"


def _listed_cache_key(slug: str) -> str:
    return f"signatories-listed-by-country:{slug}"


def approved_per_country(letter: Letter) -> dict[str, tuple[int, int]]:
    """Per country code: (approved signatories, of which listed by name), in one aggregate
    query, read from the database."""
    by_country = (
        Endorsement.objects.filter(letter=letter)
        .approved()
        .values("organization__country")
        .annotate(n=Count("id"), listed=Count("id", filter=Q(listed_publicly=True)))
        .order_by()
    )
    return {row["organization__country"]: (row["n"], row["listed"]) for row in by_country}


def _count_from_database(letter: Letter) -> tuple[SignatoryCount, dict[str, int]]:
    """The public count, and the listed signatories per country, in one aggregate query."""
    figures = approved_per_country(letter)
    per_country = {code: n for code, (n, _listed) in figures.items()}
    listed = {code: named for code, (_n, named) in figures.items() if named}
    continents = {continent_of(code) for code in per_country} - {None}
    count = SignatoryCount(
        letter=letter.slug,
        signatories=sum(per_country.values()),
        countries=len(per_country),
        continents=len(continents),
        updated_at=timezone.now().isoformat(),
        delivered=_delivery(letter),
    )
    return count, listed


# The cache backend itself degrades when Redis fails (coalition.cache): a miss here means
# "count from the database", and a lost write is repaired by the next refresh.


def _cached(key: str) -> Any:
    return cache.get(key)


def _forget(slug: str) -> None:
    cache.delete_many([_cache_key(slug), _listed_cache_key(slug)])
    public_pages_changed()


def _store(letter: Letter, count: SignatoryCount, listed: dict[str, int]) -> None:
    if letter.status == Letter.Status.DRAFT:
        # A cached count would answer count.json for a letter the public must not see.
        _forget(letter.slug)
        return
    entries = {_cache_key(letter.slug): count, _listed_cache_key(letter.slug): listed}
    cache.set_many(entries, timeout=CACHE_SECONDS)


def signatory_count(letter: Letter) -> SignatoryCount:
    """The count as the public sees it: from the cache when it is there."""
    cached = _cached(_cache_key(letter.slug))
    if cached is not None:
        return cached
    return _fill(letter)


def _fill(letter: Letter) -> SignatoryCount:
    """A read found no count (Redis restarted, the entry expired): count and keep it. Nothing
    the public sees has changed, so the cached pages stay."""
    count, listed = _count_from_database(letter)
    _store(letter, count, listed)
    return count


def signatory_count_for_slug(slug: str) -> SignatoryCount | None:
    """count.json's read. None when no public letter has this slug."""
    cached = _cached(_cache_key(slug))
    if cached is not None:
        return cached
    letter = Letter.objects.public().filter(slug=slug).first()
    if letter is None:
        return None
    return _fill(letter)


def listed_signatories_by_country(letter: Letter) -> dict[str, int]:
    """How many approved signatories that agreed to be listed each country has (countries
    with none are left out). Refreshed with the count."""
    cached = _cached(_listed_cache_key(letter.slug))
    if cached is not None:
        return cached
    count, listed = _count_from_database(letter)
    _store(letter, count, listed)
    return listed


def signatory_count_refresh(*, letter: Letter) -> SignatoryCount:
    """An endorsement entered or left the public list (or a published organisation changed):
    recount, and have the cached public pages rendered again."""
    count, listed = _count_from_database(letter)
    _store(letter, count, listed)
    public_pages_changed()
    return count


def _numbers(count: SignatoryCount | None) -> tuple[object, ...] | None:
    if count is None:
        return None
    return (
        count["signatories"],
        count["countries"],
        count["continents"],
        count.get("delivered"),
    )


def signatory_count_after_letter_change(*, letter: Letter, previous_slug: str = "") -> None:
    """A letter was edited: recount under its slug, and drop what its old slug cached."""
    if previous_slug and previous_slug != letter.slug:
        _forget(previous_slug)
    signatory_count_refresh(letter=letter)


def signatory_counts_reconcile() -> int:
    """Recount every letter the public can see and drop the entries of drafts (a letter put
    back to draft); returns how many letters were recounted."""
    recounted, drifted = 0, False
    for letter in Letter.objects.all():
        before = (_cached(_cache_key(letter.slug)), _cached(_listed_cache_key(letter.slug)))
        count, listed = _count_from_database(letter)
        _store(letter, count, listed)
        drifted = drifted or (_numbers(before[0]), before[1]) != (_numbers(count), listed)
        if letter.status != Letter.Status.DRAFT:
            recounted += 1
    if drifted:
        # Only then: the pages of a quiet letter are not rendered again every few minutes.
        public_pages_changed()
    return recounted
