"""The sign POST under a surge: it writes rows and renders nothing; the worker renders the
mail, in the signer's language, when it sends it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import translation

from letters.models import Letter
from signatories import outbox
from signatories.models import Endorsement, Organization, OutgoingMail, User

from .helpers import confirmation_link, sign_form

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]


def test_the_sign_post_renders_no_template_and_writes_every_row_together(
    client: Client, letter: Letter, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        response = client.post(f"/letters/{letter.slug}/sign/", sign_form())
    assert response.status_code == 302
    assert response.templates == []  # neither a page nor a mail was rendered
    user = User.objects.get(email="rania@friends-allies.example.org")
    assert EmailAddress.objects.get(user=user).verified is False
    organization = Organization.objects.get(user=user)
    assert Endorsement.objects.get(organization=organization).status == "unverified"
    mail = OutgoingMail.objects.get(to=user.email)
    # What the worker will render: nothing rendered yet, no text in the row.
    assert (mail.subject, mail.body_text, mail.renderer) == ("", "", "allauth")
    assert after_commit  # the worker is asked once the rows are committed


def test_the_worker_renders_the_mail_in_the_signers_language(
    client: Client, letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    with on_commit():
        client.post(
            f"/fr/letters/{letter.slug}/sign/",
            sign_form(name="Réseau Élan & Amis", email="elan@reseau.example.org"),
        )
    (message,) = mailoutbox
    assert "Réseau Élan & Amis" in message.body
    with translation.override("fr"):
        assert translation.gettext("Hello,") in message.body
    assert "Hello," not in message.body
    assert confirmation_link(message).startswith("/accounts/confirm-email/")
    mail = OutgoingMail.objects.get()
    assert mail.status == OutgoingMail.Status.SENT
    # Rendered, sent, and its secret (the confirmation link) gone from the row.
    assert (mail.renderer, mail.context) == ("", {})
    assert mail.body_text == outbox.REMOVED_BODY


def test_a_mail_whose_subject_was_deleted_before_sending_fails_with_a_reason(
    client: Client, letter: Letter
) -> None:
    from signatories import emails

    endorsement = Endorsement.objects.create(
        organization=Organization.objects.create(
            user=User.objects.create(email="gone@example.org"), name="Gone", country="FR"
        ),
        letter=letter,
    )
    mail = emails.send_endorsement_received(endorsement)
    endorsement.delete()
    assert outbox.outgoing_mail_deliver(mail_id=mail.pk) is outbox.Delivery.FAILED
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert "no longer exists" in mail.last_error
