"""Impersonation and takeover: whoever proves control of an address decides what is published
under it. Each test replays an attack that worked before and checks that it fails now."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from letters.models import Letter
from signatories.models import Endorsement, Organization, User

from .factories import LetterFactory, OrganizationFactory
from .helpers import confirmation_link, sign_form

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]
VICTIM = "director@rede-solidaria.example.org"
ATTACKER_IP = "198.51.100.66"
OWNER_IP = "203.0.113.20"

ATTACKER_DETAILS = {
    "name": "Attacker Chosen Name",
    "country": "BR",
    "website": "https://evil.example",
    "city": "Nowhere",
    "contact_name": "Mallory",
    "comment": "Words put in their mouth",
}
OWNER_DETAILS = {
    "name": "Rede Solidária",
    "country": "BR",
    "city": "Recife",
    "website": "https://rede-solidaria.example.org",
    "contact_name": "Ana Lima",
}


def publish_on_verification() -> Letter:
    return LetterFactory(
        moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION,
        title="Call for an Emergency Special Session on Syria",
    )


def sign(letter: Letter, ip: str, **details: str) -> None:
    response = Client(REMOTE_ADDR=ip).post(
        f"/letters/{letter.slug}/sign/", sign_form(email=VICTIM, **details)
    )
    assert response.status_code == 302


def public_list(letter: Letter) -> str:
    return Client().get(f"/letters/{letter.slug}/signatories/").content.decode()


def mail_to_victim(mailoutbox: list) -> list:
    return [m for m in mailoutbox if m.to == [VICTIM]]


def test_the_owners_later_submission_replaces_a_squatters_details(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = publish_on_verification()
    with on_commit():
        sign(letter, ATTACKER_IP, **ATTACKER_DETAILS)
    with on_commit():
        sign(letter, OWNER_IP, **OWNER_DETAILS)
    owners_mail = mail_to_victim(mailoutbox)[-1]
    assert owners_mail.subject == f"Confirm that Rede Solidária signs “{letter.title}”"
    assert "Website: https://rede-solidaria.example.org" in owners_mail.body
    assert "evil.example" not in owners_mail.body

    with on_commit():
        Client().post(confirmation_link(owners_mail))

    page = public_list(letter)
    assert "Rede Solidária" in page
    assert "Attacker Chosen Name" not in page
    assert "evil.example" not in page
    endorsement = Endorsement.objects.get()
    assert endorsement.status == Endorsement.Status.APPROVED
    assert endorsement.comment == "We stand with the people of Aleppo."


def test_the_confirmation_page_names_organisation_letter_and_details_and_takes_corrections(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = publish_on_verification()
    with on_commit():
        sign(letter, ATTACKER_IP, **ATTACKER_DETAILS)
    link = confirmation_link(mail_to_victim(mailoutbox)[-1])
    owner = Client()
    page = owner.get(link).content.decode()
    assert (
        'Confirm that <strong dir="auto">Attacker Chosen Name</strong> (Brazil) signs '
        f"<em>{letter.title}</em>." in page
    )
    assert "https://evil.example" in page

    # A correction that does not validate comes back with its error, and the preview still
    # says what is on record: nothing typed is shown as what will be published.
    refused = owner.post(link, sign_form(email=VICTIM, **{**OWNER_DETAILS, "website": "nope"}))
    assert refused.status_code == 400
    assert "Enter a valid URL." in refused.content.decode()
    assert refused.context["organization"].name == "Attacker Chosen Name"
    assert 'Confirm that <strong dir="auto">Attacker Chosen Name</strong>' in (
        refused.content.decode()
    )

    corrected = sign_form(email=VICTIM, **OWNER_DETAILS)
    with on_commit():
        response = owner.post(link, corrected, follow=True)
    assert f"Confirmed: Rede Solidária signs “{letter.title}”" in response.content.decode()
    published = public_list(letter)
    assert "Rede Solidária" in published
    assert "Attacker Chosen Name" not in published
    assert "evil.example" not in published
    # Confirming signed the owner in, on their organisation's page.
    assert owner.get("/account/").status_code == 200


def test_the_owner_can_refuse_what_a_stranger_signed_with_their_address(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = publish_on_verification()
    with on_commit():
        sign(letter, ATTACKER_IP, **ATTACKER_DETAILS)
    link = confirmation_link(mail_to_victim(mailoutbox)[-1])
    with on_commit():
        page = Client().post(link, {"decline": "1"})
    assert "nothing will be published" in page.content.decode()
    assert Endorsement.objects.get().status == Endorsement.Status.WITHDRAWN
    assert not EmailAddress.objects.filter(email=VICTIM, verified=True).exists()
    assert "Attacker Chosen Name" not in public_list(letter)


def test_a_squatters_signature_of_another_letter_is_dropped_by_the_owners_submission(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    planted, chosen = publish_on_verification(), publish_on_verification()
    with on_commit():
        sign(planted, ATTACKER_IP, **ATTACKER_DETAILS)
    with on_commit():
        sign(chosen, OWNER_IP, **OWNER_DETAILS)
    with on_commit():
        Client().post(confirmation_link(mail_to_victim(mailoutbox)[-1]))
    assert list(Endorsement.objects.values_list("letter", "status")) == [
        (chosen.pk, Endorsement.Status.APPROVED)
    ]
    assert "Rede Solidária" not in public_list(planted)


def test_a_squatted_address_gets_no_sign_in_code_and_nothing_is_published(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    planted = publish_on_verification()
    with on_commit():
        sign(planted, ATTACKER_IP, **ATTACKER_DETAILS)
    mailed = len(mail_to_victim(mailoutbox))
    owner = Client()
    with on_commit():
        response = owner.post("/accounts/login/code/", {"email": VICTIM})
    assert response.status_code == 302
    # Nobody confirmed the address: no code, so no account a stranger made to land in. The
    # owner answers through the confirmation mail ("This was not me"), or signs themselves.
    assert len(mail_to_victim(mailoutbox)) == mailed
    assert Endorsement.objects.get().status == Endorsement.Status.UNVERIFIED
    assert "Attacker Chosen Name" not in public_list(planted)


def test_the_email_management_page_is_not_there(client: Client) -> None:
    organization = OrganizationFactory()
    client.force_login(organization.user)
    assert client.get("/accounts/email/").status_code == 404
    response = client.post("/accounts/email/", {"action_add": "1", "email": "x@unknown.example"})
    assert response.status_code == 404
    assert not EmailAddress.objects.filter(email="x@unknown.example").exists()


def test_a_code_for_an_address_only_parked_on_another_account_does_not_open_it(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    attacker = OrganizationFactory(name="Attacker's own organisation")
    EmailAddress.objects.create(
        user=attacker.user, email="x@unknown.example", verified=False, primary=False
    )
    owner = Client()
    with on_commit():
        response = owner.post("/accounts/login/code/", {"email": "x@unknown.example"})
    assert response.status_code == 302
    assert not any(re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", mail.body) for mail in mailoutbox)
    assert owner.get("/account/").status_code == 302  # not signed in anywhere

    # And the owner's own signature can be confirmed as usual.
    letter = publish_on_verification()
    with on_commit():
        owner.post(f"/letters/{letter.slug}/sign/", sign_form(email="x@unknown.example"))
    with on_commit():
        Client().post(confirmation_link(mailoutbox[-1]))
    own = User.objects.get(email="x@unknown.example")
    assert Organization.objects.get(user=own).endorsements.get().status == "approved"


@pytest.mark.parametrize(
    "name",
    [
        "Amnesty \u202elanoitanretnI",  # a right-to-left override: reads "International"
        "Amnes\u200bty International",  # a zero-width space defeats a plain comparison
        "Amnesty\u2066 International",  # a bidi isolate
        "\ufeffAmnesty International",  # a byte-order mark
    ],
)
def test_a_name_with_invisible_format_characters_is_refused_with_a_message(
    client: Client, letter: Letter, name: str
) -> None:
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form(name=name))
    assert response.status_code == 400
    assert "Please remove the invisible control characters" in response.content.decode()
    assert not Organization.objects.exists()


def test_a_persian_name_keeps_its_zero_width_non_joiner(client: Client, letter: Letter) -> None:
    name = "انجمن حمایت از کودکان کار\u200cوخیابان"  # noqa: RUF001
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form(name=name))
    assert response.status_code == 302
    assert Organization.objects.get().name == name


def test_confirming_confirms_what_the_page_showed_not_what_was_sent_meanwhile(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    seen = LetterFactory(moderation=Letter.Moderation.REVIEW_FIRST, title="The letter I read")
    other = publish_on_verification()
    with on_commit():
        sign(seen, OWNER_IP, **OWNER_DETAILS)
    link = confirmation_link(mail_to_victim(mailoutbox)[-1])
    owner = Client()
    page = owner.get(link)
    shown = page.context["shown"]
    assert "The letter I read" in page.content.decode()
    # While the page is open, someone sends the form with the owner's address.
    with on_commit():
        sign(other, ATTACKER_IP, **{**OWNER_DETAILS, "comment": "planted"})
    with on_commit():
        refused = owner.post(link, sign_form(email=VICTIM, shown=shown, **OWNER_DETAILS))
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "changed after you opened this page" in body
    assert other.title in body
    assert not EmailAddress.objects.filter(email=VICTIM, verified=True).exists()
    assert not Endorsement.objects.exclude(status=Endorsement.Status.UNVERIFIED).exists()
    assert "planted" not in public_list(other)


def squatted_refused_and_signed_by_the_owner(on_commit: OnCommit, mailoutbox: list) -> Letter:
    """A stranger signs with the victim's address, the owner answers "this was not me", then
    signs with their own details."""
    letter = publish_on_verification()
    with on_commit():
        sign(letter, ATTACKER_IP, **ATTACKER_DETAILS)
    with on_commit():
        Client().post(confirmation_link(mail_to_victim(mailoutbox)[-1]), {"decline": "1"})
    with on_commit():
        sign(letter, OWNER_IP, **OWNER_DETAILS)
    return letter


def test_after_this_was_not_me_the_owners_own_submission_replaces_the_squatters_details(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = squatted_refused_and_signed_by_the_owner(on_commit, mailoutbox)
    organization = Organization.objects.get(user__email=VICTIM)
    assert organization.name == "Rede Solidária"
    assert organization.contact_name == "Ana Lima"
    with on_commit():
        Client().post(confirmation_link(mail_to_victim(mailoutbox)[-1]))
    assert "Rede Solidária" in public_list(letter)
    assert "Attacker Chosen Name" not in public_list(letter)


def test_the_audit_trail_of_a_refused_and_resubmitted_signature_reads_as_it_happened(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    squatted_refused_and_signed_by_the_owner(on_commit, mailoutbox)
    endorsement = Endorsement.objects.get(organization__user__email=VICTIM)
    trail = [
        (event.from_status, event.to_status, event.why()) for event in endorsement.events.all()
    ]
    assert trail == [
        ("", "unverified", ""),
        ("unverified", "withdrawn", "The owner of the address said they did not sign."),
        (
            "withdrawn",
            "unverified",
            "Replaced by a new submission from the same unconfirmed address.",
        ),
    ]
    assert endorsement.status == Endorsement.Status.UNVERIFIED
    assert endorsement.withdrawn_at is None
    with on_commit():
        Client().post(confirmation_link(mail_to_victim(mailoutbox)[-1]))
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.APPROVED
    assert (endorsement.withdrawn_at, endorsement.verified_at is not None) == (None, True)
    assert endorsement.events.last().from_status == "unverified"
