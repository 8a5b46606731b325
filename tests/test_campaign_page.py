"""The letter page a campaign can be proud of: the count as the headline, the target, the
dates, the social preview; and the sign form on a phone."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from signatories.models import Organization

from .factories import EndorsementFactory, LetterFactory
from .helpers import sign_form

pytestmark = pytest.mark.django_db


def test_the_count_is_the_headline_with_a_progress_bar_to_the_target(client: Client) -> None:
    letter = LetterFactory(slug="syria", target=300)
    for country in ["BR", "FR", "SN"]:
        EndorsementFactory(letter=letter, approved=True, organization__country=country)
    page = " ".join(client.get("/letters/syria/").content.decode().split())
    assert '<p class="count headline"' in page
    assert "<strong>3</strong> organisations from 3 countries on 3 continents" in page
    assert '<progress id="target-progress" max="300" value="3"' in page
    assert "Our target: 300 organisations (1%)" in page


def test_without_a_target_there_is_no_progress_bar(client: Client) -> None:
    LetterFactory(slug="syria")
    assert "<progress" not in client.get("/letters/syria/").content.decode()


def test_the_opening_date_and_the_deadline_are_shown(client: Client) -> None:
    now = timezone.now()
    LetterFactory(
        slug="syria", opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=10)
    )
    page = client.get("/letters/syria/").content.decode()
    assert "<dt>Opened</dt>" in page
    assert f"{(now - timedelta(days=3)):%-d %B %Y}</time>" in page
    assert "<dt>Deadline</dt>" in page


def test_a_letter_without_a_banner_shares_a_card_with_its_title_and_count(
    client: Client,
) -> None:
    letter = LetterFactory(slug="syria", title="Protect civilians now")
    EndorsementFactory(letter=letter, approved=True)
    page = client.get("/letters/syria/").content.decode()
    assert '<meta property="og:image" content="http://testserver/letters/syria/card.png">' in page
    response = client.get("/letters/syria/card.png")
    assert response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as card:
        assert card.size == (1200, 630)


def test_the_card_draws_an_arabic_title_with_arabic_glyphs(client: Client) -> None:
    letter = LetterFactory(slug="syria", title="Protect civilians now")
    letter.translations.create(
        language="ar",
        title="احموا المدنيين الآن",
        summary="ملخص",
        body="نص",
        recipients="الدول الأعضاء",
        published=True,
    )
    english = client.get("/letters/syria/card.png").content
    arabic = client.get("/ar/letters/syria/card.png").content
    with Image.open(io.BytesIO(arabic)) as card:
        # The title is drawn at the right-hand side (right to left), in white.
        title_band = card.crop((600, 72, 1128, 160)).convert("L")
        assert max(title_band.getdata()) > 200
        left_band = card.crop((72, 72, 300, 160)).convert("L")
        assert max(left_band.getdata()) < 100
    assert english != arabic


def test_a_name_longer_than_the_limit_is_refused_with_a_message_not_cut(
    client: Client, letter
) -> None:
    form = client.get(f"/letters/{letter.slug}/sign/").content.decode()
    assert 'maxlength="200"' not in form
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form(name="N" * 230))
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters (it has 230)." in response.content.decode()
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    "website",
    [
        "ftp://files.example.org",
        "http://localhost:8000",
        "http://127.0.0.1",
        "http://192.168.1.10/admin",
        "http://[::1]/",
        "https://intranet",
        "https://printer.local",
    ],
)
def test_ftp_and_local_addresses_are_refused_as_websites(
    client: Client, letter, website: str
) -> None:
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form(website=website))
    assert response.status_code == 400
    # One message, saying what is wrong ("intranet" is no address on the internet at all).
    [error] = response.context["form"].errors["website"]
    assert error in {
        "Enter a website address that starts with https:// or http://.",
        "Enter the address of your public website, not a local or private one.",
        "Enter a valid URL.",
    }
    assert error in response.content.decode()
    assert not Organization.objects.exists()


def test_a_public_website_is_accepted(client: Client, letter) -> None:
    form = sign_form(website="friends.example.org")
    response = client.post(f"/letters/{letter.slug}/sign/", form)
    assert response.status_code == 302
    assert Organization.objects.get().website == "https://friends.example.org"
