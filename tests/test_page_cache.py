"""Public pages from the cache (coalition/pagecache.py): what an anonymous reader gets under a
surge, and what a signed-in organisation still sees."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from letters.models import Letter, LetterTranslation
from signatories.models import Endorsement
from signatories.services import moderation

from .factories import EndorsementFactory, OrganizationFactory
from .helpers import make_moderator

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]
PREFIXES = {"en": "", "pt-br": "/pt-br", "es": "/es", "fr": "/fr", "ar": "/ar"}


def pages(letter: Letter, prefix: str = "") -> list[str]:
    base = f"{prefix}/letters/{letter.slug}/"
    return [f"{prefix}/", base, f"{base}signatories/", f"{base}signatories/?country=BR&page=1"]


@pytest.mark.parametrize("language", list(PREFIXES))
def test_an_anonymous_reader_gets_a_cached_page_without_cookies_in_every_language(
    client: Client,
    letter: Letter,
    language: str,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    EndorsementFactory(letter=letter, approved=True, organization__country="BR")
    client.cookies.load({"django_language": language})  # as the switcher leaves it
    for path in [
        *pages(letter, PREFIXES[language]),
        f"{PREFIXES[language]}/letters/{letter.slug}/embed/",
    ]:
        first = client.get(path)
        assert first.status_code == 200, path
        with django_assert_num_queries(0):
            again = client.get(path)
        assert again.content == first.content
        assert f'<html lang="{language}"' in again.content.decode()
        for response in (first, again):
            assert not response.cookies, path
            assert "Cookie" not in response.get("Vary", "")
        assert "Age" in again


def test_pages_say_how_long_a_cache_in_front_may_keep_them(client: Client, letter: Letter) -> None:
    page = client.get(f"/fr/letters/{letter.slug}/")
    assert page["Cache-Control"] == (
        "public, max-age=30, stale-while-revalidate=60, stale-if-error=150"
    )
    assert "Vary" not in page  # the prefix says the language
    english = client.get(f"/letters/{letter.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    assert english["Vary"] == "Accept-Language"  # unprefixed: English, or off to /fr/…
    count = client.get(reverse("letters_data:count_json", args=[letter.slug]))
    assert (
        count["Cache-Control"] == "public, max-age=5, stale-while-revalidate=10, stale-if-error=25"
    )


def test_count_json_is_served_from_the_cache_without_a_query(
    client: Client, letter: Letter, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    url = reverse("letters_data:count_json", args=[letter.slug])
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"
    assert again["Access-Control-Allow-Origin"] == "*"


def test_an_approval_shows_on_the_cached_pages_within_a_second(
    client: Client, letter: Letter, settings, on_commit: OnCommit
) -> None:
    settings.PUBLIC_PAGE_STALE_SECONDS = 1.0
    endorsement = EndorsementFactory(
        letter=letter,
        status=Endorsement.Status.PENDING,
        organization__name="Rede Solidária",
        organization__country="BR",
    )
    for path in pages(letter):
        assert "Rede Solidária" not in client.get(path).content.decode()
    with on_commit():
        moderation.endorsement_approve(endorsement=endorsement, moderator=make_moderator())
    approved_at = time.monotonic()
    waiting = set(pages(letter)[1:])  # the home page lists letters, not signatories
    while waiting and time.monotonic() - approved_at < 1.5:
        waiting = {p for p in waiting if "Rede Solidária" not in client.get(p).content.decode()}
        time.sleep(0.05)
    assert not waiting
    assert (
        client.get(reverse("letters_data:count_json", args=[letter.slug])).json()["signatories"]
        == 1
    )


def test_a_translation_published_in_the_admin_shows_at_once(
    client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    assert client.get(f"/fr/letters/{letter.slug}/").status_code == 200
    with on_commit():
        LetterTranslation.objects.create(
            letter=letter,
            language="fr",
            title="Appel pour une session extraordinaire",
            summary="Nous appelons.",
            body="Excellences,",
            recipients="Les États membres",
            published=True,
        )
    assert (
        "Appel pour une session extraordinaire"
        in client.get(f"/fr/letters/{letter.slug}/").content.decode()
    )


def test_a_signed_in_organisation_sees_its_own_page_and_nobody_else_does(
    client: Client, letter: Letter
) -> None:
    anonymous = Client()
    assert "Your organisation" not in anonymous.get(f"/letters/{letter.slug}/").content.decode()
    organization = OrganizationFactory()
    client.force_login(organization.user)
    own = client.get(f"/letters/{letter.slug}/")
    assert "Your organisation" in own.content.decode()
    assert "private" in own["Cache-Control"]
    assert "public" not in own["Cache-Control"]
    # And the other way round: what the organisation was shown is never anyone else's page.
    for path in pages(letter):
        assert "Your organisation" not in anonymous.get(path).content.decode()


@pytest.mark.parametrize(
    "query", ["?q=Rede", "?page=1a", "?country=BR&utm_source=x", "?page=1&page=2"]
)
def test_a_search_or_a_stray_parameter_is_rendered_for_that_reader_only(
    client: Client, letter: Letter, query: str, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    path = f"/letters/{letter.slug}/signatories/{query}"
    client.get(path)
    response = client.get(path)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "Age" not in response


def test_an_unprefixed_first_visit_still_goes_to_the_browsers_language(
    client: Client, letter: Letter
) -> None:
    assert client.get(f"/letters/{letter.slug}/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    response = Client().get(f"/letters/{letter.slug}/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 302
    assert response["Location"] == f"/ar/letters/{letter.slug}/"
    # A visitor who chose English keeps it, but a cache in front must not keep that answer
    # for the next Arabic-speaking browser.
    chosen = Client()
    chosen.cookies.load({"django_language": "en"})
    english = chosen.get(f"/letters/{letter.slug}/", HTTP_ACCEPT_LANGUAGE="ar")
    assert english.status_code == 200
    assert english["Cache-Control"].startswith("private")
