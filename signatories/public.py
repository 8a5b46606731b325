"""The one door through which the rest of the site (the letter's pages, the open data, the
letter admin) reads signatories: the count, the most recent signatories, a page of the list
grouped by country, the countries in order, and the open-data files. Only what the public may
see comes out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import Count
from django_countries.fields import Country

from letters.models import Letter

from .countries import country_name, rank_by_country, sorted_country_codes
from .counts import (
    SignatoryCount,
    approved_per_country,
    listed_signatories_by_country,
    signatory_count,
    signatory_count_after_letter_change,
    signatory_count_for_slug,
)
from .exports.public import (
    PUBLIC_FIELDS,
    PublicSignatory,
    listed,
    open_data_csv,
    open_data_json,
    public_signatory,
)
from .models import Endorsement, normalize_name

__all__ = [
    "CountryGroup",
    "PublicSignatory",
    "SignatoryCount",
    "countries_by_name",
    "letter_list_by_country",
    "list_fingerprint",
    "listed_per_country",
    "open_data_csv",
    "open_data_json",
    "page_groups",
    "recent_signatories",
    "signatory_count",
    "signatory_count_after_letter_change",
    "signatory_count_for_slug",
]


@dataclass
class CountryGroup:
    country: Country
    total: int
    continued: bool = False
    signatories: list[PublicSignatory] = field(default_factory=list)

    @property
    def unlisted(self) -> int:
        """Of `total`, how many are not named (only the staff's groups count them)."""
        return max(0, self.total - len(self.signatories))


def countries_by_name(codes: list[str] | set[str] | dict[str, int]) -> list[tuple[str, str]]:
    """(code, name) in the reader's alphabetical order: "Allemagne" comes first in French."""
    return [(code, country_name(code)) for code in sorted_country_codes(codes)]


def recent_signatories(letter: Letter, limit: int) -> list[PublicSignatory]:
    # No tie-breaker on purpose: ordering by approval time alone walks the partial index
    # endorsement_public_idx backwards and stops after `limit` rows.
    newest_first = listed(letter).order_by("-approved_at")
    return [public_signatory(row) for row in newest_first.values_list(*PUBLIC_FIELDS)[:limit]]


def listed_per_country(letter: Letter, search: str = "") -> dict[str, int]:
    """How many listed signatories each country has, of those whose name holds `search`
    (folded: case and accents ignored). Without a search, from the cache of the count."""
    folded = normalize_name(search)
    if not folded:
        return listed_signatories_by_country(letter)
    rows = (
        listed(letter)
        .filter(organization__normalized_name__contains=folded)
        .values("organization__country")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["organization__country"]: row["n"] for row in rows}


def page_groups(
    letter: Letter, search: str, shown: list[str], per_country: dict[str, int], page: Page
) -> list[CountryGroup]:
    """The signatories of one page, grouped by country, in one query: the per-country counts
    tell which countries the page spans and how many rows of the first one to skip, so the
    database sorts only those countries' rows instead of every signatory of the letter."""
    start = page.start_index() - 1
    end = start + len(page.object_list)
    window: list[str] = []
    first_offset = offset = 0
    for code in shown:
        size = per_country[code]
        if offset + size > start and offset < end:
            if not window:
                first_offset = offset
            window.append(code)
        offset += size
        if offset >= end:
            break
    if not window:
        return []
    skip = start - first_offset
    rows = listed(letter).filter(organization__country__in=window)
    folded = normalize_name(search)
    if folded:
        rows = rows.filter(organization__normalized_name__contains=folded)
    ordered = rank_by_country(rows, window, "organization__normalized_name", "pk")
    groups = {
        code: CountryGroup(
            country=Country(code=code), total=per_country[code], continued=i == 0 and skip > 0
        )
        for i, code in enumerate(window)
    }
    for row in ordered.values_list(*PUBLIC_FIELDS)[skip : skip + (end - start)]:
        signatory = public_signatory(row)
        groups[signatory.country.code].signatories.append(signatory)
    return [group for group in groups.values() if group.signatories]


def letter_list_by_country(letter: Letter, *, with_unlisted: bool) -> list[CountryGroup]:
    """Every listed signatory, grouped by country in the reader's order, for the printed
    letter: one query for the names, one for the counts. `with_unlisted` (the staff copy) also
    gives each country's number of approved signatories that asked not to be listed, as
    `total` minus the names shown, and keeps countries where none is listed."""
    per_country = approved_per_country(letter)
    codes = [
        code for code in sorted_country_codes(per_country) if with_unlisted or per_country[code][1]
    ]
    groups = {
        code: CountryGroup(
            country=Country(code=code),
            total=per_country[code][0] if with_unlisted else per_country[code][1],
        )
        for code in codes
    }
    ordered = rank_by_country(listed(letter), codes, "organization__normalized_name", "pk")
    for row in ordered.values_list(*PUBLIC_FIELDS).iterator(chunk_size=2000):
        signatory = public_signatory(row)
        groups[signatory.country.code].signatories.append(signatory)
    return list(groups.values())


def list_fingerprint(letter: Letter) -> str:
    """Changes exactly when the printed list would: a signatory approved, withdrawn, listed or
    unlisted, or the name, city or country of one printed. Not when a contact's name or address
    changes: `organization.updated_at`, which every edit moves, had every PDF of the letter
    rendered again for nothing. Reads those few columns of the approved rows (the names only of
    the listed ones), ordered by id, so the same list gives the same value on any database."""
    digest = hashlib.sha256()
    rows = (
        Endorsement.objects.filter(letter=letter)
        .approved()
        .order_by("pk")
        .values_list(
            "pk",
            "listed_publicly",
            "organization__country",
            "organization__name",
            "organization__city",
        )
    )
    for pk, listed_publicly, country, name, city in rows.iterator(chunk_size=5000):
        printed = (pk, country, name, city) if listed_publicly else (pk, country)
        digest.update(repr(printed).encode())
    return digest.hexdigest()[:32]
