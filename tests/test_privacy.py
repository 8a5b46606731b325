"""Private data stays private: purged when never confirmed, erased on request, never logged."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from letters.models import Letter
from signatories.models import Endorsement, EndorsementEvent, Organization, OutgoingMail, User
from signatories.services import privacy

from .factories import EndorsementFactory, LetterFactory
from .helpers import confirmation_link, sign_form

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]


def sign_up(letter: Letter, on_commit: OnCommit, **overrides: str) -> Endorsement:
    with on_commit():
        Client().post(f"/letters/{letter.slug}/sign/", sign_form(**overrides))
    return Endorsement.objects.get(
        organization__user__email=overrides.get("email", "rania@friends-allies.example.org")
    )


def test_unconfirmed_signups_are_purged_after_the_retention_period(
    letter: Letter, on_commit: OnCommit, settings
) -> None:
    settings.UNVERIFIED_RETENTION_DAYS = 14
    old = sign_up(letter, on_commit, email="old@example.org", name="Old Unconfirmed")
    recent = sign_up(letter, on_commit, email="recent@example.org", name="Recent Unconfirmed")
    confirmed = EndorsementFactory(organization__name="Confirmed Long Ago")
    long_ago = timezone.now() - timedelta(days=15)
    User.objects.filter(pk__in=[old.organization.user_id, confirmed.organization.user_id]).update(
        date_joined=long_ago
    )
    OutgoingMail.objects.filter(to="old@example.org").update(created_at=long_ago)

    assert privacy.unverified_signups_purge() == 1

    assert not User.objects.filter(email="old@example.org").exists()
    assert not Organization.objects.filter(name="Old Unconfirmed").exists()
    assert not OutgoingMail.objects.filter(to="old@example.org").exists()
    assert Endorsement.objects.filter(pk=recent.pk).exists()
    assert Endorsement.objects.filter(pk=confirmed.pk).exists()


def test_a_signup_whose_link_was_sent_again_recently_is_not_purged(
    letter: Letter, on_commit: OnCommit, settings
) -> None:
    settings.UNVERIFIED_RETENTION_DAYS = 14
    endorsement = sign_up(letter, on_commit, email="again@example.org")
    User.objects.filter(pk=endorsement.organization.user_id).update(
        date_joined=timezone.now() - timedelta(days=15)
    )
    assert privacy.unverified_signups_purge() == 0
    assert Endorsement.objects.filter(pk=endorsement.pk).exists()


def test_an_unconfirmed_account_with_a_moderated_record_is_not_purged(settings) -> None:
    imported = EndorsementFactory(approved=True, imported=True, organization__user__verified=False)
    User.objects.filter(pk=imported.organization.user_id).update(
        date_joined=timezone.now() - timedelta(days=400)
    )
    assert privacy.unverified_signups_purge() == 0
    assert Endorsement.objects.filter(pk=imported.pk).exists()


def test_erasing_keeps_the_public_record_of_a_listed_approved_endorsement(client: Client) -> None:
    endorsement = EndorsementFactory(
        approved=True,
        comment="We sign with conviction.",
        ip_hash="abc123",
        organization__name="Peace Builders",
        organization__contact_name="Amina Diallo",
        organization__user__email="amina@peacebuilders.example.org",
    )
    EndorsementEvent.objects.create(
        endorsement=endorsement,
        to_status="unverified",
        actor_label="amina@peacebuilders.example.org",
    )
    OutgoingMail.objects.create(
        kind="x", to="amina@peacebuilders.example.org", from_email="a@b.c", subject="Hello Amina",
        body_text="Dear Amina Diallo",
    )  # fmt: skip

    call_command("erase_organisation", "AMINA@peacebuilders.example.org", "--yes", verbosity=0)

    organization = Organization.objects.get(pk=endorsement.organization_id)
    assert organization.name == "Peace Builders"
    assert organization.contact_name == ""
    user = organization.user
    assert "amina" not in user.email and not user.is_active and not user.has_usable_password()
    assert not EmailAddress.objects.filter(email__icontains="amina").exists()
    endorsement.refresh_from_db()
    assert (endorsement.comment, endorsement.ip_hash) == ("", "")
    assert not EndorsementEvent.objects.filter(actor_label__icontains="amina").exists()
    mail = OutgoingMail.objects.get()
    assert "amina" not in (mail.to + mail.subject + mail.body_text).lower()
    page = client.get(f"/letters/{endorsement.letter.slug}/signatories/").content.decode()
    assert "Peace Builders" in page


def test_erasing_an_organisation_without_a_public_record_erases_its_name_too() -> None:
    endorsement = EndorsementFactory(organization__name="Quiet Friends", listed_publicly=False)
    privacy.organization_erase(organization=endorsement.organization)
    organization = Organization.objects.get(pk=endorsement.organization_id)
    assert organization.name == "Erased organisation"
    assert organization.website == ""


def test_erase_command_names_an_unknown_address() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No organisation"):
        call_command("erase_organisation", "nobody@example.org", "--yes")


def test_signing_logs_no_email_address_or_contact_name(
    letter: Letter, on_commit: OnCommit, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    letter = LetterFactory(moderation=Letter.Moderation.PUBLISH_ON_VERIFICATION)
    sign_up(letter, on_commit)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "rania@friends-allies.example.org" not in logged
    assert "Rania Haddad" not in logged


def test_ip_addresses_are_stored_only_as_salted_hashes(letter: Letter, on_commit: OnCommit) -> None:
    with on_commit():
        Client(REMOTE_ADDR="203.0.113.99").post(f"/letters/{letter.slug}/sign/", sign_form())
    endorsement = Endorsement.objects.get()
    assert endorsement.ip_hash
    assert "203.0.113.99" not in endorsement.ip_hash
    stored = " ".join(str(v) for v in Endorsement.objects.values().get().values())
    assert "203.0.113.99" not in stored


def sign_from_one_network(letter: Letter, on_commit: OnCommit, names: list[str]) -> None:
    """Organisations signing one after the other from one office's connection."""
    for n, name in enumerate(names):
        with on_commit():
            Client(REMOTE_ADDR="203.0.113.5").post(
                f"/letters/{letter.slug}/sign/",
                sign_form(
                    name=name, email=f"x@n{n}.example.org", website=f"https://n{n}.example.org"
                ),
            )


