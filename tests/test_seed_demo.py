from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from letters.models import Letter
from signatories.continents import continent_of
from signatories.models import Endorsement, Organization, OutgoingMail, User

pytestmark = pytest.mark.django_db


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
