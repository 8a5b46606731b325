from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from letters.demo import LETTER, ORGANIZATIONS, TRANSLATIONS
from letters.models import Letter, LetterTranslation
from signatories.importer import OfflineSignatory
from signatories.models import Endorsement
from signatories.services.imports import signatories_import


class Command(BaseCommand):
    help = (
        "Create the demo letter, its translations and its fictional signatories. "
        "Safe to run more than once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
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
                    "original_language": "en",
                    # The demo shows the progress bar: 36 organisations of the 100 hoped for.
                    "target": 100,
                },
            )
            # One published translation per language; a letter seeded before translations
            # existed gets the missing ones, and one already there is left as it is.
            translated: list[str] = []
            for language, text in TRANSLATIONS.items():
                _, translation_created = LetterTranslation.objects.get_or_create(
                    letter=letter,
                    language=language,
                    defaults={
                        "title": text["title"],
                        "summary": text["summary"],
                        "recipients": text["recipients"],
                        "body": text["body"],
                        "published": True,
                    },
                )
                if translation_created:
                    translated.append(language)
            # Through the import service, as signatures collected offline: no account gets a
            # password or a mail, and a second run finds every organisation already there.
            created = 0
            for status in (Endorsement.Status.APPROVED, Endorsement.Status.PENDING):
                signatories = [
                    OfflineSignatory(
                        name=data["name"],
                        country=data["country"],
                        city=data["city"],
                        website=data["website"],
                        email=data["email"],
                        kind=data["kind"],
                        contact_name=data["contact_name"],
                        comment=data["comment"],
                    )
                    for data in ORGANIZATIONS
                    if data.get("status", Endorsement.Status.APPROVED) == status
                ]
                summary = signatories_import(
                    letter=letter, signatories=signatories, actor=None, status=status
                )
                created += summary.endorsements_created

        if letter_created:
            self.stdout.write(f"Created letter {letter.title!r}.")
        else:
            self.stdout.write(f"Letter {letter.slug!r} was already there.")
        if translated:
            self.stdout.write(f"Created translations of the letter into {', '.join(translated)}.")
        else:
            self.stdout.write("All demo translations were already there.")
        if created:
            self.stdout.write(f"Created {created} organisations with their endorsements.")
        else:
            self.stdout.write("All demo organisations were already there.")
