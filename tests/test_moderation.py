"""The moderators' admin: who may enter, the work queue, bulk and single decisions (count, mail
and audit follow), two moderators at once, the read-only audit trail, the cost of a page, the
index's counts, the digest, the outbox and organisation corrections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone

from letters.models import Letter
from signatories import tasks
from signatories.counts import signatory_count
from signatories.models import Endorsement, EndorsementEvent, Organization, OutgoingMail, User
from signatories.services import moderation

from .conftest import skip_or_fail
from .factories import EndorsementFactory, LetterFactory, OrganizationFactory, UserFactory
from .helpers import make_moderator

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]
CHANGELIST = "/admin/signatories/endorsement/"
Status = Endorsement.Status


@pytest.fixture
def moderator() -> User:
    return make_moderator()


@pytest.fixture
def moderator_client(client: Client, moderator: User) -> Client:
    client.force_login(moderator)
    return client


def pending(letter: Letter, name: str, *, country: str = "FR", days_ago: int = 0) -> Endorsement:
    endorsement = EndorsementFactory(
        letter=letter, organization=OrganizationFactory(name=name, country=country)
    )
    Endorsement.objects.filter(pk=endorsement.pk).update(
        signed_at=timezone.now() - timedelta(days=days_ago)
    )
    return endorsement


def shown_names(response) -> list[str]:
    return [e.organization.name for e in response.context["cl"].result_list]


# Who may enter ---------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client: Client, letter: Letter) -> None:
    endorsement = pending(letter, "Friends of the Earth")
    for url in (CHANGELIST, f"{CHANGELIST}{endorsement.pk}/change/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_an_organisations_own_account_cannot_moderate_even_its_own_endorsement(
    client: Client, letter: Letter
) -> None:
    endorsement = pending(letter, "Friends of the Earth")
    client.force_login(endorsement.organization.user)
    assert client.get(CHANGELIST)["Location"].startswith("/admin/login/")
    assert client.get(f"{CHANGELIST}{endorsement.pk}/change/")["Location"].startswith(
        "/admin/login/"
    )
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [endorsement.pk]})
    client.post(f"{CHANGELIST}{endorsement.pk}/approve/")
    endorsement.refresh_from_db()
    assert endorsement.status == Status.PENDING


def test_a_moderator_reviews_but_cannot_open_letters_accounts_or_groups(
    moderator_client: Client, letter: Letter
) -> None:
    pending(letter, "Friends of the Earth")
    page = moderator_client.get(CHANGELIST)
    assert page.status_code == 200
    assert "Friends of the Earth" in page.content.decode()
    assert moderator_client.get("/admin/signatories/organization/").status_code == 200
    assert moderator_client.get("/admin/signatories/outgoingmail/").status_code == 200
    for forbidden in ("/admin/letters/letter/", "/admin/signatories/user/", "/admin/auth/group/"):
        assert moderator_client.get(forbidden).status_code == 403
    index = moderator_client.get("/admin/").content.decode()
    assert "/admin/letters/letter/" not in index


def test_the_moderators_group_holds_exactly_what_moderation_needs() -> None:
    group = Group.objects.get(name="Moderators")
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert granted == {
        "signatories.view_endorsement",
        "signatories.change_endorsement",
        "signatories.export_endorsement",
        "signatories.import_endorsement",
        "signatories.view_organization",
        "signatories.change_organization",
        "signatories.view_outgoingmail",
        "signatories.change_outgoingmail",  # only to resend failed mail; the rows are read-only
    }


# The work queue --------------------------------------------------------------------------


def test_the_list_opens_on_endorsements_awaiting_review_oldest_first(
    moderator_client: Client, letter: Letter
) -> None:
    pending(letter, "Newest", days_ago=1)
    pending(letter, "Oldest", days_ago=9)
    pending(letter, "Middle", days_ago=4)
    EndorsementFactory(letter=letter, approved=True, organization__name="Already published")
    EndorsementFactory(letter=letter, status=Status.UNVERIFIED, organization__name="Unconfirmed")

    response = moderator_client.get(CHANGELIST)

    assert shown_names(response) == ["Oldest", "Middle", "Newest"]
    assert "Already published" not in response.content.decode()


def test_the_status_filter_can_show_every_endorsement(
    moderator_client: Client, letter: Letter
) -> None:
    pending(letter, "Waiting")
    EndorsementFactory(letter=letter, approved=True, organization__name="Already published")
    every = moderator_client.get(CHANGELIST, {"status__exact": "all"})
    assert sorted(shown_names(every)) == ["Already published", "Waiting"]
    published = moderator_client.get(CHANGELIST, {"status__exact": "approved"})
    assert shown_names(published) == ["Already published"]


def test_the_list_shows_flag_email_domain_and_duplicate_warning(
    moderator_client: Client, letter: Letter
) -> None:
    endorsement = pending(letter, "Amis de la Terre", country="SN")
    Organization.objects.filter(pk=endorsement.organization_id).update(
        possible_duplicate=True,
        duplicate_reasons=[{"code": "same-name", "params": {"other": "Amis"}}],
        website_domain="amis-terre.example.sn",
    )
    page = moderator_client.get(CHANGELIST).content.decode()
    assert "/static/flags/sn.gif" in page
    assert "Senegal" in page
    assert 'title="Same name and country as “Amis”.">duplicate?</span>' in page
    assert (
        f'title="Email domain {endorsement.organization.email_domain}, website '
        'amis-terre.example.sn.">email ≠ website</span>'
    ) in page


def test_the_continent_filter_keeps_only_that_continent(
    moderator_client: Client, letter: Letter
) -> None:
    pending(letter, "Dakar Forum", country="SN")
    pending(letter, "Nairobi Forum", country="KE")
    pending(letter, "Lyon Forum", country="FR")
    pending(letter, "Recife Forum", country="BR")
    response = moderator_client.get(CHANGELIST, {"continent": "africa"})
    assert sorted(shown_names(response)) == ["Dakar Forum", "Nairobi Forum"]


def test_the_country_filter_lists_only_countries_that_signed(
    moderator_client: Client, letter: Letter
) -> None:
    pending(letter, "Dakar Forum", country="SN")
    page = moderator_client.get(CHANGELIST).content.decode()
    assert '<option value="SN">Senegal</option>' in page
    assert '<option value="NO">' not in page
    response = moderator_client.get(CHANGELIST, {"country": "SN"})
    assert shown_names(response) == ["Dakar Forum"]


def test_search_finds_an_organisation_by_name_email_or_website(
    moderator_client: Client, letter: Letter
) -> None:
    endorsement = pending(letter, "Peace Brigades")
    pending(letter, "Someone Else")
    organization = endorsement.organization
    for term in ("brigades", organization.user.email, organization.website_domain):
        assert shown_names(moderator_client.get(CHANGELIST, {"q": term})) == ["Peace Brigades"]


def test_a_page_of_100_endorsements_costs_a_handful_of_queries(
    moderator_client: Client, letter: Letter, django_assert_max_num_queries
) -> None:
    codes = ["FR", "SN", "BR", "KE", "IN", "DE", "LB", "MX", "PH", "ZA"]
    for n in range(100):
        pending(letter, f"Organisation {n:03}", country=codes[n % len(codes)])
    # Session, user, groups' permissions, two counts, the rows, the letter and country filters.
    with django_assert_max_num_queries(9):
        response = moderator_client.get(CHANGELIST)
    assert len(shown_names(response)) == 100


# Decisions -------------------------------------------------------------------------------


def test_bulk_approval_publishes_mails_recounts_and_records_the_moderator(
    moderator_client: Client, moderator: User, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    chosen = [pending(letter, f"Signatory {n}") for n in range(3)]
    with on_commit():
        response = moderator_client.post(
            CHANGELIST,
            {"action": "approve", "_selected_action": [e.pk for e in chosen]},
            follow=True,
        )
    assert "3 endorsements approved." in response.content.decode()
    for endorsement in chosen:
        endorsement.refresh_from_db()
        assert endorsement.status == Status.APPROVED
        assert endorsement.decided_by == moderator
        event = endorsement.events.get(to_status=Status.APPROVED)
        assert (event.from_status, event.actor_label) == (Status.PENDING, moderator.email)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(e.organization.email for e in chosen)
    assert {m.subject for m in mailoutbox} == {f"Your endorsement of “{letter.title}” is published"}
    assert signatory_count(letter)["signatories"] == 3


def test_the_approve_action_is_offered_under_its_name_and_label(
    moderator_client: Client, letter: Letter
) -> None:
    pending(letter, "Anyone")
    page = moderator_client.get(CHANGELIST).content.decode()
    assert '<option value="approve">Approve selected endorsements</option>' in page


def test_bulk_rejection_asks_for_an_optional_reason_then_rejects_with_it(
    moderator_client: Client, moderator: User, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    chosen = [pending(letter, "Not an NGO Ltd"), pending(letter, "Spam & Co")]
    selection = {"action": "reject", "_selected_action": [e.pk for e in chosen]}

    page = moderator_client.post(CHANGELIST, selection)

    assert page.status_code == 200
    text = page.content.decode()
    assert "Reject these 2 endorsements?" in text
    assert "Spam &amp; Co" in text
    assert Endorsement.objects.filter(status=Status.PENDING).count() == 2

    reason = "Companies cannot sign: this letter is for civil-society organisations."
    with on_commit():
        response = moderator_client.post(
            CHANGELIST, {**selection, "reason": reason, "apply": "Reject"}, follow=True
        )
    assert "2 endorsements rejected." in response.content.decode()
    for endorsement in chosen:
        endorsement.refresh_from_db()
        assert endorsement.status == Status.REJECTED
        assert endorsement.rejection_reason == reason
        event = endorsement.events.get(to_status=Status.REJECTED)
        assert (event.actor, event.why()) == (moderator, reason)
    assert len(mailoutbox) == 2
    assert all(reason in m.body for m in mailoutbox)
    assert mailoutbox[0].subject == f"Your endorsement of “{letter.title}” was not accepted"


def test_bulk_rejection_without_a_reason_rejects_all_the_same(
    moderator_client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    endorsement = pending(letter, "Quiet Rejection")
    with on_commit():
        moderator_client.post(
            CHANGELIST,
            {"action": "reject", "_selected_action": [endorsement.pk], "reason": "", "apply": "1"},
        )
    endorsement.refresh_from_db()
    assert (endorsement.status, endorsement.rejection_reason) == (Status.REJECTED, "")


def test_bulk_approval_of_a_rejected_endorsement_says_where_to_reverse_it(
    moderator_client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    rejected = pending(letter, "Rejected Before")
    moderation.endorsement_reject(endorsement=rejected, moderator=make_moderator("b@x.org"))
    with on_commit():
        response = moderator_client.post(
            f"{CHANGELIST}?status__exact=all",
            {"action": "approve", "_selected_action": [rejected.pk]},
            follow=True,
        )
    text = response.content.decode()
    assert "1 endorsement cannot be approved in its present status" in text
    assert "open the endorsement and decide on its page" in text
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED


def test_bulk_approval_reports_what_someone_else_had_already_decided(
    moderator_client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    fresh = [pending(letter, "Fresh One"), pending(letter, "Fresh Two")]
    taken = pending(letter, "Taken Meanwhile")
    unverified = EndorsementFactory(letter=letter, status=Status.UNVERIFIED)
    with on_commit():
        moderation.endorsement_approve(endorsement=taken, moderator=make_moderator("b@x.org"))
        response = moderator_client.post(
            f"{CHANGELIST}?status__exact=all",
            {"action": "approve", "_selected_action": [e.pk for e in [*fresh, taken, unverified]]},
            follow=True,
        )
    text = response.content.decode()
    assert "2 endorsements approved." in text
    assert "1 endorsement was already decided by someone else and was left as it was." in text
    assert "1 endorsement cannot be approved in its present status" in text
    assert taken.events.filter(to_status=Status.APPROVED).count() == 1
    unverified.refresh_from_db()
    assert unverified.status == Status.UNVERIFIED


def test_an_endorsement_is_approved_from_its_own_page(
    moderator_client: Client, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    endorsement = pending(letter, "Single Approval")
    page = moderator_client.get(f"{CHANGELIST}{endorsement.pk}/change/").content.decode()
    assert f'formaction="{CHANGELIST}{endorsement.pk}/approve/"' in page
    assert f'formaction="{CHANGELIST}{endorsement.pk}/reject/"' in page
    with on_commit():
        response = moderator_client.post(f"{CHANGELIST}{endorsement.pk}/approve/")
    # Nothing else awaits review: back to the queue.
    assert response["Location"] == CHANGELIST
    endorsement.refresh_from_db()
    assert endorsement.status == Status.APPROVED
    assert mailoutbox[0].to == [endorsement.organization.email]
    assert moderator_client.get(f"{CHANGELIST}{endorsement.pk}/approve/").status_code == 405


def test_an_endorsement_is_rejected_from_its_own_page_with_a_reason(
    moderator_client: Client, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    endorsement = pending(letter, "Single Rejection")
    url = f"{CHANGELIST}{endorsement.pk}/reject/"
    assert "Reject this endorsement?" in moderator_client.post(url).content.decode()
    with on_commit():
        response = moderator_client.post(
            url, {"reason": "Duplicate of another entry.", "apply": "1"}
        )
    assert response["Location"] == CHANGELIST
    endorsement.refresh_from_db()
    assert (endorsement.status, endorsement.rejection_reason) == (
        Status.REJECTED,
        "Duplicate of another entry.",
    )
    assert "Duplicate of another entry." in mailoutbox[0].body


def test_the_audit_trail_is_shown_on_the_endorsement_and_cannot_be_edited(
    moderator_client: Client, moderator: User, letter: Letter, on_commit: OnCommit
) -> None:
    endorsement = pending(letter, "Audited Org")
    with on_commit():
        moderation.endorsement_reject(
            endorsement=endorsement, moderator=moderator, reason="Unclear"
        )
    url = f"{CHANGELIST}{endorsement.pk}/change/"

    page = moderator_client.get(url).content.decode()

    assert "Audit trail" in page
    assert moderator.email in page
    assert "Unclear" in page
    assert 'name="events-0-reason"' not in page
    assert 'name="_save"' not in page
    assert moderator_client.post(url, {"status": Status.APPROVED}).status_code == 403
    assert moderator_client.get("/admin/signatories/endorsementevent/").status_code == 404
    endorsement.refresh_from_db()
    assert endorsement.status == Status.REJECTED
    assert EndorsementEvent.objects.filter(endorsement=endorsement).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_moderators_approving_at_once_publish_it_once() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("row locks are tested on PostgreSQL (set DATABASE_URL)")
    endorsement = pending(LetterFactory(), "Contested")
    # Superusers: other transactional tests flush the database after themselves, and with it
    # the Moderators group that a data migration made; this test is about the race.
    moderators = [
        User.objects.create_superuser(email=email, password="a long password 42")
        for email in ("first@x.org", "second@x.org")
    ]
    barrier = threading.Barrier(2)
    pages: list[str] = []

    def approve(user: User) -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            response = client.post(
                CHANGELIST,
                {"action": "approve", "_selected_action": [endorsement.pk]},
                follow=True,
            )
            pages.append(response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in moderators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum("1 endorsement approved." in page for page in pages) == 1
    assert sum("already decided by someone else" in page for page in pages) == 1
    assert endorsement.events.filter(to_status=Status.APPROVED).count() == 1
    assert OutgoingMail.objects.filter(kind="endorsement-published").count() == 1


# The organisation, the outbox, the index -------------------------------------------------


def test_a_moderator_corrects_an_organisation_without_sending_it_back_to_review(
    moderator_client: Client, letter: Letter
) -> None:
    endorsement = EndorsementFactory(
        letter=letter, approved=True, organization__name="Amnesty Intl"
    )
    organization = endorsement.organization
    url = f"/admin/signatories/organization/{organization.pk}/change/"
    form = {
        "name": "Amnesty Internationale",
        "country": "FR",
        "city": "Paris",
        "website": organization.website,
        "kind": "ngo",
        "contact_name": "",
        "description": "",
        "endorsements-TOTAL_FORMS": "1",
        "endorsements-INITIAL_FORMS": "1",
        "endorsements-0-id": str(endorsement.pk),
        "endorsements-0-organization": str(organization.pk),
    }
    response = moderator_client.post(url, form)
    assert response.status_code == 302
    organization.refresh_from_db()
    endorsement.refresh_from_db()
    assert (organization.name, organization.normalized_name) == (
        "Amnesty Internationale",
        "amnesty internationale",
    )
    assert endorsement.status == Status.APPROVED


def test_failed_mail_is_resent_by_an_administrator(
    client: Client, on_commit: OnCommit, mailoutbox
) -> None:
    admin = User.objects.create_superuser(email="admin@coalition.example.org", password="x" * 20)
    client.force_login(admin)
    failed = OutgoingMail.objects.create(
        kind="endorsement-published",
        to="org@example.org",
        from_email="noreply@example.org",
        subject="Published",
        body_text="Hello",
        status=OutgoingMail.Status.FAILED,
        attempts=12,
        last_error="SMTPRecipientsRefused",
    )
    sent = OutgoingMail.objects.create(
        kind="endorsement-published", to="b@example.org", subject="x", body_text="x", status="sent"
    )
    with on_commit():
        response = client.post(
            "/admin/signatories/outgoingmail/",
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    text = response.content.decode()
    assert "1 mail queued again." in text
    assert "only failed mail can be resent" in text
    failed.refresh_from_db()
    assert failed.status == OutgoingMail.Status.SENT
    assert [m.to for m in mailoutbox] == [["org@example.org"]]


def test_moderators_read_the_outbox_without_sign_in_codes(
    moderator_client: Client,
) -> None:
    code = OutgoingMail.objects.create(
        kind="login_code", to="org@example.org", subject="Sign-in code", body_text="Code: 4Q7-ZX9"
    )
    notice = OutgoingMail.objects.create(
        kind="endorsement-rejected", to="org@example.org", subject="Rejected", body_text="Sorry."
    )
    listing = moderator_client.get("/admin/signatories/outgoingmail/").content.decode()
    assert "Sign-in code" in listing
    withheld = moderator_client.get(f"/admin/signatories/outgoingmail/{code.pk}/change/")
    assert "4Q7-ZX9" not in withheld.content.decode()
    assert "Withheld" in withheld.content.decode()
    readable = moderator_client.get(f"/admin/signatories/outgoingmail/{notice.pk}/change/")
    assert "Sorry." in readable.content.decode()


def test_the_admin_index_counts_each_open_letters_endorsements_by_status(
    moderator_client: Client,
) -> None:
    letter = LetterFactory(title="Ceasefire Now")
    LetterFactory(title="Old Closed Letter", status=Letter.Status.CLOSED)
    pending(letter, "One")
    pending(letter, "Two")
    EndorsementFactory(letter=letter, approved=True)
    page = moderator_client.get("/admin/").content.decode()
    table = page[page.index('id="moderation-counts"') :]
    table = table[: table.index("</table>")]
    assert "Ceasefire Now" in table
    assert "Old Closed Letter" not in table
    assert f'?letter__id__exact={letter.pk}&amp;status__exact=pending">2</a>' in table
    assert f'?letter__id__exact={letter.pk}&amp;status__exact=approved">1</a>' in table


# The digest ------------------------------------------------------------------------------


def test_moderators_get_a_digest_of_what_awaits_review(
    moderator: User, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    pending(letter, "A")
    pending(letter, "B")
    UserFactory(email="organisation@example.org")
    with on_commit():
        assert tasks.moderation_digest_send() == 1
    assert [m.to for m in mailoutbox] == [[moderator.email]]
    assert mailoutbox[0].subject == "2 endorsements await review on Coalition"
    assert f"{letter.title}: 2" in mailoutbox[0].body
    assert "http://testserver/admin/signatories/endorsement/" in mailoutbox[0].body


def test_no_digest_when_nothing_awaits_review(
    moderator: User, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    EndorsementFactory(letter=letter, approved=True)
    with on_commit():
        assert tasks.moderation_digest_send() == 0
    assert mailoutbox == []


def test_a_second_run_in_the_same_interval_sends_no_second_digest(
    moderator: User, letter: Letter, on_commit: OnCommit, mailoutbox
) -> None:
    pending(letter, "A")
    with on_commit():
        tasks.moderation_digest_send()
        tasks.moderation_digest_send()
    assert len(mailoutbox) == 1


def test_the_digest_runs_on_the_configured_interval(settings: object) -> None:
    from django.conf import settings as django_settings

    schedule = django_settings.CELERY_BEAT_SCHEDULE["moderation-digest"]
    assert schedule["task"] == "signatories.tasks.moderation_digest_send"
    assert schedule["schedule"] == django_settings.MODERATION_DIGEST_SECONDS


def test_an_administrator_makes_an_account_a_moderator(client: Client) -> None:
    admin = User.objects.create_superuser(email="admin@coalition.example.org", password="x" * 20)
    client.force_login(admin)
    response = client.post(
        "/admin/signatories/user/add/",
        {
            "email": "new.moderator@coalition.example.org",
            "usable_password": "true",
            "password1": "a long and unusual passphrase 7",
            "password2": "a long and unusual passphrase 7",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.moderator@coalition.example.org")
    page = client.get(f"/admin/signatories/user/{user.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "email": user.email,
            "is_active": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name="Moderators").pk],
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    assert client.post(f"/admin/signatories/user/{user.pk}/change/", data).status_code == 302
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perm("signatories.change_endorsement")
    assert not user.has_perm("letters.change_letter")


def test_endorsements_held_by_the_abuse_checks_can_be_listed_and_say_why(
    moderator_client: Client, letter: Letter
) -> None:
    held = pending(letter, "Held Org")
    Endorsement.objects.filter(pk=held.pk).update(
        held_reasons=[{"code": "sent-too-fast", "params": {}}]
    )
    pending(letter, "Ordinary Org")
    assert shown_names(moderator_client.get(CHANGELIST, {"held": "yes"})) == ["Held Org"]
    page = moderator_client.get(f"{CHANGELIST}{held.pk}/change/").content.decode()
    assert "The form was sent faster than a person can fill it in." in page


def test_a_decision_from_a_page_opened_before_another_moderators_decision_changes_nothing(
    moderator_client: Client, letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    endorsement = pending(letter, "Decided Meanwhile")
    url = f"{CHANGELIST}{endorsement.pk}/"
    page = moderator_client.get(f"{url}change/").content.decode()
    assert 'name="seen_status" value="pending"' in page
    with on_commit():
        moderation.endorsement_approve(endorsement=endorsement, moderator=make_moderator("b@x.org"))
    pending(letter, "Next In Queue")
    with on_commit():
        response = moderator_client.post(
            f"{url}reject/",
            {"apply": "1", "reason": "Too late", "seen_status": "pending"},
            follow=True,
        )
    endorsement.refresh_from_db()
    assert endorsement.status == Status.APPROVED
    assert [m.subject for m in mailoutbox] == [f"Your endorsement of “{letter.title}” is published"]
    # The moderator is told a colleague decided first, and stays on it to see what they did.
    text = response.content.decode()
    assert "1 endorsement was already decided by someone else and was left as it was." in text
    assert "cannot be rejected in its present status" not in text
    assert response.redirect_chain[-1][0].startswith(f"{url}change/")


def test_a_decision_from_the_page_can_reverse_what_the_moderator_saw(
    moderator_client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    endorsement = pending(letter, "Reconsidered")
    moderation.endorsement_approve(endorsement=endorsement, moderator=make_moderator("b@x.org"))
    with on_commit():
        moderator_client.post(
            f"{CHANGELIST}{endorsement.pk}/reject/",
            {"apply": "1", "reason": "On reflection", "seen_status": "approved"},
        )
    endorsement.refresh_from_db()
    assert (endorsement.status, endorsement.rejection_reason) == (Status.REJECTED, "On reflection")


def test_bulk_reject_reviews_auto_published_endorsements_but_not_a_persons_decision(
    moderator_client: Client, on_commit: OnCommit
) -> None:
    letter = LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)
    auto = EndorsementFactory(letter=letter, approved=True, organization__name="Auto")
    by_person = EndorsementFactory(letter=letter, approved=True, organization__name="Person")
    Endorsement.objects.filter(pk=by_person.pk).update(decided_by=make_moderator("c@x.org"))
    with on_commit():
        moderator_client.post(
            f"{CHANGELIST}?status__exact=approved",
            {
                "action": "reject",
                "_selected_action": [auto.pk, by_person.pk],
                "apply": "1",
                "reason": "Spam wave",
            },
        )
    auto.refresh_from_db()
    by_person.refresh_from_db()
    assert auto.status == Status.REJECTED
    assert by_person.status == Status.APPROVED


def test_a_moderator_resends_failed_mail(
    moderator_client: Client, on_commit: OnCommit, mailoutbox: list
) -> None:
    failed = OutgoingMail.objects.create(
        kind="endorsement-published",
        to="org@example.org",
        from_email="noreply@example.org",
        subject="Published",
        body_text="Hello",
        status=OutgoingMail.Status.FAILED,
        attempts=12,
    )
    with on_commit():
        moderator_client.post(
            "/admin/signatories/outgoingmail/",
            {"action": "resend", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert failed.status == OutgoingMail.Status.SENT
    assert [m.to for m in mailoutbox] == [["org@example.org"]]
    edit = moderator_client.post(
        f"/admin/signatories/outgoingmail/{failed.pk}/change/", {"subject": "Changed"}
    )
    assert edit.status_code == 403
    failed.refresh_from_db()
    assert failed.subject == "Published"


def test_select_all_acts_only_on_the_filtered_work_queue(
    moderator_client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    waiting = pending(letter, "Waiting")
    published = EndorsementFactory(letter=letter, approved=True, organization__name="Published")
    with on_commit():
        moderator_client.post(
            CHANGELIST,
            {
                "action": "reject",
                "select_across": "1",
                "_selected_action": [waiting.pk],
                "apply": "1",
                "reason": "",
            },
        )
    waiting.refresh_from_db()
    published.refresh_from_db()
    assert waiting.status == Status.REJECTED
    assert published.status == Status.APPROVED