def test_signing_from_a_shared_network_is_a_hint_for_moderators(
    letter: Letter, on_commit: OnCommit
) -> None:
    sign_from_one_network(letter, on_commit, ["Neighbour 0", "Neighbour 1"])
    second = Organization.objects.get(name="Neighbour 1")
    assert second.possible_duplicate
    assert any("same network" in reason for reason in second.duplicate_hints())
    assert not Organization.objects.get(name="Neighbour 0").possible_duplicate


def test_the_shared_network_hint_survives_confirming_and_correcting_the_details(
    letter: Letter, on_commit: OnCommit, mailoutbox: list
) -> None:
    sign_from_one_network(letter, on_commit, ["Neighbour 0", "Neighbour 1"])
    link = confirmation_link(next(m for m in mailoutbox if m.to == ["x@n1.example.org"]))
    with on_commit():
        Client().post(link, sign_form(name="Neighbour One", email="x@n1.example.org"))
    second = Organization.objects.get(name="Neighbour One")
    assert second.user.emailaddress_set.get().verified
    assert second.possible_duplicate
    assert any("“Neighbour 0”" in reason for reason in second.duplicate_hints())


def test_private_fields_never_reach_public_pages(client: Client) -> None:
    endorsement = EndorsementFactory(
        approved=True,
        organization__contact_name="Secret Contact Person",
        organization__user__email="secret@hidden.example.org",
        organization__website="https://visible.example.org",
    )
    slug = endorsement.letter.slug
    for url in (
        f"/letters/{slug}/",
        f"/letters/{slug}/signatories/",
        f"/letters/{slug}/signatories.csv",
        f"/letters/{slug}/signatories.json",
        f"/letters/{slug}/embed/",
        f"/letters/{slug}/count.json",
    ):
        body = (
            b"".join(client.get(url)).decode()
            if url.endswith((".csv", ".json"))
            else client.get(url).content.decode()
        )
        assert "Secret Contact Person" not in body, url
        assert "secret@hidden.example.org" not in body, url


def test_rate_limit_counters_in_the_cache_hold_no_ip_address(
    letter: Letter, on_commit: OnCommit, settings
) -> None:
    from django.core.cache import cache

    with on_commit():
        Client(REMOTE_ADDR="203.0.113.77").post(f"/letters/{letter.slug}/sign/", sign_form())
    backend = cache._cache
    if hasattr(backend, "get_client"):  # Redis (CI): ask the server for its keys
        keys = [key.decode() for key in backend.get_client().keys("*")]
    else:  # local memory
        keys = list(backend.keys())
    assert any("rl" in key for key in keys)
    assert not any("203.0.113.77" in key for key in keys)


def test_ipv6_clients_are_counted_by_their_64_prefix(letter: Letter, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "sign": "1/10m/ip"}
    for n, ip in enumerate(["2001:db8:1:2::1", "2001:db8:1:2::ffff"]):
        Client(REMOTE_ADDR=ip).post(
            f"/letters/{letter.slug}/sign/", sign_form(name=f"V6 {n}", email=f"a@v{n}.example.org")
        )
    held = Endorsement.objects.exclude(held_reasons=[]).values_list("organization__name", flat=True)
    assert list(held) == ["V6 1"]


def test_a_signup_its_addresss_owner_refused_is_purged_like_any_unconfirmed_one(
    letter: Letter, on_commit: OnCommit, mailoutbox: list, settings
) -> None:
    settings.UNVERIFIED_RETENTION_DAYS = 14
    squatted = sign_up(letter, on_commit, email="owner@ngo.example.org", name="Planted Name")
    with on_commit():
        Client().post(confirmation_link(mailoutbox[-1]), {"decline": "1"})
    assert Endorsement.objects.get(pk=squatted.pk).status == Endorsement.Status.WITHDRAWN
    long_ago = timezone.now() - timedelta(days=15)
    User.objects.filter(email="owner@ngo.example.org").update(date_joined=long_ago)
    OutgoingMail.objects.filter(to="owner@ngo.example.org").update(created_at=long_ago)

    assert privacy.unverified_signups_purge() == 1
    assert not Organization.objects.filter(name="Planted Name").exists()


def test_erasing_an_organisation_takes_its_name_out_of_others_hints_and_its_network_out_of_mail(
    letter: Letter, on_commit: OnCommit
) -> None:
    sign_from_one_network(letter, on_commit, ["To Be Erased", "Neighbour"])
    neighbour = Organization.objects.get(name="Neighbour")
    assert any("“To Be Erased”" in reason for reason in neighbour.duplicate_hints())
    assert OutgoingMail.objects.filter(to="x@n0.example.org").exclude(network="").exists()

    privacy.organization_erase(organization=Organization.objects.get(name="To Be Erased"))

    neighbour.refresh_from_db()
    assert neighbour.possible_duplicate
    assert not any("To Be Erased" in reason for reason in neighbour.duplicate_hints())
    assert any("“Erased organisation”" in reason for reason in neighbour.duplicate_hints())
    assert not OutgoingMail.objects.filter(to__endswith=".invalid").exclude(network="").exists()
