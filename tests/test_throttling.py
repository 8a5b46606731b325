"""Throttling that throttles: Coalition never relays mail for a bot. Signatures past a cap are
saved and held; their mail waits for a moderator's "release and send"."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import caches
from django.test import Client, RequestFactory
from django.utils import timezone

from coalition.cache import ResilientRedisCache
from letters.models import Letter
from signatories import tasks, throttle
from signatories.models import Endorsement, OutgoingMail
from signatories.reasons import MAIL_CAP_REACHED

from .factories import LetterFactory, OrganizationFactory
from .helpers import confirmation_link, form_shown_seconds_ago, make_moderator, sign_form

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]
BOT_IP = "192.0.2.50"
SEND_AGAIN = "For your security, a form can be sent only once"


def held_by_cap(endorsement: Endorsement) -> bool:
    return MAIL_CAP_REACHED in {reason["code"] for reason in endorsement.held_reasons}


def sign_as_stranger(letter: Letter, n: int) -> None:
    # The bot forges X-Forwarded-For each time; only the real peer address counts.
    client = Client(REMOTE_ADDR=BOT_IP, HTTP_X_FORWARDED_FOR=f"10.0.{n // 250}.{n % 250}")
    form = sign_form(
        name=f"Stranger {n}", email=f"victim{n}@elsewhere.example", website="", contact_name="X"
    )
    response = client.post(f"/letters/{letter.slug}/sign/", form)
    assert response.status_code == 302


def test_forty_sign_ups_from_one_network_are_all_saved_but_mail_stops_at_the_cap(
    settings, on_commit: OnCommit, mailoutbox: list
) -> None:
    assert settings.SIGN_MAIL_PER_NETWORK == 30  # the documented default
    letter = LetterFactory()
    with on_commit():
        for n in range(40):
            sign_as_stranger(letter, n)
    assert Endorsement.objects.count() == 40
    assert len(mailoutbox) == 30
    unmailed = Endorsement.objects.exclude(
        organization__user__email__in=[m.to[0] for m in mailoutbox]
    )
    assert unmailed.count() == 10
    assert all(held_by_cap(e) for e in unmailed)
    assert all(e.status == Endorsement.Status.UNVERIFIED for e in unmailed)


def test_a_moderator_releases_and_sends_a_held_confirmation_mail(
    settings, on_commit: OnCommit, mailoutbox: list
) -> None:
    settings.SIGN_MAIL_PER_NETWORK = 1
    letter = LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)
    with on_commit():
        sign_as_stranger(letter, 1)
        sign_as_stranger(letter, 2)
    assert [m.to for m in mailoutbox] == [["victim1@elsewhere.example"]]
    held = Endorsement.objects.get(organization__user__email="victim2@elsewhere.example")

    moderator = Client()
    moderator.force_login(make_moderator())
    with on_commit():
        response = moderator.post(
            "/admin/signatories/endorsement/",
            {"action": "release_and_send", "_selected_action": [held.pk], "status__exact": "all"},
            follow=True,
        )
    assert "1 confirmation mail released and sent" in response.content.decode()
    assert mailoutbox[-1].to == ["victim2@elsewhere.example"]
    with on_commit():
        Client().post(confirmation_link(mailoutbox[-1]))
    held.refresh_from_db()
    assert held.status == Endorsement.Status.PENDING  # held: a person looks before publishing


def test_a_double_click_saves_one_signature_and_sends_one_mail(
    client: Client, letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    form = sign_form()
    with on_commit():
        first = client.post(f"/letters/{letter.slug}/sign/", form)
        second = client.post(f"/letters/{letter.slug}/sign/", form)
    assert (first.status_code, second.status_code) == (302, 302)
    assert Endorsement.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_form_token_replayed_for_another_address_saves_nothing_and_mails_nobody(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    token = form_shown_seconds_ago(60)
    with on_commit():
        Client().post(f"/letters/{letter.slug}/sign/", sign_form(started=token))
        replay = Client().post(
            f"/letters/{letter.slug}/sign/",
            sign_form(started=token, email="someone@else.example", name="Replayed"),
        )
    assert replay.status_code == 400
    page = replay.content.decode()
    assert SEND_AGAIN in page
    assert 'value="Replayed"' in page  # what the person typed is still there
    assert Endorsement.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["rania@friends-allies.example.org"]]


def test_a_form_older_than_its_lifetime_is_sent_again_not_lost(
    client: Client, letter: Letter, settings, mailoutbox: list
) -> None:
    settings.SIGN_FORM_MAX_AGE_SECONDS = 3600
    response = client.post(
        f"/letters/{letter.slug}/sign/", sign_form(started=form_shown_seconds_ago(3601))
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert SEND_AGAIN in page
    assert 'value="Friends &amp; Allies of Aleppo"' in page
    assert not Endorsement.objects.exists()
    assert mailoutbox == []


def test_a_forged_form_token_is_held_and_mails_nobody(
    client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    with on_commit():
        response = client.post(f"/letters/{letter.slug}/sign/", sign_form(started="1:forged"))
    assert response.status_code == 302  # the same answer as anyone
    assert "forged" in " ".join(Endorsement.objects.get().held_for())
    assert not OutgoingMail.objects.exists()


# The attack: 36 sign-ups from one network fill its cap of 30 and leave 6 held; then
# each held address is asked a password reset and a sign-in code.
SIGN_IN_FORMS = ["/accounts/password/reset/", "/accounts/login/code/"]
OTHER_IP = "198.51.100.77"
NETWORK_CAP_REACHED = "Too many automatic emails have been sent from your network"


def sign_up_thirty_six_from_one_network(on_commit: OnCommit, mailoutbox: list) -> list[str]:
    """The held addresses."""
    letter = LetterFactory()
    with on_commit():
        for n in range(36):
            sign_as_stranger(letter, n)
    assert len(mailoutbox) == 30
    held = [e for e in Endorsement.objects.select_related("organization__user") if held_by_cap(e)]
    assert len(held) == 6
    return [endorsement.organization.user.email for endorsement in held]


def test_held_sign_ups_get_no_reset_or_code_mail_and_the_answer_of_an_unknown_address(
    settings, on_commit: OnCommit, mailoutbox: list
) -> None:
    assert settings.SIGN_MAIL_PER_NETWORK == 30
    held = sign_up_thirty_six_from_one_network(on_commit, mailoutbox)
    mailoutbox.clear()
    for path in SIGN_IN_FORMS:
        # From a network of their own, so that only the address decides.
        unknown = Client(REMOTE_ADDR=OTHER_IP).post(path, {"email": "nobody@nowhere.example"})
        for email in held:
            with on_commit():
                response = Client(REMOTE_ADDR=OTHER_IP).post(path, {"email": email})
            assert (response.status_code, response["Location"]) == (
                unknown.status_code,
                unknown["Location"],
            )
    assert mailoutbox == []
    assert (
        not OutgoingMail.objects.filter(to__in=held)
        .exclude(kind="email_confirmation_signup")
        .exists()
    )


def test_an_unconfirmed_sign_up_that_was_mailed_gets_no_reset_or_code_mail_either(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = LetterFactory()
    with on_commit():
        sign_as_stranger(letter, 1)
    mailoutbox.clear()
    for path in SIGN_IN_FORMS:
        with on_commit():
            response = Client(REMOTE_ADDR=OTHER_IP).post(
                path, {"email": "victim1@elsewhere.example"}
            )
        assert response.status_code == 302
    assert mailoutbox == []


@pytest.mark.parametrize("path", SIGN_IN_FORMS)
def test_a_network_past_its_cap_gets_no_reset_or_code_mail_and_is_told_why(
    settings, on_commit: OnCommit, mailoutbox: list, path: str
) -> None:
    sign_up_thirty_six_from_one_network(on_commit, mailoutbox)
    OrganizationFactory(user__email="staff@coalition.example.org")
    mailoutbox.clear()
    with on_commit():
        refused = Client(REMOTE_ADDR=BOT_IP).post(path, {"email": "staff@coalition.example.org"})
        unknown = Client(REMOTE_ADDR=BOT_IP).post(path, {"email": "nobody@nowhere.example"})
    assert mailoutbox == []
    # The same refusal for a known and an unknown address: it tells nothing about accounts.
    for response in (refused, unknown):
        assert response.status_code == 200
        assert NETWORK_CAP_REACHED in response.content.decode()
    # From another network the verified address signs in as usual.
    with on_commit():
        elsewhere = Client(REMOTE_ADDR=OTHER_IP).post(
            path, {"email": "staff@coalition.example.org"}
        )
    assert elsewhere.status_code == 302
    assert [m.to for m in mailoutbox] == [["staff@coalition.example.org"]]


def test_reset_and_code_mail_count_towards_the_network_cap_of_the_sign_form(
    settings, on_commit: OnCommit, mailoutbox: list
) -> None:
    assert settings.SIGN_MAIL_PER_NETWORK == 30
    for n in range(30):
        OrganizationFactory(user__email=f"member{n}@coalition.example.org")
    with on_commit():
        for n in range(30):
            # 15 of each: within allauth's own 20 a minute per network for either form.
            path = SIGN_IN_FORMS[n % 2]
            response = Client(REMOTE_ADDR=BOT_IP).post(
                path, {"email": f"member{n}@coalition.example.org"}
            )
            assert response.status_code == 302
    assert len(mailoutbox) == 30
    with on_commit():
        sign_as_stranger(LetterFactory(), 99)
    assert len(mailoutbox) == 30
    assert held_by_cap(Endorsement.objects.get())


def test_a_reminder_counts_towards_its_networks_cap_and_waits_while_the_cap_is_used(
    on_commit: OnCommit, mailoutbox: list
) -> None:
    letter = LetterFactory()
    with on_commit():
        for n in range(30):
            sign_as_stranger(letter, n)
    first = Endorsement.objects.get(organization__user__email="victim0@elsewhere.example")
    Endorsement.objects.filter(pk=first.pk).update(signed_at=timezone.now() - timedelta(hours=25))
    mailoutbox.clear()
    with on_commit():
        assert tasks.confirmation_reminders_send.delay().get() == 0
    assert mailoutbox == []
    # An hour later the network's mail is out of the window: the reminder goes, and counts.
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(hours=2))
    with on_commit():
        assert tasks.confirmation_reminders_send.delay().get() == 1
    assert [m.to for m in mailoutbox] == [["victim0@elsewhere.example"]]
    reminder = OutgoingMail.objects.get(kind="confirmation-reminder")
    assert reminder.network == first.ip_hash != ""


def test_one_address_gets_at_most_ten_reset_mails_an_hour_then_a_clear_refusal(
    on_commit: OnCommit, mailoutbox: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    OrganizationFactory(user__email="member@coalition.example.org")
    clock = SimpleNamespace(now=time.time())
    monkeypatch.setattr(
        allauth_ratelimit,
        "time",
        SimpleNamespace(time=lambda: clock.now, monotonic=time.monotonic, sleep=time.sleep),
    )
    pages = []
    for n in range(11):
        clock.now += 120  # two minutes apart: never over the five a minute
        with on_commit():
            pages.append(
                Client(REMOTE_ADDR=f"198.51.100.{n}").post(
                    "/accounts/password/reset/", {"email": "member@coalition.example.org"}
                )
            )
    assert [page.status_code for page in pages] == [302] * 10 + [429]
    assert "Too many" in pages[-1].content.decode()
    assert len(mailoutbox) == 10


# (network, email domain) of each sign POST, and what the limits refuse for it: the network's
# third request still counts while its domain is refused, and a refused network spends
# nothing of its own window but the new domain's share.
SIGN_POSTS = [
    (("192.0.2.1", "alpha.example"), set()),
    (("192.0.2.1", "alpha.example"), set()),
    (("192.0.2.1", "alpha.example"), {"sign_domain"}),
    (("192.0.2.1", "beta.example"), {"sign"}),
    (("192.0.2.2", "beta.example"), set()),
    (("192.0.2.2", "beta.example"), {"sign_domain"}),
    (("192.0.2.2", "gamma.example"), set()),
    (("192.0.2.2", "gamma.example"), {"sign"}),
]


@pytest.mark.parametrize("implementation", ["redis-script", "allauth"])
def test_the_redis_script_and_allauth_refuse_the_same_sign_posts(
    settings, implementation: str
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "sign": "3/m/ip,5/h/ip",
        "sign_domain": "2/m/key",
    }
    if implementation == "allauth":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert isinstance(caches["default"], ResilientRedisCache) == (implementation != "allauth")
    refused = []
    for (network, domain), _expected in SIGN_POSTS:
        request = RequestFactory().post("/letters/x/sign/", REMOTE_ADDR=network)
        refused.append(throttle.consume(request, [("sign", None), ("sign_domain", domain)]))
    assert refused == [expected for _post, expected in SIGN_POSTS]
