"""The one order of countries: by their name in the active language, as a reader of that
language sorts (ICU's collation for it: "Égypte" between "Écosse" and "Espagne" in French,
"إسبانيا" before "ألمانيا" in Arabic). Every list, export and workbook sorts through here."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import icu
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import translation
from django_countries import countries

from .models import Endorsement


@functools.cache
def _collator(language: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(translation.to_locale(language)))


def country_name(code: str) -> str:
    return str(countries.name(code)) or code


def country_sort_key(code: str) -> bytes:
    language = translation.get_language() or "en"
    return _collator(language).getSortKey(country_name(code))


def sorted_country_codes(codes: Iterable[str]) -> list[str]:
    return sorted({code for code in codes if code}, key=country_sort_key)


def countries_in_order(queryset: QuerySet[Endorsement]) -> list[str]:
    """The countries a list of endorsements holds, in order: one query."""
    present = queryset.order_by().values_list("organization__country", flat=True).distinct()
    return sorted_country_codes(present)


def rank_by_country(
    queryset: QuerySet[Endorsement], codes: Sequence[str], *then: str
) -> QuerySet[Endorsement]:
    """Rows in the order of `codes`, then of `then`. Country names are not in the database, so
    their order goes in as a rank.

    The rank exists only when there are two countries or more: with one (or none) it would be
    a constant, which Django writes into ORDER BY as a bare number, and PostgreSQL reads
    `ORDER BY 0` as a column position ("ORDER BY position 0 is not in select list"). With two
    or more it is a CASE expression, which no database mistakes for a position."""
    if len(codes) < 2:
        return queryset.order_by(*then)
    rank = Case(
        *(When(organization__country=code, then=Value(i)) for i, code in enumerate(codes)),
        default=Value(len(codes)),
        output_field=IntegerField(),
    )
    return queryset.annotate(country_rank=rank).order_by("country_rank", *then)
