"""count.json: the live count partners and the letter page poll, served from the cache."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

import pytest
from django.core.cache import cache
from django.test import Client

from coalition.pagecache import public_pages_changed
from letters.models import Letter
from signatories import counts, tasks
from signatories.models import Endorsement, User
from signatories.services import moderation, organizations, signing

from .factories import EndorsementFactory, LetterFactory, UserFactory

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]


def count_url(letter: Letter) -> str:
    return f"/letters/{letter.slug}/count.json"


def signatories_now(client: Client, letter: Letter) -> int:
    return client.get(count_url(letter)).json()["signatories"]


@pytest.fixture
def moderator(db: None) -> User:
    return UserFactory(email="moderator@coalition.example.org", is_staff=True)


def test_count_json_reports_approved_signatories_their_countries_and_continents(
    client: Client, letter: Letter
) -> None:
    EndorsementFactory(letter=letter, approved=True, organization__country="FR")
    EndorsementFactory(letter=letter, approved=True, organization__country="DE")
    EndorsementFactory(letter=letter, approved=True, organization__country="BR")
    EndorsementFactory(letter=letter, approved=True, listed_publicly=False)
    EndorsementFactory(letter=letter, organization__country="JP")  # pending: not counted
    EndorsementFactory(letter=letter, status=Endorsement.Status.REJECTED)
    EndorsementFactory(approved=True)  # another letter

    response = client.get(count_url(letter))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {
        "letter",
        "signatories",
        "countries",
        "continents",
        "updated_at",
        "delivered",
    }
    assert data["letter"] == letter.slug
    assert (data["signatories"], data["countries"], data["continents"]) == (4, 3, 2)
    assert datetime.fromisoformat(data["updated_at"]).tzinfo is not None


def test_count_json_may_be_cached_for_a_few_seconds_and_read_from_any_site(
    client: Client, letter: Letter
) -> None:
    response = client.get(count_url(letter))
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
    assert 1 <= max_age <= 10
    assert response["Access-Control-Allow-Origin"] == "*"


def test_count_json_answers_from_the_cache_without_a_database_query(
    client: Client, letter: Letter, django_assert_num_queries: Callable
) -> None:
    EndorsementFactory.create_batch(3, letter=letter, approved=True)
    client.get(count_url(letter))
    with django_assert_num_queries(0):
        response = client.get(count_url(letter))
    assert response.json()["signatories"] == 3


def test_unknown_and_draft_letters_have_no_count(client: Client) -> None:
    draft = LetterFactory(status=Letter.Status.DRAFT)
    EndorsementFactory(letter=draft, approved=True)
    assert client.get("/letters/no-such-letter/count.json").status_code == 404
    assert client.get(count_url(draft)).status_code == 404
    assert client.get(f"/letters/{draft.slug}/count/").status_code == 404


def test_approving_adds_to_the_count_at_once(
    client: Client, letter: Letter, moderator: User, on_commit: OnCommit
) -> None:
    endorsement = EndorsementFactory(letter=letter)
    assert signatories_now(client, letter) == 0
    with on_commit():
        moderation.endorsement_approve(endorsement=endorsement, moderator=moderator)
    assert signatories_now(client, letter) == 1


def test_rejecting_a_published_endorsement_takes_it_off_the_count(
    client: Client, letter: Letter, moderator: User, on_commit: OnCommit
) -> None:
    endorsement = EndorsementFactory(letter=letter, approved=True)
    assert signatories_now(client, letter) == 1
    with on_commit():
        moderation.endorsement_reject(endorsement=endorsement, moderator=moderator, reason="Spam")
    assert signatories_now(client, letter) == 0


def test_withdrawing_takes_the_organisation_off_the_count(
    client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    endorsement = EndorsementFactory(letter=letter, approved=True, organization__country="KE")
    EndorsementFactory(letter=letter, approved=True, organization__country="FR")
    assert client.get(count_url(letter)).json()["continents"] == 2
    with on_commit():
        signing.endorsement_withdraw(endorsement=endorsement, actor=endorsement.organization.user)
    data = client.get(count_url(letter)).json()
    assert (data["signatories"], data["countries"], data["continents"]) == (1, 1, 1)


def test_reconciliation_repairs_a_tampered_cache(client: Client, letter: Letter) -> None:
    EndorsementFactory.create_batch(2, letter=letter, approved=True)
    assert signatories_now(client, letter) == 2
    tampered = {**client.get(count_url(letter)).json(), "signatories": 999}
    cache.set(counts._cache_key(letter.slug), tampered)
    public_pages_changed()  # count.json's own cached answer is not what this test tampers with
    assert signatories_now(client, letter) == 999

    tasks.signatory_counts_reconcile.delay()

    assert signatories_now(client, letter) == 2


def test_reconciliation_catches_changes_made_behind_the_services_back(
    client: Client, letter: Letter
) -> None:
    assert signatories_now(client, letter) == 0
    EndorsementFactory.create_batch(3, letter=letter, approved=True)  # e.g. a manual fix in SQL
    assert signatories_now(client, letter) == 0

    assert tasks.signatory_counts_reconcile.delay().get() == 1

    assert signatories_now(client, letter) == 3


def test_a_letter_put_back_to_draft_loses_its_count_at_reconciliation(
    client: Client, letter: Letter
) -> None:
    assert client.get(count_url(letter)).status_code == 200
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.DRAFT)

    tasks.signatory_counts_reconcile.delay()

    assert client.get(count_url(letter)).status_code == 404


def test_the_count_sentence_fragment_is_rendered_in_the_readers_language(
    client: Client, letter: Letter
) -> None:
    EndorsementFactory.create_batch(2, letter=letter, approved=True)
    response = client.get(f"/letters/{letter.slug}/count/")
    assert response.status_code == 200
    assert "<strong>2</strong> organisations" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_the_letter_page_count_is_wired_for_live_updates(client: Client, letter: Letter) -> None:
    EndorsementFactory(letter=letter, approved=True)
    page = client.get(letter.get_absolute_url()).content.decode()
    assert f'data-count-url="/letters/{letter.slug}/count.json"' in page
    assert 'data-signatories="1"' in page
    assert 'aria-live="polite"' in page
    assert '<script src="/static/js/live-count.js" defer></script>' in page


def test_the_count_reads_thousands_with_a_separator(client: Client, letter: Letter) -> None:
    cache.set(
        counts._cache_key(letter.slug),
        {
            "letter": letter.slug,
            "signatories": 20345,
            "countries": 120,
            "continents": 5,
            "updated_at": "2025-01-01T00:00:00+00:00",
        },
    )
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "<strong>20,345</strong> organisations from 120 countries on 5 continents" in " ".join(
        page.split()
    )


def test_putting_a_letter_back_to_draft_or_renaming_it_in_the_admin_updates_count_json(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    from signatories.models import User

    admin_user = User.objects.create_superuser(email="root@example.org", password="pw-123456789")
    letter = LetterFactory(slug="old-name")
    EndorsementFactory(letter=letter, approved=True)
    assert client.get("/letters/old-name/count.json").json()["signatories"] == 1
    staff = Client()
    staff.force_login(admin_user)
    form = {
        "title": letter.title,
        "slug": "new-name",
        "summary": letter.summary,
        "body": letter.body,
        "recipients": letter.recipients,
        "status": "open",
        "moderation": letter.moderation,
        "original_language": "en",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "initiators-TOTAL_FORMS": "0",
        "initiators-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/admin/letters/letter/{letter.pk}/change/", form)
    assert client.get("/letters/old-name/count.json").status_code == 404
    assert client.get("/letters/new-name/count.json").json()["signatories"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/admin/letters/letter/{letter.pk}/change/", {**form, "status": "draft"})
    assert client.get("/letters/new-name/count.json").status_code == 404


def test_a_moderators_correction_of_the_country_updates_the_count_at_once(
    django_capture_on_commit_callbacks,
) -> None:
    from signatories.counts import signatory_count

    letter = LetterFactory()
    EndorsementFactory(letter=letter, approved=True, organization__country="FR")
    moved = EndorsementFactory(letter=letter, approved=True, organization__country="FR")
    assert signatory_count(letter)["countries"] == 1
    org = moved.organization
    details = organizations.OrganizationDetails(
        name=org.name, country="BR", city=org.city, website=org.website, kind=org.kind,
        contact_name=org.contact_name,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        organizations.organization_correct(organization=org, details=details)
    assert (signatory_count(letter)["countries"], signatory_count(letter)["continents"]) == (2, 2)
