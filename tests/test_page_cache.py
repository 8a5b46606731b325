"""Public pages from the cache (coalition/pagecache.py): what an anonymous reader gets under a
surge, and what a signed-in organisation still sees."""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from pytest_django import DjangoAssertNumQueries

from letters import views
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
    assert page["Vary"] == "Accept-Encoding"  # the prefix says the language
    english = client.get(f"/letters/{letter.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    # Unprefixed: English, or off to /fr/…
    assert english["Vary"] == "Accept-Encoding, Accept-Language"
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


@pytest.mark.parametrize("query", ["?q=Rede", "?q=Rede&country=BR", "?country=BR&q=Rede"])
def test_a_search_is_rendered_for_that_reader_only(
    client: Client, letter: Letter, query: str
) -> None:
    EndorsementFactory(letter=letter, approved=True, organization__country="BR")
    path = f"/letters/{letter.slug}/signatories/{query}"
    client.get(path)
    response = client.get(path)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "Age" not in response
    assert kept_pages() == set()


def kept_pages() -> set[str]:
    """The keys of the pages in the shared cache: Redis when REDIS_URL is set (CI), this
    process's memory otherwise."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client()
        return {key.decode() for key in client.scan_iter(match="*public-page:*")}
    return {key for key in backend._cache if "public-page:" in key}  # type: ignore[attr-defined]


def test_no_query_string_adds_a_cache_entry_beyond_the_canonical_pages(
    client: Client, letter: Letter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack: 320 distinct query strings, each a new key before (64 MB of Redis with a
    real letter's pages). Now a value that names nothing is a 404, never kept, and any
    other parameter is dropped: the reader gets the canonical page from its own key."""
    monkeypatch.setattr(views, "SIGNATORIES_PER_PAGE", 2)
    for country in ["BR", "BR", "BR", "FR"]:
        EndorsementFactory(letter=letter, approved=True, organization__country=country)
    base = f"/letters/{letter.slug}/"
    lists = [f"{base}signatories/{q}" for q in ["", "?page=2", "?country=BR", "?country=BR&page=2",
                                                 "?country=FR"]]  # fmt: skip
    canonical = ["/", base, f"{base}embed/", f"/letters/{letter.slug}/count.json", *lists]
    for path in canonical:
        assert client.get(path).status_code == 200, path
    keys = kept_pages()
    assert len(keys) == len(canonical)

    codes = [a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "QXZ"][:60]
    attacks = [
        *(f"{base}signatories/?country={code}" for code in codes),
        *(f"{base}signatories/?page={n}" for n in range(3, 63)),
        *(f"{base}signatories/?country=FR&page={n}" for n in range(2, 42)),
        *(f"{base}signatories/?country=br&page=0{n % 2 + 1}&x={n}" for n in range(40)),
        *(f"{base}?utm_source=newsletter-{n}" for n in range(40)),
        *(f"{base}signatories/?page=1&page={n % 2 + 1}&Country=BR&n={n}" for n in range(40)),
        *(f"/?fbclid={n}" for n in range(20)),
        *(f"/letters/{letter.slug}/count.json?callback=f{n}" for n in range(20)),
    ]
    assert len(set(attacks)) == 320
    statuses = {path: client.get(path).status_code for path in attacks}
    assert kept_pages() == keys
    assert sum(status == 404 for status in statuses.values()) == 160
    assert sum(status == 200 for status in statuses.values()) == 160
    # What was served for a stray parameter is the canonical page, from the cache, and its
    # links (the language switcher's too) do not carry that parameter.
    stray = client.get(f"{base}?utm_source=newsletter-0")
    assert "Age" in stray
    assert stray.content == client.get(base).content
    assert "utm_source" not in stray.content.decode()


def no_such_country() -> str:
    return gettext("There is no country with this code.")


def no_such_page() -> str:
    singular = "There is no such page: this list has %(count)s page."
    plural = "There is no such page: this list has %(count)s pages."
    return ngettext(singular, plural, 1) % {"count": 1}


@pytest.mark.parametrize("language", list(PREFIXES))
@pytest.mark.parametrize(
    ("query", "explanation", "back", "link_text"),
    [
        ("?country=QQ", no_such_country, "", "See all signatories"),
        ("?page=7000", no_such_page, "", "Go to the first page"),
        ("?country=BR&page=7000", no_such_page, "?country=BR", "Go to the first page"),
    ],
)
def test_a_list_that_does_not_exist_is_a_404_with_a_link_back_and_is_never_kept(
    client: Client,
    letter: Letter,
    language: str,
    query: str,
    explanation: Callable[[], str],
    back: str,
    link_text: str,
) -> None:
    EndorsementFactory(letter=letter, approved=True, organization__country="BR")
    client.cookies.load({"django_language": language})
    path = f"{PREFIXES[language]}/letters/{letter.slug}/signatories/"
    for _ in range(2):
        response = client.get(path + query)
        page = response.content.decode()
        assert response.status_code == 404
        assert "Age" not in response
        with translation.override(language):
            shown, link = explanation(), gettext(link_text)
        assert escape(shown) in page
        assert f'<a href="{path}{back}">{escape(link)}</a>' in page
        with translation.override("en"):
            assert (shown == explanation()) is (language == "en")
    assert kept_pages() == set()


def test_a_host_that_allowed_hosts_refuses_gets_a_400_from_the_cache_too(
    client: Client, letter: Letter
) -> None:
    """Before, a page in the cache was served (200) to any Host while the same request on a
    miss was refused: ALLOWED_HOSTS held only until the page was first kept."""
    path = f"/letters/{letter.slug}/"
    miss = Client().get(path, HTTP_HOST="evil.example")
    assert miss.status_code == 400
    assert client.get(path).status_code == 200
    assert len(kept_pages()) == 1
    hit = client.get(path, HTTP_HOST="evil.example")  # this process's memory holds the page
    assert hit.status_code == 400
    assert hit.content == miss.content
    assert letter.title not in hit.content.decode()
    other_process = Client().get(path, HTTP_HOST="evil.example")  # the page is in Redis
    assert other_process.status_code == 400
    assert client.get(path)["Age"]  # the site's own host is still served from the cache


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


def test_a_browser_that_accepts_gzip_gets_the_letter_page_compressed_and_others_get_it_plain(
    client: Client, letter: Letter
) -> None:
    """Before, the letter page went out as it was rendered: 188 kB on the wire, the map
    included, to a phone as to anyone."""
    EndorsementFactory(letter=letter, approved=True, organization__country="BR")
    path = f"/letters/{letter.slug}/"
    miss = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    hit = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    plain = client.get(path)
    assert "Age" in hit
    for response in (miss, hit):
        assert response["Content-Encoding"] == "gzip"
        assert int(response["Content-Length"]) == len(response.content) <= 60_000
        assert gzip.decompress(response.content) == plain.content
    assert "Content-Encoding" not in plain
    assert int(plain["Content-Length"]) == len(plain.content)
    assert letter.title in plain.content.decode()
    for response in (miss, hit, plain):
        assert "Accept-Encoding" in response["Vary"]
    assert len(hit.content) * 3 < len(plain.content)


def test_a_page_served_from_the_cache_carries_every_security_header(
    client: Client, letter: Letter, settings
) -> None:
    """A hit runs no middleware but this one: the headers are the rendering's, and HSTS is
    decided per request, so that a page kept from a plain-http request does not lose it for an
    https one, nor one kept from https give it to plain http."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    path = f"/letters/{letter.slug}/"
    miss = client.get(path)
    hit_https = client.get(path, secure=True)
    hit_http = client.get(path)
    assert "Age" in hit_https and "Age" in hit_http
    assert hit_https["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in hit_http
    for name in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
    ):
        assert hit_https[name] == hit_http[name] == miss[name], name


def test_plain_http_is_redirected_to_https_even_when_the_page_is_kept(
    client: Client, letter: Letter, settings
) -> None:
    """Before this middleware came first, SecurityMiddleware redirected before the cache was
    read; now the cache must not answer plain http itself."""
    settings.SECURE_SSL_REDIRECT = True
    path = f"/letters/{letter.slug}/"
    assert client.get(path, secure=True).status_code == 200
    assert "Age" in client.get(path, secure=True)
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{path}"
