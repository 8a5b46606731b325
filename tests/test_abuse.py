"""Abuse: rate limits that let a shared office sign, hold bots for review without telling them,
and never reveal who has an account."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.test import Client

from letters.models import Letter
from signatories.models import Endorsement, Organization, OutgoingMail

from .factories import LetterFactory, OrganizationFactory
from .helpers import confirmation_link, form_shown_seconds_ago, sign_form

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]
OFFICE_IP = "203.0.113.7"


def sign_from(ip: str, letter: Letter, n: int, **overrides: str) -> Client:
    client = Client(REMOTE_ADDR=ip)
    form = sign_form(
        name=f"Organisation number {n}",
        email=f"contact@org{n}.example.org",
        website=f"https://org{n}.example.org",
        **overrides,
    )
    response = client.post(f"/letters/{letter.slug}/sign/", form)
    assert response.status_code == 302
    assert response["Location"] == f"/letters/{letter.slug}/sign/done/"
    return client


def test_a_dozen_organisations_from_one_office_sign_within_an_hour_unhindered() -> None:
    letter = LetterFactory()
    for n in range(12):
        sign_from(OFFICE_IP, letter, n)
    assert Endorsement.objects.count() == 12
    assert not Endorsement.objects.exclude(held_reasons=[]).exists()
    assert OutgoingMail.objects.filter(kind="email_confirmation_signup").count() == 12


def test_over_the_network_limit_signatures_are_held_for_review_with_the_same_answer(
    settings, on_commit: OnCommit, mailoutbox: list
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "sign": "3/10m/ip"}
    letter = LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)
    with on_commit():
        for n in range(5):
            sign_from(OFFICE_IP, letter, n)
    assert Endorsement.objects.count() == 5  # nothing dropped
    held = Endorsement.objects.exclude(held_reasons=[])
    assert held.count() == 2
    assert held.first().held_for() == [
        "More signatures from this network than the sign form allows."
    ]
    # A held signature still gets its confirmation mail, but waits for a person afterwards.
    last = held.order_by("signed_at").last()
    message = next(m for m in mailoutbox if m.to == [last.organization.user.email])
    with on_commit():
        Client().post(confirmation_link(message))
    last.refresh_from_db()
    assert last.status == Endorsement.Status.PENDING


def test_another_network_is_not_slowed_down_by_a_busy_one(settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "sign": "2/10m/ip"}
    letter = LetterFactory()
    for n in range(3):
        sign_from(OFFICE_IP, letter, n)
    sign_from("198.51.100.20", letter, 99)
    assert Endorsement.objects.get(organization__name="Organisation number 99").held_reasons == []


def test_over_the_email_domain_limit_signatures_are_held(settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "sign_domain": "2/10m/key"}
    letter = LetterFactory()
    for n in range(3):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            f"/letters/{letter.slug}/sign/",
            sign_form(name=f"Org {n}", email=f"person{n}@same-domain.example"),
        )
    held = Endorsement.objects.exclude(held_reasons=[])
    assert [e.held_for() for e in held] == [
        ["More signatures from this email domain than the sign form allows."]
    ]


def test_x_forwarded_for_is_ignored_unless_proxies_are_trusted(settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "sign": "2/10m/ip"}
    letter = LetterFactory()
    for n in range(3):
        Client(REMOTE_ADDR=OFFICE_IP, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").post(
            f"/letters/{letter.slug}/sign/", sign_form(name=f"Org {n}", email=f"a{n}@b{n}.org")
        )
    assert Endorsement.objects.exclude(held_reasons=[]).count() == 1


def test_a_filled_honeypot_is_held_for_review_and_answered_like_anyone_else(
    client: Client, letter: Letter
) -> None:
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form(leave_empty="http://spam"))
    assert response.status_code == 302
    assert Endorsement.objects.get().held_for() == [
        "A field hidden from people, which only bots fill in, was filled in."
    ]


def test_a_form_sent_faster_than_a_person_can_fill_it_is_held(
    client: Client, letter: Letter
) -> None:
    response = client.post(
        f"/letters/{letter.slug}/sign/", sign_form(started=form_shown_seconds_ago(0))
    )
    assert response.status_code == 302
    assert "faster than a person" in " ".join(Endorsement.objects.get().held_for())


def test_a_forged_form_timestamp_is_held(client: Client, letter: Letter) -> None:
    client.post(f"/letters/{letter.slug}/sign/", sign_form(started="1700000000:forged"))
    assert "forged" in " ".join(Endorsement.objects.get().held_for())


def test_the_sign_form_hides_the_honeypot_from_people(client: Client, letter: Letter) -> None:
    page = client.get(f"/letters/{letter.slug}/sign/").content.decode()
    assert 'class="visually-hidden" aria-hidden="true"' in page
    assert 'name="leave_empty"' in page and 'tabindex="-1"' in page
    assert 'name="started"' in page


def test_new_and_registered_addresses_get_the_same_status_and_the_same_page(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = LetterFactory()
    registered = OrganizationFactory(user__email="known@ngo.example.org")

    def answer(email: str) -> tuple[int, str]:
        client = Client()
        with on_commit():
            response = client.post(f"/letters/{letter.slug}/sign/", sign_form(email=email))
        page = client.get(response["Location"]).content.decode()
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        return response.status_code, page.replace(email, "ADDRESS")

    assert answer("new@ngo.example.org") == answer("known@ngo.example.org")
    mail_to_owner = [m for m in mailoutbox if m.to == ["known@ngo.example.org"]]
    assert len(mail_to_owner) == 1
    assert "already has an account" in mail_to_owner[0].subject
    assert not Endorsement.objects.filter(organization=registered).exists()


def test_the_owner_of_a_registered_address_gets_a_capped_number_of_mails(
    settings, on_commit: OnCommit, mailoutbox: list
) -> None:
    settings.SIGN_MAIL_LIMIT = 2
    letter = LetterFactory()
    OrganizationFactory(user__email="known@ngo.example.org")
    for _ in range(5):
        with on_commit():
            Client().post(f"/letters/{letter.slug}/sign/", sign_form(email="known@ngo.example.org"))
    assert len(mailoutbox) == 2


TOO_MANY = "Too many failed login attempts"


def test_failed_logins_are_limited_per_account_even_across_networks(settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/key"}
    OrganizationFactory(user__email="known@ngo.example.org", user__password="right-horse-42")
    pages = [
        Client(REMOTE_ADDR=f"198.51.100.{n}")
        .post("/accounts/login/", {"login": "known@ngo.example.org", "password": "wrong"})
        .content.decode()
        for n in range(4)
    ]
    assert [TOO_MANY in page for page in pages] == [False, False, False, True]
    late = Client().post(
        "/accounts/login/", {"login": "known@ngo.example.org", "password": "right-horse-42"}
    )
    assert TOO_MANY in late.content.decode()  # even the right password waits now


def test_the_admin_login_goes_through_the_rate_limited_login(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_code_requests_are_rate_limited_per_address(settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "request_login_code": "2/m/key",
    }
    OrganizationFactory(user__email="known@ngo.example.org")
    responses = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            "/accounts/login/code/", {"email": "known@ngo.example.org"}
        )
        for n in range(3)
    ]
    assert [r.status_code for r in responses] == [302, 302, 200]
    assert TOO_MANY in responses[2].content.decode()
    assert Organization.objects.count() == 1


def test_a_superuser_from_createsuperuser_signs_into_the_admin_with_the_password(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    from signatories.models import User

    User.objects.create_superuser(email="root@coalition.example.org", password="a-long-pass-42")
    staff = Client()
    credentials = {"login": "root@coalition.example.org", "password": "a-long-pass-42"}
    with on_commit():
        response = staff.post("/accounts/login/?next=/admin/", credentials)
    assert response["Location"] == "/admin/"
    assert "Coalition: letters and signatures" in staff.get("/admin/").content.decode()
    assert mailoutbox == []


@pytest.mark.parametrize("path", ["/accounts/password/reset/", "/accounts/login/code/"])
def test_asking_for_an_address_with_no_account_mails_nobody_and_says_the_same(
    client: Client, on_commit: OnCommit, mailoutbox: list, path: str
) -> None:
    OrganizationFactory(user__email="known@ngo.example.org")
    with on_commit():
        unknown = client.post(path, {"email": "stranger@elsewhere.example.org"})
        known = Client().post(path, {"email": "known@ngo.example.org"})
    assert unknown.status_code == known.status_code == 302
    assert [mail.to for mail in mailoutbox] == [["known@ngo.example.org"]]


def test_a_moderator_set_up_as_the_guide_says_signs_into_the_admin_at_once(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    from django.contrib.auth.models import Group

    from signatories.models import User

    User.objects.create_superuser(email="root@coalition.example.org", password="a-long-pass-42")
    admin = Client()
    admin.force_login(User.objects.get(email="root@coalition.example.org"))
    created = admin.post(
        "/admin/signatories/user/add/",
        {
            "email": "mod@coalition.example.org",
            "usable_password": "true",
            "password1": "another-long-pass-7",
            "password2": "another-long-pass-7",
        },
    )
    assert created.status_code == 302
    moderator = User.objects.get(email="mod@coalition.example.org")
    changed = admin.post(
        f"/admin/signatories/user/{moderator.pk}/change/",
        {
            "email": "mod@coalition.example.org",
            "is_active": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name="Moderators").pk],
            "date_joined_0": "2026-12-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:2000]
    person = Client()
    credentials = {"login": "mod@coalition.example.org", "password": "another-long-pass-7"}
    with on_commit():
        response = person.post("/accounts/login/?next=/admin/", credentials)
    assert response["Location"] == "/admin/"
    assert person.get("/admin/").status_code == 200
    assert mailoutbox == []
