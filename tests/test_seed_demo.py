from __future__ import annotations

import re
import unicodedata

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from letters.demo import LETTER, TRANSLATIONS
from letters.models import Letter, LetterTranslation
from signatories.continents import continent_of
from signatories.models import Endorsement, Organization, OutgoingMail, User

pytestmark = pytest.mark.django_db

MARKER = re.compile(r"^(\s*)(#+|\d+\.|-)\s")


def test_seed_demo_creates_the_syria_letter_with_signatories_from_many_countries(
    client: Client,
) -> None:
    call_command("seed_demo", verbosity=0)
    letter = Letter.objects.get()
    assert letter.is_accepting_signatures
    assert "Syria" in letter.title
    countries = set(Organization.objects.values_list("country", flat=True))
    assert len(countries) >= 10
    assert len({continent_of(c) for c in countries}) >= 4
    assert Endorsement.objects.approved().count() >= 20
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "Aleppo" in page
    assert not OutgoingMail.objects.exists()


def test_seed_demo_twice_creates_nothing_new() -> None:
    call_command("seed_demo", verbosity=0)
    before = (Letter.objects.count(), User.objects.count(), Endorsement.objects.count())
    call_command("seed_demo", verbosity=0)
    after = (Letter.objects.count(), User.objects.count(), Endorsement.objects.count())
    assert before == after


def test_seed_demo_publishes_the_letter_in_every_other_language(client: Client) -> None:
    call_command("seed_demo", verbosity=0)
    letter = Letter.objects.get()
    assert letter.original_language == "en"
    assert set(letter.translations.filter(published=True).values_list("language", flat=True)) == {
        "pt-br",
        "es",
        "fr",
        "ar",
    }
    for language in ("fr", "ar"):
        response = client.get(f"/{language}/letters/{LETTER['slug']}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert escape(TRANSLATIONS[language]["title"]) in page
        assert escape(LETTER["title"]) not in page
    arabic = client.get(f"/ar/letters/{LETTER['slug']}/").content.decode()
    assert "<strong>حلب</strong>" in arabic
    assert "<h2>لقد أخفق مجلس الأمن في التحرك</h2>" in arabic


def test_seed_demo_twice_keeps_exactly_four_translations() -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert LetterTranslation.objects.count() == 4
    assert sorted(LetterTranslation.objects.values_list("language", flat=True)) == [
        "ar",
        "es",
        "fr",
        "pt-br",
    ]


def test_seed_demo_adds_translations_missing_from_an_existing_demo_letter() -> None:
    call_command("seed_demo", verbosity=0)
    LetterTranslation.objects.filter(language__in=["es", "ar"]).delete()
    call_command("seed_demo", verbosity=0)
    assert LetterTranslation.objects.filter(published=True).count() == 4


def _skeleton(markdown: str) -> list[list[str]]:
    """Per paragraph, the heading and list markers its lines start with."""
    return [
        [m[1] + m[2] for line in block.splitlines() if (m := MARKER.match(line))]
        for block in markdown.strip().split("\n\n")
    ]


def _emphasis(markdown: str) -> tuple[int, int]:
    """How many `**` and single `*` markers: every bold and italic phrase has its translation."""
    return markdown.count("**"), markdown.replace("**", "").count("*")


def test_demo_translations_are_complete_and_keep_the_structure_of_the_letter() -> None:
    assert set(TRANSLATIONS) == {"pt-br", "es", "fr", "ar"}
    for text in TRANSLATIONS.values():
        assert set(text) == {"title", "summary", "recipients", "body"}
        # The model's limits, which the admin form enforces on the next edit.
        assert len(text["title"]) <= 200
        assert len(text["recipients"]) <= 200
        assert len(text["summary"]) <= 600
        assert _skeleton(text["body"]) == _skeleton(LETTER["body"])
        assert _emphasis(text["body"]) == _emphasis(LETTER["body"])
        # No bidirectional control characters: the page sets the direction.
        assert not any(unicodedata.category(c) == "Cf" for c in "".join(text.values()))
