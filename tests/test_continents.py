from __future__ import annotations

from itertools import combinations

import pytest
from django_countries import countries

from signatories.continents import (
    CODES_BY_CONTINENT,
    COUNTRY_CONTINENT,
    UNINHABITED,
    Continent,
    continent_of,
    countries_in,
)


def test_every_listed_country_has_a_continent_unless_uninhabited() -> None:
    missing = [
        c.code for c in countries if c.code not in COUNTRY_CONTINENT and c.code not in UNINHABITED
    ]
    assert missing == []


def test_no_country_is_placed_on_two_continents() -> None:
    for (first, first_codes), (second, second_codes) in combinations(CODES_BY_CONTINENT.items(), 2):
        assert first_codes.isdisjoint(second_codes), (first, second)


def test_uninhabited_territories_belong_to_no_continent() -> None:
    assert {code: continent_of(code) for code in UNINHABITED} == dict.fromkeys(UNINHABITED)


def test_every_mapped_code_is_a_real_country_or_kosovo() -> None:
    known = {c.code for c in countries} | {"XK"}
    assert set(COUNTRY_CONTINENT) <= known


def test_every_continent_value_is_one_of_the_five() -> None:
    assert set(COUNTRY_CONTINENT.values()) == set(Continent.values)


@pytest.mark.parametrize(
    ("code", "continent"),
    [
        ("BR", Continent.AMERICAS),
        ("SY", Continent.ASIA),
        ("DE", Continent.EUROPE),
        ("ZA", Continent.AFRICA),
        ("FJ", Continent.OCEANIA),
        ("RU", Continent.EUROPE),
        ("EG", Continent.AFRICA),
        ("AU", Continent.OCEANIA),
        ("MX", Continent.AMERICAS),
        ("TR", Continent.ASIA),
        ("CY", Continent.ASIA),
        ("GL", Continent.AMERICAS),
        ("XK", Continent.EUROPE),
    ],
)
def test_country_is_on_its_un_m49_continent(code: str, continent: str) -> None:
    assert continent_of(code) == continent


def test_unknown_code_has_no_continent() -> None:
    assert continent_of("ZZ") is None


def test_oceania_includes_new_zealand() -> None:
    assert "NZ" in countries_in("oceania")


def test_countries_in_a_continent_are_sorted() -> None:
    codes = countries_in(Continent.EUROPE)
    assert codes == sorted(codes)
