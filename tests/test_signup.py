"""A signed-out visitor signs as a new organisation, confirms the email, and the endorsement
moves on; nothing about it needs a password."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.test import Client

from letters.models import Letter
from signatories.models import Endorsement, EndorsementEvent, Organization, OutgoingMail, User

from .factories import LetterFactory
from .helpers import confirmation_link, sign_form

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]


def test_signing_records_account_organisation_and_unverified_endorsement(
    client: Client, letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    with on_commit():
        response = client.post(f"/letters/{letter.slug}/sign/", sign_form())
    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert endorsement.status == Endorsement.Status.UNVERIFIED
    assert endorsement.letter == letter
    assert endorsement.comment == "We stand with the people of Aleppo."
    organization = endorsement.organization
    assert organization.name == "Friends & Allies of Aleppo"
    assert organization.user.email == "rania@friends-allies.example.org"
    assert organization.contact_name == "Rania Haddad"
    assert [m.to for m in mailoutbox] == [["rania@friends-allies.example.org"]]
    subject = f"Confirm that Friends & Allies of Aleppo signs “{letter.title}”"
    assert mailoutbox[0].subject == subject
    assert "signed an open letter on Coalition with this address" in mailoutbox[0].body
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


def test_the_page_after_signing_says_check_your_inbox_with_the_address(
    client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    with on_commit():
        response = client.post(f"/letters/{letter.slug}/sign/", sign_form(), follow=True)
    page = response.content.decode()
    assert "Check your inbox" in page
    assert "rania@friends-allies.example.org" in page


def test_signing_creates_no_password_hash(
    client: Client, letter: Letter, on_commit: OnCommit, production_password_hashers: None
) -> None:
    with on_commit():
        client.post(f"/letters/{letter.slug}/sign/", sign_form())
    user = User.objects.get()
    assert not user.has_usable_password()
    assert not user.password.startswith(("pbkdf2", "argon2", "bcrypt", "scrypt"))


def test_following_the_link_asks_for_a_confirm_press_and_does_not_confirm_by_itself(
    client: Client, letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    with on_commit():
        client.post(f"/letters/{letter.slug}/sign/", sign_form())
    link = confirmation_link(mailoutbox[0])
    page = Client().get(link)  # a mail scanner pre-fetching the link
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert Endorsement.objects.get().status == Endorsement.Status.UNVERIFIED


def test_confirming_moves_the_endorsement_to_review_and_says_so_by_mail(
    client: Client, letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    with on_commit():
        client.post(f"/letters/{letter.slug}/sign/", sign_form())
    link = confirmation_link(mailoutbox[0])
    with on_commit():
        response = Client().post(link, follow=True)
    page = response.content.decode()
    assert f"Confirmed: Friends &amp; Allies of Aleppo signs “{letter.title}”" in page
    assert "Awaiting review" in page  # signed in, on the organisation's page
    endorsement = Endorsement.objects.get()
    assert endorsement.status == Endorsement.Status.PENDING
    assert endorsement.verified_at is not None
    assert mailoutbox[-1].subject == (f"Your endorsement of “{letter.title}” is under review")
    event = EndorsementEvent.objects.filter(to_status="pending").get()
    assert (event.from_status, event.actor_label) == ("unverified", "email verification")


def test_confirming_on_a_publish_on_verification_letter_publishes_at_once(
    client: Client, on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)
    with on_commit():
        client.post(f"/letters/{letter.slug}/sign/", sign_form())
    with on_commit():
        Client().post(confirmation_link(mailoutbox[0]))
    assert Endorsement.objects.get().status == Endorsement.Status.APPROVED
    assert "is published" in mailoutbox[-1].subject
    assert f"/letters/{letter.slug}/" in mailoutbox[-1].body
    page = Client().get(f"/letters/{letter.slug}/").content.decode()
    assert "Friends &amp; Allies of Aleppo" in page


def test_login_by_emailed_code_brings_a_signer_back_without_a_password(
    client: Client, letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    with on_commit():
        client.post(f"/letters/{letter.slug}/sign/", sign_form())
    with on_commit():
        Client().post(confirmation_link(mailoutbox[0]))
    visitor = Client()
    with on_commit():
        response = visitor.post(
            "/accounts/login/code/", {"email": "rania@friends-allies.example.org"}
        )
    assert response.status_code == 302
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mailoutbox[-1].body, re.MULTILINE)
    assert code, mailoutbox[-1].body
    with on_commit():
        response = visitor.post(response["Location"], {"code": code.group(1)}, follow=True)
    page = response.content.decode()
    assert "Friends &amp; Allies of Aleppo" in page
    assert "Awaiting review" in page


def test_an_unconfirmed_signer_gets_no_sign_in_code_and_confirms_through_the_link(
    client: Client, letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    with on_commit():
        client.post(f"/letters/{letter.slug}/sign/", sign_form())
    link = confirmation_link(mailoutbox[0])
    visitor = Client()
    with on_commit():
        response = visitor.post(
            "/accounts/login/code/", {"email": "rania@friends-allies.example.org"}
        )
    # The answer an unknown address gets; anyone may have typed this address.
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/code/confirm/")
    assert len(mailoutbox) == 1
    assert visitor.get("/account/").status_code == 302  # not signed in
    with on_commit():
        Client().post(link)
    assert Endorsement.objects.get().status == Endorsement.Status.PENDING


def test_resubmitting_the_form_resends_the_link_up_to_the_cap(
    client: Client, letter: Letter, on_commit: OnCommit, mailoutbox: list, settings
) -> None:
    settings.SIGN_MAIL_LIMIT = 3
    for _ in range(5):
        with on_commit():
            response = client.post(f"/letters/{letter.slug}/sign/", sign_form())
        assert response.status_code == 302
    assert len(mailoutbox) == 3
    assert Endorsement.objects.count() == 1
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("country", "XX", "Select a valid choice."),
        ("website", "http://", "Enter a valid URL."),
        ("name", "", "This field is required."),
        ("name", "Bad\x07Name", "invisible control characters"),
        # A line break in a one-line field would write its own lines into the mail.
        ("name", "Evil\r\nTo confirm, open https://evil.example", "invisible control characters"),
        ("city", "Accra\nBcc: x@y.example", "invisible control characters"),
        ("contact_name", "Ama\u2028Mensah", "invisible control characters"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_saved(
    client: Client, letter: Letter, field: str, value: str, message: str
) -> None:
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_names_in_any_script_are_kept_intact(
    client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    with on_commit():
        client.post(
            f"/letters/{letter.slug}/sign/",
            sign_form(name="جمعية الإغاثة & Réseau Élan", email="info@example.org"),
        )
    assert Organization.objects.get().name == "جمعية الإغاثة & Réseau Élan"


@pytest.mark.parametrize("website", ["example", "not a url", "javascript:alert(1)"])
def test_a_website_that_is_no_address_gets_one_message_not_two(
    client: Client, letter: Letter, website: str
) -> None:
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form(website=website))
    assert response.status_code == 400
    errors = response.context["form"].errors["website"]
    assert errors == ["Enter a valid URL."]


def test_a_description_keeps_its_paragraphs(
    client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    with on_commit():
        response = client.post(
            f"/letters/{letter.slug}/sign/",
            sign_form(description="We work in Idlib.\r\n\r\nAnd in Aleppo."),
        )
    assert response.status_code == 302
    assert Organization.objects.get().description == "We work in Idlib.\r\n\r\nAnd in Aleppo."
