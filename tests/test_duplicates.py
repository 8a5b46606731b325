"""Possible duplicates are flagged for moderators, never refused."""

from __future__ import annotations

import pytest

from signatories.models import normalize_name
from signatories.services import organizations

from .factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def details(**overrides: str) -> organizations.OrganizationDetails:
    values = {
        "name": "Syrian Relief Network",
        "country": "TR",
        "city": "Gaziantep",
        "website": "https://relief.example.org",
        "kind": "ngo",
        "contact_name": "Omar",
    }
    values.update(overrides)
    return organizations.OrganizationDetails(**values)


def create(email: str, **overrides: str):
    return organizations.organization_create(
        user=UserFactory(email=email), details=details(**overrides)
    )


def test_normalising_folds_case_accents_and_punctuation() -> None:
    assert normalize_name("  Médecins-du-MONDE, e.V. ") == normalize_name("medecins du monde e v")


def test_an_organisation_unlike_any_other_is_not_flagged() -> None:
    organization = create("omar@relief.example.org")
    assert not organization.possible_duplicate
    assert organization.duplicate_hints() == []


def test_same_website_domain_is_flagged() -> None:
    OrganizationFactory(
        website="https://www.relief.example.org/about", website_domain="relief.example.org"
    )
    organization = create("omar@relief.example.org", name="Completely Different")
    assert organization.possible_duplicate
    assert any("Same website domain" in reason for reason in organization.duplicate_hints())


def test_same_name_and_country_after_normalising_is_flagged() -> None:
    OrganizationFactory(
        name="SYRIAN RELIEF-NETWORK",
        normalized_name="syrian relief network",
        country="TR",
        website="",
        website_domain="",
    )
    organization = create("omar@relief.example.org", name="Syrian Relief Network")
    assert organization.possible_duplicate
    assert any("Same name and country" in reason for reason in organization.duplicate_hints())


def test_same_name_in_another_country_is_not_flagged() -> None:
    OrganizationFactory(
        name="Syrian Relief Network",
        normalized_name="syrian relief network",
        country="DE",
        website="",
        website_domain="",
    )
    assert not create("omar@relief.example.org").possible_duplicate


def test_email_domain_unlike_the_website_is_flagged() -> None:
    organization = create("relief.network@gmail.example.com")
    assert organization.possible_duplicate
    assert any("does not match the website" in reason for reason in organization.duplicate_hints())


def test_a_subdomain_email_matches_its_website() -> None:
    assert not create("omar@mail.relief.example.org").possible_duplicate


@pytest.mark.parametrize(
    "look_alike",
    [
        "\u0410mnesty International",  # a Cyrillic capital A (U+0410)
        "Amnesty Internati\u043enal",  # a Cyrillic small o (U+043E)
        "Amnes\u200bty International",  # a zero-width space, as a file import might carry it
        "AMNESTY INTERNATIONAL",
    ],
)
def test_a_look_alike_name_in_the_same_country_is_flagged(look_alike: str) -> None:
    create("omar@relief.example.org", name="Amnesty International", website="")
    organization = create("someone@other.example", name=look_alike, website="")
    assert organization.possible_duplicate
    assert "Same name and country as “Amnesty International”." in organization.duplicate_hints()
