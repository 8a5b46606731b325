"""One order of countries everywhere, by name in the reader's language: the admin export, the
per-country workbook, the admin's country filter, and the public signatories page (its
headings and its country menu) agree, in English and in French."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import openpyxl
import pytest
from django.test import Client

from letters.models import Letter

from .factories import EndorsementFactory
from .helpers import make_moderator

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/signatories/endorsement/"
CODES = ["US", "SY", "CH", "GB", "ES", "EG", "DE"]
EXPECTED = {
    "en": ["EG", "DE", "ES", "CH", "SY", "GB", "US"],
    # Allemagne, Égypte, Espagne, États-Unis, Royaume-Uni, Suisse, Syrie: accents sort as
    # their letters, not after "z" (the order of code points).
    "fr": ["DE", "EG", "ES", "US", "GB", "CH", "SY"],
}
SHEETS = {
    "en": [
        "Egypt",
        "Germany",
        "Spain",
        "Switzerland",
        "Syria",
        "United Kingdom",
        "United States of America",
    ],
    "fr": [
        "Allemagne",
        "Égypte",
        "Espagne",
        "États-Unis d'Amérique",
        "Royaume-Uni",
        "Suisse",
        "Syrie",
    ],
}


@pytest.fixture
def letter_from_seven_countries(letter: Letter, settings: Any) -> Letter:
    settings.LANGUAGES = [("en", "English"), ("fr", "Français")]
    for code in CODES:
        EndorsementFactory(
            letter=letter,
            approved=True,
            organization__name=f"Org {code}",
            organization__country=code,
        )
    return letter


def distinct_in_order(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_list_orders_countries_the_same_way(
    client: Client, letter_from_seven_countries: Letter, language: str
) -> None:
    letter = letter_from_seven_countries
    client.force_login(make_moderator())
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    listing = f"?status__exact=all&letter__id__exact={letter.pk}"

    exported = client.post(
        f"{CHANGELIST}export/{listing}", {"format": "0", "resource": "0"}, **headers
    ).getvalue()
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    admin_export = distinct_in_order([row[1] for row in rows[1:]])

    workbook = client.post(
        f"{CHANGELIST}{listing}",
        {
            "action": "export_workbook_by_country",
            "select_across": "1",
            "index": "0",
            "_selected_action": [letter.endorsements.first().pk],
        },
        **headers,
    ).getvalue()
    sheets = openpyxl.load_workbook(io.BytesIO(workbook)).sheetnames

    changelist = client.get(f"{CHANGELIST}{listing}", **headers).content.decode()
    # The country filter's options are the only place the list's page names a country by its
    # code.
    admin_filter = distinct_in_order(re.findall(r'<option value="([A-Z]{2})"', changelist))

    page = client.get(
        f"/letters/{letter.slug}/signatories/", follow=True, **headers
    ).content.decode()
    headings = re.findall(r'aria-labelledby="country-([A-Z]{2})"', page)
    menu = re.findall(r'<option value="([A-Z]{2})"', page)

    assert admin_export == EXPECTED[language]
    assert sheets == SHEETS[language]
    assert admin_filter == EXPECTED[language]
    assert headings == EXPECTED[language]
    assert menu == EXPECTED[language]
