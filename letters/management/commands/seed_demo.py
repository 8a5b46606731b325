from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from letters.demo import LETTER, ORGANIZATIONS
from letters.models import Letter
from signatories.models import (
    Endorsement,
    EndorsementEvent,
    Organization,
    domain_of,
    normalize_name,
)


class Command(BaseCommand):
    help = "Create the demo letter and its fictional signatories. Safe to run more than once."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        now = timezone.now()
        created_orgs = 0
        with transaction.atomic():
            letter, letter_created = Letter.objects.get_or_create(
                slug=LETTER["slug"],
                defaults={
                    "title": LETTER["title"],
                    "summary": LETTER["summary"],
                    "recipients": LETTER["recipients"],
                    "body": LETTER["body"],
                    "status": Letter.Status.OPEN,
                    "moderation": Letter.Moderation.REVIEW_FIRST,
                },
            )
            for data in ORGANIZATIONS:
                email = data["email"]
                if User.objects.filter(email__iexact=email).exists():
                    continue
                # No password: nobody should be able to log in as a sample organisation.
                user = User.objects.create_user(email=email)
                EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
                organization = Organization.objects.create(
                    user=user,
                    name=data["name"],
                    normalized_name=normalize_name(data["name"]),
                    country=data["country"],
                    city=data["city"],
                    website=data["website"],
                    website_domain=domain_of(data["website"]),
                    kind=data["kind"],
                    contact_name=data["contact_name"],
                )
                status = data.get("status", Endorsement.Status.APPROVED)
                endorsement = Endorsement.objects.create(
                    organization=organization,
                    letter=letter,
                    status=status,
                    comment=data["comment"],
                    verified_at=now,
                    approved_at=now if status == Endorsement.Status.APPROVED else None,
                )
                EndorsementEvent.objects.create(
                    endorsement=endorsement,
                    from_status="",
                    to_status=status,
                    actor=None,
                    actor_label="demo data",
                )
                created_orgs += 1

        if letter_created:
            self.stdout.write(f"Created letter {letter.title!r}.")
        else:
            self.stdout.write(f"Letter {letter.slug!r} was already there.")
        if created_orgs:
            self.stdout.write(f"Created {created_orgs} organisations with their endorsements.")
        else:
            self.stdout.write("All demo organisations were already there.")
