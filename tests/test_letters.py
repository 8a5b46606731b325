from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from letters.models import Letter

from .factories import EndorsementFactory, LetterFactory

pytestmark = pytest.mark.django_db


def test_home_lists_open_letters_and_closed_ones_below(client: Client) -> None:
    LetterFactory(title="An open call")
    LetterFactory(title="A finished call", status=Letter.Status.CLOSED)
    LetterFactory(title="A secret draft", status=Letter.Status.DRAFT)
    page = client.get("/").content.decode()
    assert page.index("An open call") < page.index("A finished call")
    assert "A secret draft" not in page


def test_open_letter_page_shows_text_recipients_deadline_and_sign_button(client: Client) -> None:
    closes = timezone.now() + timedelta(days=10)
    letter = LetterFactory(recipients="UN Member States", closes_at=closes)
    response = client.get(f"/letters/{letter.slug}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>act now</strong>" in page
    assert "UN Member States" in page
    assert closes.strftime("%Y") in page and "Deadline" in page
    assert f'href="/letters/{letter.slug}/sign/"' in page


def test_closed_letter_page_says_so_and_offers_no_sign_button(client: Client) -> None:
    letter = LetterFactory(status=Letter.Status.CLOSED)
    page = client.get(f"/letters/{letter.slug}/").content.decode()
    assert "no longer takes signatures" in page
    assert f"/letters/{letter.slug}/sign/" not in page


def test_letter_past_its_closing_time_closes_by_itself(client: Client) -> None:
    letter = LetterFactory(
        opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(minutes=1)
    )
    assert letter.signing_state() == Letter.Signing.CLOSED
    page = client.get(f"/letters/{letter.slug}/").content.decode()
    assert "no longer takes signatures" in page


def test_letter_not_yet_open_tells_when_it_opens(client: Client) -> None:
    letter = LetterFactory(opens_at=timezone.now() + timedelta(days=3))
    page = client.get(f"/letters/{letter.slug}/").content.decode()
    assert "Signing opens on" in page
    assert f"/letters/{letter.slug}/sign/" not in page


def test_draft_letter_is_invisible_to_the_public(client: Client) -> None:
    letter = LetterFactory(status=Letter.Status.DRAFT)
    assert client.get(f"/letters/{letter.slug}/").status_code == 404
    assert client.get(f"/letters/{letter.slug}/sign/").status_code == 404


def test_markdown_cannot_inject_script(client: Client) -> None:
    letter = LetterFactory(
        body=(
            "Hello <script>alert('x')</script>\n\n"
            '<img src=x onerror="alert(1)">\n\n'
            "[click](javascript:alert(2))\n\n"
            '<a href="https://example.org" onclick="alert(3)">ok</a>'
        )
    )
    page = client.get(f"/letters/{letter.slug}/").content.decode()
    body = page[page.index('class="letter-body"') :]
    assert "<script>alert" not in body
    assert "onerror" not in body
    assert "javascript:" not in body
    assert "onclick" not in body
    assert 'href="https://example.org"' in body


def test_letter_page_counts_only_approved_signatories(client: Client) -> None:
    letter = LetterFactory()
    EndorsementFactory.create_batch(2, letter=letter, approved=True)
    EndorsementFactory(letter=letter)  # pending
    page = client.get(f"/letters/{letter.slug}/").content.decode()
    assert "<strong>2</strong> organisations from 1 country on 1 continent" in " ".join(
        page.split()
    )


def test_the_query_of_letters_taking_signatures_agrees_with_each_letters_state() -> None:
    from datetime import date as day

    now = timezone.now()
    letters = [
        LetterFactory(),
        LetterFactory(status=Letter.Status.CLOSED),
        LetterFactory(status=Letter.Status.DRAFT),
        LetterFactory(closes_at=now - timedelta(hours=1)),
        LetterFactory(opens_at=now + timedelta(hours=1)),
        LetterFactory(delivered_on=day(2026, 3, 12), delivered_to="UN"),
        LetterFactory(delivered_on=day(2026, 3, 12), delivered_to="UN", reopened=True),
    ]
    expected = {letter.pk for letter in letters if letter.is_accepting_signatures}
    assert set(Letter.objects.accepting_signatures().values_list("pk", flat=True)) == expected
    assert len(expected) == 2
