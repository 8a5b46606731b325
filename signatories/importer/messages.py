"""What an import tells staff, in their language: what each row of the preview would do, and
the sentence that sums up an import once it is done."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Endorsement

if TYPE_CHECKING:
    from ..services.imports import ImportSummary


def _decided(status: str) -> str:
    if status == Endorsement.Status.APPROVED:
        return _("endorsement approved")
    return _("endorsement awaiting review")


def new_organization(status: str) -> str:
    return _("New organisation, %(decision)s.") % {"decision": _decided(status)}


def existing_organization(name: str, status: str) -> str:
    return _("Existing organisation “%(name)s”, %(decision)s.") % {
        "name": name,
        "decision": _decided(status),
    }


def same_organization_skipped(line: int) -> str:
    return _("Same organisation as line %(line)d: skipped.") % {"line": line}


def already_endorsed(name: str, status_label: str) -> str:
    return _("“%(name)s” already endorsed this letter (%(status)s): skipped.") % {
        "name": name,
        "status": status_label,
    }


def sign_up_set_aside(name: str) -> str:
    return _(
        "An unconfirmed online sign-up (“%(name)s”) used this address; the file's "
        "details replace it. The sign-up is set aside, unpublished, for review."
    ) % {"name": name}


def same_name_left_as_it_is(name: str, *, confirmed: bool) -> str:
    """An online sign-up of the row's name and country, with another address: never taken
    for the row's organisation, whether its address was confirmed or not."""
    if confirmed:
        return _(
            "An online sign-up with another address has the same name and country "
            "(“%(name)s”); it is not taken for this organisation: it is left as it "
            "is, and the new organisation is flagged as a possible duplicate of it."
        ) % {"name": name}
    return _(
        "An unconfirmed online sign-up has the same name and country "
        "(“%(name)s”); it is left as it is, and the new organisation is flagged "
        "as a possible duplicate of it."
    ) % {"name": name}


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
