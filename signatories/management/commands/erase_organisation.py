from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from signatories.models import Organization, normalized_email
from signatories.services import privacy


class Command(BaseCommand):
    help = (
        "Erase an organisation's personal data on request (contact name, email, comment, "
        "network hashes, mail). The public record of an approved, listed endorsement stays."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The organisation's account email address.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, email: str, yes: bool, **options: Any) -> None:
        organization = (
            Organization.objects.filter(user__email=normalized_email(email))
            .select_related("user")
            .first()
        )
        if organization is None:
            raise CommandError(f"No organisation has the account email {email!r}.")
        if not yes:
            answer = input(f"Erase the personal data of “{organization.name}”? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing erased.")
        result = privacy.organization_erase(organization=organization)
        kept = (
            "its public record on the letter stays (it consented to be listed)"
            if result["kept_public_record"]
            else "its name and website were erased too (no public endorsement)"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased: contact name, email, comments, network hashes; "
                f"{result['mails']} mail(s) and {result['events']} audit entr(y/ies) redacted; "
                f"{kept}."
            )
        )
