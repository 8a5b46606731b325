"""Signed-in organisations: one-step endorsement, signing twice, closed letters, withdrawal and
editing details."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from letters.models import Letter
from signatories.counts import signatory_count
from signatories.models import Endorsement, EndorsementEvent, Organization
from signatories.services import signing

from .factories import EndorsementFactory, LetterFactory, OrganizationFactory
from .helpers import sign_form

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]


@pytest.fixture
def organization() -> Organization:
    return OrganizationFactory(name="Réseau Paix & Justice", country="SN")


@pytest.fixture
def member(client: Client, organization: Organization) -> Client:
    client.force_login(organization.user)
    return client


def test_a_signed_in_organisation_signs_in_one_step(
    member: Client, organization: Organization, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    page = member.get(f"/letters/{letter.slug}/sign/").content.decode()
    assert "Réseau Paix &amp; Justice" in page
    assert 'name="email"' not in page
    with on_commit():
        response = member.post(
            f"/letters/{letter.slug}/sign/", {"comment": "", "listed_publicly": "on"}
        )
    assert response.status_code == 302
    endorsement = Endorsement.objects.get(organization=organization)
    assert endorsement.status == Endorsement.Status.PENDING
    assert mailoutbox[-1].subject == f"Your endorsement of “{letter.title}” is under review"


def test_signing_twice_says_already_signed_and_shows_the_status(
    member: Client, organization: Organization, letter: Letter, on_commit: OnCommit
) -> None:
    with on_commit():
        member.post(f"/letters/{letter.slug}/sign/", {"listed_publicly": "on"})
    for method in (member.get, member.post):
        page = method(f"/letters/{letter.slug}/sign/").content.decode()
        assert "already signed this letter" in page
        assert "Awaiting review" in page
    assert Endorsement.objects.count() == 1


def test_two_tabs_posting_at_once_make_one_endorsement(
    member: Client, organization: Organization, letter: Letter, on_commit: OnCommit
) -> None:
    choices = signing.EndorsementChoices()
    first, created_first = signing.endorsement_create(
        organization=organization, letter=letter, choices=choices
    )
    second, created_second = signing.endorsement_create(
        organization=organization, letter=letter, choices=choices
    )
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Endorsement.objects.count() == 1


@pytest.mark.parametrize(
    ("letter_kwargs", "message"),
    [
        ({"status": Letter.Status.CLOSED}, "no longer takes signatures"),
        ({"closes_at": timezone.now() - timedelta(hours=1)}, "no longer takes signatures"),
        ({"opens_at": timezone.now() + timedelta(days=1)}, "Signing opens on"),
    ],
    ids=["closed", "past-deadline", "not-yet-open"],
)
def test_a_letter_that_is_not_open_refuses_signatures_with_a_clear_message(
    client: Client, letter_kwargs: dict, message: str
) -> None:
    letter = LetterFactory(**letter_kwargs)
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form())
    assert response.status_code == 409
    assert message in response.content.decode()
    assert not Endorsement.objects.exists()
    assert client.get(f"/letters/{letter.slug}/sign/").status_code == 200


def test_a_draft_letter_cannot_be_signed(client: Client) -> None:
    letter = LetterFactory(status=Letter.Status.DRAFT)
    assert client.post(f"/letters/{letter.slug}/sign/", {}).status_code == 404


def test_the_account_page_lists_endorsements_with_their_status(
    member: Client, organization: Organization
) -> None:
    EndorsementFactory(organization=organization, approved=True, letter__title="Letter One")
    EndorsementFactory(organization=organization, letter__title="Letter Two")
    page = member.get("/account/").content.decode()
    assert "Letter One" in page and "Published" in page
    assert "Letter Two" in page and "Awaiting review" in page
    assert organization.user.email in page


def test_withdrawing_removes_the_organisation_from_the_count_and_list_at_once(
    member: Client, organization: Organization, on_commit: OnCommit
) -> None:
    endorsement = EndorsementFactory(organization=organization, approved=True)
    letter = endorsement.letter
    assert signatory_count(letter)["signatories"] == 1
    confirm = member.get(f"/account/endorsements/{endorsement.uuid}/withdraw/")
    assert 'method="post"' in confirm.content.decode()
    with on_commit():
        response = member.post(f"/account/endorsements/{endorsement.uuid}/withdraw/", follow=True)
    assert "is withdrawn" in response.content.decode()
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.WITHDRAWN
    assert endorsement.withdrawn_at is not None
    assert signatory_count(letter)["signatories"] == 0
    assert (
        organization.name
        not in Client().get(f"/letters/{letter.slug}/signatories/").content.decode()
    )
    assert EndorsementEvent.objects.filter(endorsement=endorsement, to_status="withdrawn").exists()


def test_nobody_can_withdraw_another_organisations_endorsement(
    member: Client, on_commit: OnCommit
) -> None:
    someone_else = EndorsementFactory(approved=True)
    response = member.post(f"/account/endorsements/{someone_else.uuid}/withdraw/")
    assert response.status_code == 404
    someone_else.refresh_from_db()
    assert someone_else.status == Endorsement.Status.APPROVED


def test_signing_again_after_withdrawing_sends_it_back_for_review(
    member: Client, organization: Organization, on_commit: OnCommit
) -> None:
    endorsement = EndorsementFactory(organization=organization, status="withdrawn")
    with on_commit():
        member.post(f"/letters/{endorsement.letter.slug}/sign/", {"listed_publicly": "on"})
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.PENDING


def details_form(organization: Organization, **overrides: str) -> dict[str, str]:
    data = {
        "name": organization.name,
        "country": str(organization.country),
        "city": organization.city,
        "website": organization.website,
        "kind": organization.kind,
        "contact_name": organization.contact_name,
        "description": organization.description,
    }
    data.update(overrides)
    return data


def test_a_new_city_on_a_published_endorsement_goes_back_to_review(
    member: Client, organization: Organization, on_commit: OnCommit
) -> None:
    endorsement = EndorsementFactory(organization=organization, approved=True)
    with on_commit():
        member.post(
            "/account/details/",
            details_form(organization, city="BUY CHEAP PILLS AT scam.example"),
        )
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.PENDING
    page = Client().get(f"/letters/{endorsement.letter.slug}/signatories/").content.decode()
    assert "scam.example" not in page
    assert endorsement.events.last().why() == (
        "Changed by the organisation after publication: city."
    )


def test_a_new_description_on_a_publish_first_letter_stays_public_and_is_flagged(
    member: Client, organization: Organization, on_commit: OnCommit
) -> None:
    letter = LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)
    endorsement = EndorsementFactory(organization=organization, letter=letter, approved=True)
    with on_commit():
        member.post(
            "/account/details/",
            details_form(organization, kind="trade_union", description="Now a union."),
        )
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.APPROVED
    assert endorsement.held_for() == [
        "Changed by the organisation after publication: type, short description."
    ]
    assert endorsement.decided_by is None


@pytest.mark.parametrize("change", [{"name": "Another Name"}, {"country": "ML"}])
def test_changing_name_or_country_sends_a_published_endorsement_back_for_review(
    member: Client, organization: Organization, on_commit: OnCommit, change: dict[str, str]
) -> None:
    endorsement = EndorsementFactory(organization=organization, approved=True)
    with on_commit():
        response = member.post(
            "/account/details/", details_form(organization, **change), follow=True
        )
    assert "look at your published endorsements again" in response.content.decode()
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.PENDING
    assert signatory_count(endorsement.letter)["signatories"] == 0
    event = endorsement.events.last()
    assert (event.from_status, event.to_status) == ("approved", "pending")


def test_a_signed_out_visitor_using_a_registered_address_gets_the_same_answer_and_the_owner_a_mail(
    client: Client, organization: Organization, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    with on_commit():  # its mail sent now, not by the next batch
        new = Client().post(f"/letters/{letter.slug}/sign/", sign_form(email="new@example.org"))
    mailoutbox.clear()
    with on_commit():
        known = client.post(
            f"/letters/{letter.slug}/sign/",
            sign_form(email=organization.user.email, name="An impostor"),
        )
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert not Endorsement.objects.filter(organization=organization).exists()
    assert Organization.objects.get(pk=organization.pk).name == "Réseau Paix & Justice"
    assert [m.to for m in mailoutbox] == [[organization.user.email]]
    assert "already has an account" in mailoutbox[0].subject


def test_changing_the_website_sends_a_published_endorsement_back_for_review(
    member: Client, organization: Organization, on_commit: OnCommit
) -> None:
    endorsement = EndorsementFactory(organization=organization, approved=True)
    with on_commit():
        member.post(
            "/account/details/", details_form(organization, website="https://spam.example.net")
        )
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.PENDING
    assert endorsement.decided_by is None  # back in the work queue, for any moderator


def test_signing_again_on_a_publish_on_verification_letter_records_no_moderator(
    member: Client, organization: Organization, on_commit: OnCommit
) -> None:
    letter = LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)
    endorsement = EndorsementFactory(organization=organization, letter=letter, approved=True)
    with on_commit():
        member.post(f"/account/endorsements/{endorsement.uuid}/withdraw/")
        member.post(f"/letters/{letter.slug}/sign/", {"comment": "Again", "listed_publicly": "on"})
    endorsement.refresh_from_db()
    assert (endorsement.status, endorsement.comment) == (Endorsement.Status.APPROVED, "Again")
    assert endorsement.decided_by is None


def test_withdrawing_and_signing_again_does_not_skip_the_review_a_rename_triggered(
    member: Client, organization: Organization, on_commit: OnCommit
) -> None:
    letter = LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)
    endorsement = EndorsementFactory(organization=organization, letter=letter)
    endorsement.status = Endorsement.Status.PENDING  # sent back to review by a rename
    endorsement.save()
    with on_commit():
        member.post(f"/account/endorsements/{endorsement.uuid}/withdraw/")
        member.post(f"/letters/{letter.slug}/sign/", {"comment": "Again", "listed_publicly": "on"})
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.PENDING
    page = Client().get(f"/letters/{letter.slug}/signatories/").content.decode()
    assert organization.name not in page
