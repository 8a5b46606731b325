"""The world map of the signatories on the letter and signatories pages: drawn on the server,
each country with listed signatories shaded, linked to its list and named with its count."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from letters import worldmap

from .factories import EndorsementFactory, LetterFactory

pytestmark = pytest.mark.django_db


def country_links(page: str) -> dict[str, tuple[str, str, str]]:
    """data-country: (href, accessible name, class) of each country link on the map."""
    found = {}
    for match in re.finditer(r'<a href="([^"]*)" aria-label="([^"]*)" class="([^"]*)"', page):
        code = re.search(r'data-country="([A-Z]{2})"', page[match.end() : match.end() + 80])
        assert code, page[match.start() : match.end() + 80]
        found[code.group(1)] = (match.group(1), match.group(2), match.group(3))
    return found


@pytest.fixture
def letter():
    letter = LetterFactory(slug="syria")
    for country, n in [("BR", 12), ("FR", 3), ("SN", 1)]:
        for _ in range(n):
            EndorsementFactory(letter=letter, approved=True, organization__country=country)
    # Counted but not listed: never on the map, which would name its country.
    EndorsementFactory(
        letter=letter, approved=True, listed_publicly=False, organization__country="SY"
    )
    EndorsementFactory(letter=letter, organization__country="DE")  # pending
    return letter


@pytest.mark.parametrize("path", ["/letters/syria/", "/letters/syria/signatories/"])
def test_each_country_with_signatories_is_shaded_linked_and_named_with_its_count(
    client: Client, letter, path: str
) -> None:
    page = client.get(path).content.decode()
    links = country_links(page)
    assert set(links) == {"BR", "FR", "SN"}
    href, name, _ = links["BR"]
    assert href == "/letters/syria/signatories/?country=BR"
    assert name == "Brazil: 12 organisations"
    assert links["SN"][1] == "Senegal: 1 organisation"
    levels = {code: int(re.search(r"level-(\d)", c).group(1)) for code, (_, _, c) in links.items()}
    assert levels["BR"] > levels["FR"] > levels["SN"] >= 1
    assert "Syria" not in page.split('class="world-map"')[1].split("</details>")[0]


def test_the_map_has_a_table_of_the_same_figures(client: Client, letter) -> None:
    page = client.get("/letters/syria/").content.decode()
    table = page.split('<details class="map-table">')[1].split("</details>")[0]
    row = r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th><td[^>]*>(\d+)</td>'
    rows = re.findall(row, table)
    assert rows == [
        ("/letters/syria/signatories/?country=BR", "Brazil", "12"),
        ("/letters/syria/signatories/?country=FR", "France", "3"),
        ("/letters/syria/signatories/?country=SN", "Senegal", "1"),
    ]


def test_the_map_reads_in_arabic_and_is_not_mirrored(client: Client, letter) -> None:
    page = client.get("/ar/letters/syria/signatories/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert 'focusable="false" dir="ltr"' in page
    href, name, _ = country_links(page)["BR"]
    assert href == "/ar/letters/syria/signatories/?country=BR"
    assert name.startswith("البرازيل")
    assert "12" in name


def test_the_chosen_country_is_marked_on_the_map(client: Client, letter) -> None:
    page = client.get("/letters/syria/signatories/?country=FR").content.decode()
    assert "selected" in country_links(page)["FR"][2]
    assert 'data-country="FR" aria-current="true"' in page
    assert "selected" not in country_links(page)["BR"][2]


def test_a_letter_without_listed_signatories_shows_no_map(client: Client) -> None:
    LetterFactory(slug="new")
    assert 'class="world-map"' not in client.get("/letters/new/").content.decode()


def test_a_new_signatory_reaches_the_map_at_once(client: Client, letter, on_commit) -> None:
    from signatories.services.moderation import endorsement_approve

    client.get("/letters/syria/")  # the map is now in the fragment cache
    pending = letter.endorsements.get(organization__country="DE")
    with on_commit():
        endorsement_approve(endorsement=pending, moderator=None)
    assert "DE" in country_links(client.get("/letters/syria/").content.decode())


def test_every_vendored_shape_is_read_and_keyed_by_its_iso_code() -> None:
    shapes = worldmap.country_shapes()
    assert len(shapes) == 256
    assert {"BR", "FR", "SY", "LB", "US", "CN", "ZA", "AU"} <= set(shapes)
    outline = re.compile(r"M[-\d.]+ [-\d.]+ l[-\d. mz]+z")
    assert all(outline.fullmatch(shape.path) for shape in shapes.values())
    assert sum(len(shape.path) for shape in shapes.values()) < 200_000
    # Too small to see or tap: a dot marks them.
    assert shapes["MT"].marker is not None
    assert shapes["SG"].marker is not None
    assert shapes["BR"].marker is None


def test_shading_classes_grow_geometrically_for_a_few_big_countries() -> None:
    assert worldmap._lower_bounds(3) == [1, 2, 3]
    assert worldmap._lower_bounds(250) == [1, 3, 9, 27, 83]
