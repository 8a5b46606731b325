"""What an import tells staff, in their language: the sentence that sums up an import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import ngettext

if TYPE_CHECKING:
    from ..services.imports import ImportSummary


def import_summary_text(summary: ImportSummary) -> str:
    """What an import did, in a sentence for the moderator (the admin and the command)."""
    approved = summary.endorsements_created - summary.pending
    parts = []
    if approved or not summary.pending:
        parts.append(
            ngettext(
                "%(count)d endorsement imported and approved",
                "%(count)d endorsements imported and approved",
                approved,
            )
            % {"count": approved}
        )
    if summary.pending:
        parts.append(
            ngettext(
                "%(count)d endorsement imported, awaiting review",
                "%(count)d endorsements imported, awaiting review",
                summary.pending,
            )
            % {"count": summary.pending}
        )
    created = "; ".join(parts)
    organizations = ngettext(
        "%(count)d new organisation",
        "%(count)d new organisations",
        summary.organizations_created,
    ) % {"count": summary.organizations_created}
    skipped = ngettext(
        "%(count)d row skipped: the organisation had already endorsed the letter.",
        "%(count)d rows skipped: the organisation had already endorsed the letter.",
        summary.skipped,
    ) % {"count": summary.skipped}
    text = f"{created} ({organizations}). {skipped}"
    if summary.set_aside:
        text += " " + ngettext(
            "%(count)d unconfirmed online sign-up that used an address of the file was set "
            "aside, unpublished: find it among possible duplicates.",
            "%(count)d unconfirmed online sign-ups that used addresses of the file were set "
            "aside, unpublished: find them among possible duplicates.",
            summary.set_aside,
        ) % {"count": summary.set_aside}
    return text
