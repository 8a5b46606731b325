"""The embed: the only page partner sites may put in an iframe."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import Client
from pytest_django.fixtures import Settings

from letters.models import Letter

from .factories import EndorsementFactory, LetterFactory

pytestmark = pytest.mark.django_db


def frame_ancestors(response: HttpResponse) -> str:
    policy = response["Content-Security-Policy"]
    [directive] = [d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors")]
    return directive


def test_the_embed_may_be_framed_by_any_site(client: Client, letter: Letter) -> None:
    response = client.get(f"/letters/{letter.slug}/embed/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert frame_ancestors(response) == "frame-ancestors *"


def test_the_embed_keeps_the_rest_of_the_content_security_policy(
    client: Client, letter: Letter
) -> None:
    policy = client.get(f"/letters/{letter.slug}/embed/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/letters/{slug}/",
        "/letters/{slug}/signatories/",
        "/letters/{slug}/sign/",
        "/letters/{slug}/count/",
        "/accounts/login/",
    ],
)
def test_every_other_page_refuses_to_be_framed(client: Client, letter: Letter, path: str) -> None:
    response = client.get(path.format(slug=letter.slug))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "frame-ancestors 'none'"


def test_the_embed_shows_the_count_and_a_button_that_opens_the_letter(
    client: Client, letter: Letter
) -> None:
    EndorsementFactory.create_batch(3, letter=letter, approved=True)
    page = client.get(f"/letters/{letter.slug}/embed/").content.decode()
    assert "<strong>3</strong> organisations from 1 country on 1 continent" in " ".join(
        page.split()
    )
    assert (
        f'<a class="button primary" href="/letters/{letter.slug}/" target="_blank" '
        f'rel="noopener">Sign this letter' in page
    )
    assert f'data-count-url="/letters/{letter.slug}/count.json"' in page
    assert "site-header" not in page  # no site navigation inside a partner's page


def test_the_embed_of_a_closed_letter_offers_to_read_it(client: Client) -> None:
    letter = LetterFactory(status=Letter.Status.CLOSED)
    page = client.get(f"/letters/{letter.slug}/embed/").content.decode()
    assert "Read the letter" in page
    assert "Sign this letter" not in page


def test_draft_letters_have_no_embed(client: Client) -> None:
    draft = LetterFactory(status=Letter.Status.DRAFT)
    assert client.get(f"/letters/{draft.slug}/embed/").status_code == 404


def test_the_letter_page_offers_the_iframe_code_to_copy(
    client: Client, letter: Letter, settings: Settings
) -> None:
    settings.SITE_URL = "https://letters.example.org"
    page = client.get(f"/letters/{letter.slug}/").content.decode()
    start = page.index('<textarea id="embed-code"')
    snippet = unescape(page[page.index(">", start) + 1 : page.index("</textarea>", start)])
    assert snippet.startswith(
        f'<iframe src="https://letters.example.org/letters/{letter.slug}/embed/" title='
    )
    assert snippet.endswith("></iframe>")
    assert '<label for="embed-code">' in page


def test_the_embed_names_its_favicon_so_the_browser_does_not_ask_for_a_missing_one(
    client: Client, letter: Letter
) -> None:
    page = client.get(f"/letters/{letter.slug}/embed/").content.decode()
    # Without a <link rel="icon">, every framed card made the browser ask for /favicon.ico: 404.
    assert client.get("/favicon.ico").status_code == 404
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', page)
    assert icon is not None
    assert finders.find(icon.group(1)) is not None
