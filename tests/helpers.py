"""Plain helpers shared by several test modules (test modules never import from each other)."""

from __future__ import annotations

import re
import time

from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from letters.models import Letter
from signatories.forms import BotTrapForm
from signatories.models import Endorsement, Organization, User, normalize_name
from signatories.services import moderation


def form_shown_seconds_ago(seconds: int = 60) -> str:
    return BotTrapForm.new_token(time.time() - seconds)


def sign_form(**overrides: str) -> dict[str, str]:
    """What a person fills in, a minute after the form was shown."""
    data = {
        "started": form_shown_seconds_ago(60),
        "name": "Friends & Allies of Aleppo",
        "country": "LB",
        "city": "Beirut",
        "website": "https://friends-allies.example.org",
        "kind": "ngo",
        "contact_name": "Rania Haddad",
        "description": "",
        "email": "rania@friends-allies.example.org",
        "comment": "We stand with the people of Aleppo.",
        "listed_publicly": "on",
    }
    data.update(overrides)
    return data


def confirmation_link(message: mail.EmailMessage) -> str:
    match = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def make_moderator(email: str = "moderator@coalition.example.org") -> User:
    user = User.objects.create_user(email=email, password="a long moderator password 42")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=moderation.MODERATORS_GROUP))
    return user


def approved_signatories_in_bulk(letter: Letter, count: int) -> None:
    """`count` approved, listed organisations in twelve countries, inserted in bulk: a letter
    as long as a large campaign's, whose PDF takes seconds to render."""
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"bulk-{letter.pk}-{n}@org{n}.example.org", password="!") for n in range(count)
    )
    countries = ("FR", "SN", "BR", "KE", "IN", "DE", "LB", "MX", "PH", "ZA", "EG", "JP")
    organizations = []
    for n, user in enumerate(users):
        name = f"Civil Society Network for Peace and Dignity {n}"
        organizations.append(
            Organization(
                user=user,
                name=name,
                normalized_name=normalize_name(name),
                country=countries[n % len(countries)],
                city=("Dakar", "São Paulo", "Beirut", "")[n % 4],
            )
        )
    Endorsement.objects.bulk_create(
        Endorsement(
            organization=organization,
            letter=letter,
            status=Endorsement.Status.APPROVED,
            verified_at=now,
            approved_at=now,
        )
        for organization in Organization.objects.bulk_create(organizations)
    )
