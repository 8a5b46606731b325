"""The letter page as the public and the social networks see it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.fixtures import Settings

from coalition.pagecache import public_pages_changed
from letters.models import Letter
from signatories.services import moderation

from .factories import EndorsementFactory, LetterFactory, UserFactory

pytestmark = pytest.mark.django_db


def letter_page(client: Client, letter: Letter) -> str:
    response = client.get(letter.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_shared_links_show_the_title_and_the_count(client: Client, settings: Settings) -> None:
    settings.SITE_URL = "https://letters.example.org"
    letter = LetterFactory(title="Protect civilians now", summary="We call for protection.")
    EndorsementFactory.create_batch(2, letter=letter, approved=True)
    page = letter_page(client, letter)
    assert '<meta property="og:title" content="Protect civilians now">' in page
    assert '<meta name="twitter:title" content="Protect civilians now">' in page
    assert (
        '<meta property="og:description" content="Signed by 2 organisations from 1 country on '
        '1 continent. We call for protection.">' in page
    )
    assert (
        f'<meta property="og:url" content="https://letters.example.org/letters/{letter.slug}/">'
        in page
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_share_links_carry_the_letters_address(client: Client, settings: Settings) -> None:
    settings.SITE_URL = "https://letters.example.org"
    letter = LetterFactory(title="Protect civilians now")
    page = unescape(letter_page(client, letter))
    encoded = f"https%3A%2F%2Fletters.example.org%2Fletters%2F{letter.slug}%2F"
    assert f"https://www.facebook.com/sharer/sharer.php?u={encoded}" in page
    assert f"https://x.com/intent/post?text=Protect+civilians+now&url={encoded}" in page
    assert "mailto:?subject=Protect%20civilians%20now" in page


def test_most_recent_signatories_come_newest_first_without_private_details(
    client: Client, letter: Letter
) -> None:
    now = timezone.now()
    for days_ago, name in [(3, "Oldest Org"), (1, "Newest Org"), (2, "Middle Org")]:
        EndorsementFactory(
            letter=letter,
            approved=True,
            approved_at=now - timedelta(days=days_ago),
            organization__name=name,
            organization__contact_name=f"Contact of {name}",
        )
    EndorsementFactory(letter=letter, approved=True, listed_publicly=False,
                       organization__name="Unlisted Org")  # fmt: skip
    page = letter_page(client, letter)
    recent = page[page.index('id="recent-heading"') :]
    assert recent.index("Newest Org") < recent.index("Middle Org") < recent.index("Oldest Org")
    assert "Unlisted Org" not in page
    assert "Contact of" not in page
    assert "@org" not in page


def test_the_deadline_says_how_long_is_left(client: Client) -> None:
    letter = LetterFactory(closes_at=timezone.now() + timedelta(days=3, hours=2, minutes=5))
    assert "3\xa0days, 2\xa0hours left" in letter_page(client, letter)


def test_links_to_the_list_and_the_open_data(client: Client, letter: Letter) -> None:
    page = letter_page(client, letter)
    assert f'href="/letters/{letter.slug}/signatories/"' in page
    assert f'href="/letters/{letter.slug}/signatories.csv"' in page
    assert f'href="/letters/{letter.slug}/signatories.json"' in page


def test_an_empty_letter_invites_the_first_signature(client: Client, letter: Letter) -> None:
    page = letter_page(client, letter)
    assert "No organisation has signed yet." in page
    assert "Sign this letter" in page


def test_the_letter_page_costs_the_same_few_queries_however_many_signatories(
    client: Client, django_assert_max_num_queries: Callable
) -> None:
    few, many = LetterFactory(), LetterFactory()
    EndorsementFactory.create_batch(2, letter=few, approved=True)
    EndorsementFactory.create_batch(40, letter=many, approved=True)
    measured = []
    for letter in (few, many):
        client.get(letter.get_absolute_url())  # the count is cached from here on
        with CaptureQueriesContext(connection) as queries:
            client.get(letter.get_absolute_url())
        measured.append(len(queries))
    assert measured[0] == measured[1] <= 2  # the letter and its ten newest signatories


def test_an_edited_letter_shows_its_new_text_at_once(
    client: Client, letter: Letter, on_commit: Callable
) -> None:
    assert "<strong>act now</strong>" in letter_page(client, letter)
    letter.body = "We now call for **a ceasefire**."
    with on_commit():
        letter.save()
    page = letter_page(client, letter)
    assert "<strong>a ceasefire</strong>" in page
    assert "act now" not in page


def test_a_newly_approved_signatory_is_among_the_most_recent_at_once(
    client: Client, letter: Letter, on_commit: Callable
) -> None:
    EndorsementFactory(letter=letter, approved=True, organization__name="First Org")
    assert "First Org" in letter_page(client, letter)
    endorsement = EndorsementFactory(letter=letter, organization__name="Second Org")
    moderator = UserFactory(is_staff=True)
    with on_commit():
        moderation.endorsement_approve(endorsement=endorsement, moderator=moderator)
    recent = letter_page(client, letter).split('id="recent-heading"')[1]
    assert recent.index("Second Org") < recent.index("First Org")


def test_a_repeat_visit_costs_no_query_and_a_new_rendering_one(
    client: Client, letter: Letter, django_assert_num_queries: Callable
) -> None:
    EndorsementFactory.create_batch(3, letter=letter, approved=True)
    letter_page(client, letter)
    with django_assert_num_queries(0):  # the whole page from the cache
        page = letter_page(client, letter)
    assert "<strong>3</strong> organisations" in page
    public_pages_changed()  # as a change on another letter would
    with django_assert_num_queries(1):  # the letter; its text and newest names are cached
        page = letter_page(client, letter)
    assert "<strong>3</strong> organisations" in page


def test_the_sign_form_is_described_by_the_letters_summary_in_the_readers_language(
    client: Client,
) -> None:
    letter = LetterFactory(title="Peace", summary='Stop the "war" <now> ' + "and more " * 60)
    page = client.get(f"/letters/{letter.slug}/sign/").content.decode()
    found = re.findall(r'<meta name="description" content="([^"]*)">', page)
    assert len(found) == 1
    assert found[0].startswith(
        "Sign “Peace” on behalf of your organisation. Stop the &quot;war&quot; &lt;now&gt; and"
    )
    assert len(unescape(found[0])) < 300  # search engines cut a longer one anyway
    arabic = client.get(f"/ar/letters/{letter.slug}/sign/").content.decode()
    assert '<meta name="description" content="وقِّعوا على «Peace» باسم منظمتكم.' in arabic
