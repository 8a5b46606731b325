from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from letters.models import Letter
from signatories import importer
from signatories.services.imports import ImportRefused, signatories_import


class Command(BaseCommand):
    help = (
        "Import signatures collected offline into a letter, from a CSV (UTF-8) or XLSX file with "
        "the columns organization, country, city, website, email, type (named in any of the "
        "site's languages). Imported endorsements follow the letter's moderation (pending "
        "when it reviews first, approved when it publishes on verification; a name that looks "
        "like a spreadsheet formula is always held) and nobody is mailed; organisations "
        "already on record are matched, so a second run adds nothing. If any row is invalid, "
        "nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--letter", required=True, help="The letter's slug.")
        parser.add_argument("file", type=Path, help="A .csv or .xlsx file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what would happen, without writing anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        letter = Letter.objects.filter(slug=options["letter"]).first()
        if letter is None:
            raise CommandError(
                _("No letter with the slug “%(slug)s”.") % {"slug": options["letter"]}
            )
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        try:
            parsed = importer.parse_table(importer.read_file(path))
        except importer.ImportFileError as error:
            raise CommandError(_("Nothing was imported: %(error)s") % {"error": error}) from error
        except Exception as error:  # a corrupt workbook, a file that is not UTF-8 text...
            raise CommandError(
                _("Nothing was imported: %(name)s could not be read (%(error)s).")
                % {"name": path.name, "error": error}
            ) from error

        if parsed.errors:
            for number, errors in sorted(parsed.errors.items()):
                for column, messages in errors.items():
                    for message in messages:
                        self.stderr.write(
                            _("line %(line)d: %(column)s: %(message)s")
                            % {
                                "line": importer.line_of(number),
                                "column": column,
                                "message": message,
                            }
                        )
            raise CommandError(
                _(
                    "Nothing was imported: %(count)d invalid line(s), listed above. Line 1 is the "
                    "line with the column names."
                )
                % {"count": len(parsed.errors)}
            )

        if options["dry_run"]:
            plan = importer.plan_import(letter=letter, rows=parsed.rows)
            for number, planned in sorted(plan.items()):
                self.stdout.write(
                    _("line %(line)d: %(outcome)s")
                    % {"line": importer.line_of(number), "outcome": planned.outcome}
                    + "".join(f" {note}" for note in planned.notes)
                )
            self.stdout.write(
                _("Dry run: nothing was written (%(count)d rows checked).") % {"count": len(plan)}
            )
            return

        try:
            summary = signatories_import(
                letter=letter,
                signatories=[parsed.rows[number] for number in sorted(parsed.rows)],
                actor=None,
            )
        except ImportRefused as error:
            raise CommandError(_("Nothing was imported: %(error)s") % {"error": error}) from error
        self.stdout.write(self.style.SUCCESS(importer.import_summary_text(summary)))
