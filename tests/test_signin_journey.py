"""The sign-in journey as a new user meets it: no dead ends, a person to reply to."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from letters.models import Letter

from .factories import OrganizationFactory
from .helpers import sign_form

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]


def test_the_sign_in_page_leads_with_the_emailed_code_and_never_offers_sign_up(
    client: Client,
) -> None:
    page = client.get("/accounts/login/").content.decode()
    code_form = page.index('action="/accounts/login/code/"')
    password = page.index("Sign in with a password instead")
    assert code_form < password
    assert "Email me a sign-in code" in page
    assert "/accounts/signup/" not in page
    assert 'href="/"' in page and "See the open letters" in page


def test_the_closed_sign_up_page_leads_to_the_letters(client: Client) -> None:
    response = client.get("/accounts/signup/")
    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_password_still_signs_in_from_the_second_option(client: Client) -> None:
    organization = OrganizationFactory(user__password="a long enough password 42")
    response = client.post(
        "/accounts/login/",
        {"login": organization.user.email, "password": "a long enough password 42"},
        follow=True,
    )
    assert organization.name in response.content.decode()


def test_every_mail_replies_to_the_coalitions_contact_address_shown_on_the_site(
    client: Client, letter: Letter, settings, on_commit: OnCommit, mailoutbox: list
) -> None:
    settings.COALITION_CONTACT_EMAIL = "team@coalition.example.org"
    with on_commit():
        client.post(f"/letters/{letter.slug}/sign/", sign_form())
    assert mailoutbox[0].reply_to == ["team@coalition.example.org"]
    page = client.get("/").content.decode()
    assert 'href="mailto:team@coalition.example.org"' in page


def test_the_local_admin_hint_names_a_command_that_works(settings) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("local_admin", stdout=out)
    call_command("local_admin", stdout=out)
    assert "make admin-password" in out.getvalue()
    assert "changepassword" not in out.getvalue()
