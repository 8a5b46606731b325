"""No moderator can read a secret out of the admin: a list filters only by the filters it
shows (an address-bar filter on a hidden field is a 400, not an oracle), and a mail carrying a
sign-in code, a reset key or a confirmation link loses its text once sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone

from letters.models import Letter
from signatories import outbox
from signatories.models import Endorsement, OutgoingMail, User

from .factories import EndorsementFactory, LetterFactory
from .helpers import make_moderator

pytestmark = pytest.mark.django_db

OUTBOX = "/admin/signatories/outgoingmail/"
RESET_BODY = "Reset your password: http://testserver/accounts/password/reset/key/1a-c3f9b2/"


@pytest.fixture
def moderator_client(client: Client) -> Client:
    moderator = make_moderator()
    moderator.user_permissions.add(Permission.objects.get(codename="view_outgoingmail"))
    client.force_login(moderator)
    return client


def test_probing_a_hidden_mail_body_from_the_address_bar_is_refused(
    moderator_client: Client,
) -> None:
    OutgoingMail.objects.create(
        kind="password_reset_key", to="admin@coalition.example.org", subject="Reset",
        body_text=RESET_BODY,
    )  # fmt: skip
    # The attack: each guess of the next character answers by whether the row is listed.
    for guess in ("1[0-9a-h]", "1a-c", "zzz"):
        response = moderator_client.get(
            f"{OUTBOX}?kind=password_reset_key&body_text__regex=password/reset/key/{guess}"
        )
        assert response.status_code == 400
        assert b"c3f9b2" not in response.content
    for probe in ("body_text__contains=key", "body_html__startswith=%3C", "to__regex=^admin"):
        assert moderator_client.get(f"{OUTBOX}?{probe}").status_code == 400


def test_the_filters_a_list_shows_still_work(moderator_client: Client) -> None:
    OutgoingMail.objects.create(kind="moderation-digest", to="a@x.org", subject="Digest one")
    OutgoingMail.objects.create(
        kind="endorsement-published", to="b@x.org", subject="Published two", status="sent"
    )
    listing = moderator_client.get(f"{OUTBOX}?kind__exact=moderation-digest&status__exact=queued")
    assert listing.status_code == 200
    assert "Digest one" in listing.content.decode()
    assert "Published two" not in listing.content.decode()
    assert moderator_client.get(f"{OUTBOX}?q=Digest").status_code == 200


def test_endorsements_and_organisations_refuse_filters_they_do_not_show(
    moderator_client: Client,
) -> None:
    EndorsementFactory(letter=LetterFactory(), organization__contact_name="Hidden Person")
    for url in (
        "/admin/signatories/endorsement/?status__exact=all&ip_hash__startswith=a",
        "/admin/signatories/endorsement/?organization__user__password__startswith=md5",
        "/admin/signatories/organization/?contact_name__startswith=Hidden",
        "/admin/signatories/organization/?user__email__regex=.",
    ):
        assert moderator_client.get(url).status_code == 400, url
    assert (
        moderator_client.get(
            "/admin/signatories/endorsement/?status__exact=all&organization__kind__exact=ngo"
        ).status_code
        == 200
    )


def test_the_accounts_list_refuses_a_probe_of_password_hashes(client: Client) -> None:
    admin = User.objects.create_superuser(email="root@coalition.example.org", password="x" * 20)
    client.force_login(admin)
    assert client.get("/admin/signatories/user/?password__startswith=pbkdf2").status_code == 400
    assert client.get("/admin/signatories/user/?is_staff__exact=1").status_code == 200


def test_a_sent_sign_in_secret_leaves_no_text_behind() -> None:
    secret = OutgoingMail.objects.create(
        kind="login_code", to="org@x.org", subject="Sign-in code", body_text="Your code: 4Q7-ZX9",
        body_html="<p>Your code: <b>4Q7-ZX9</b></p>",
    )  # fmt: skip
    notice = OutgoingMail.objects.create(
        kind="endorsement-published", to="org@x.org", subject="Published", body_text="Thanks."
    )
    for row in (secret, notice):
        assert outbox.outgoing_mail_deliver(mail_id=row.pk) is outbox.Delivery.SENT
    # The recipient got the code; the database no longer holds it.
    assert "4Q7-ZX9" in django_mail.outbox[0].body
    secret.refresh_from_db()
    assert "4Q7-ZX9" not in secret.body_text + secret.body_html
    assert secret.body_text == outbox.REMOVED_BODY
    notice.refresh_from_db()
    assert notice.body_text == "Thanks."


def test_view_on_site_does_not_give_a_moderator_the_address_of_a_draft_or_unopened_letter(
    client: Client,
) -> None:
    draft = LetterFactory(status=Letter.Status.DRAFT, slug="ceasefire-draft-embargoed")
    unopened = LetterFactory(slug="opens-next-week", opens_at=timezone.now() + timedelta(days=7))
    letters = ContentType.objects.get_for_model(Letter).pk
    client.force_login(make_moderator())
    # The attack: Django's shortcut redirects any staff member to the object's page.
    for letter in (draft, unopened):
        response = client.get(f"/admin/r/{letters}/{letter.pk}/")
        assert response.status_code == 404
        assert "Location" not in response
        assert letter.slug not in response.content.decode()
    # What moderators may see still has its shortcut (an endorsement has no page: 404 as ever).
    endorsement = EndorsementFactory(letter=draft)
    endorsements = ContentType.objects.get_for_model(Endorsement).pk
    assert client.get(f"/admin/r/{endorsements}/{endorsement.pk}/").status_code == 404


def test_view_on_site_still_takes_staff_who_may_view_letters_to_the_page(client: Client) -> None:
    draft = LetterFactory(status=Letter.Status.DRAFT, slug="ceasefire-draft")
    letters = ContentType.objects.get_for_model(Letter).pk
    editor = make_moderator("editor@coalition.example.org")
    editor.user_permissions.add(Permission.objects.get(codename="view_letter"))
    client.force_login(editor)
    response = client.get(f"/admin/r/{letters}/{draft.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith("/letters/ceasefire-draft/")
    assert client.get(f"/admin/r/{letters}/not-a-number/").status_code == 404
    client.logout()
    assert client.get(f"/admin/r/{letters}/{draft.pk}/")["Location"].startswith("/admin/login/")
