"""The moderators' work queue: the endorsements admin, assembled from its concerns (columns,
decisions, review page, export, offline import). Every decision goes through
`signatories.services.moderation`."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX
from import_export.forms import ExportForm

from ..models import Endorsement
from .filters import (
    ContinentFilter,
    CountryFilter,
    HeldFilter,
    LanguageFilter,
    SourceFilter,
    UpdatesConsentFilter,
    WorkQueueStatusFilter,
)
from .imports import OfflineImportMixin
from .queue_columns import EndorsementColumnsMixin
from .records import RecordAdmin
from .review import ReviewPageMixin
from .staff_export import StaffExportMixin

# The organisation as the review page shows it, read from its own record: edited on the
# organisation's page, never from an endorsement's.
ORGANIZATION_FIELDS = (
    "organization_link",
    "contact_email",
    "country",
    "kind",
    "website",
    "duplicate_detail",
)


@admin.register(Endorsement)
class EndorsementAdmin(
    EndorsementColumnsMixin,
    ReviewPageMixin,
    StaffExportMixin,
    OfflineImportMixin,
    ImportExportMixin,
    RecordAdmin,
):
    # Few, dense columns, so that the queue fits a 1280 px laptop: the organisation with its
    # flag and type on one line, short hints, the letter, status, dates. Everything else is
    # on the review page (the change page), one click away.
    list_display = (
        "organization_summary",
        "hints",
        "letter_title",
        "status",
        "signed",
        "decision",
    )
    list_filter = (
        WorkQueueStatusFilter,
        "letter",
        CountryFilter,
        ContinentFilter,
        "organization__kind",
        "organization__possible_duplicate",
        HeldFilter,
        ("signed_at", admin.DateFieldListFilter),
        SourceFilter,
        UpdatesConsentFilter,
        LanguageFilter,
    )
    search_fields = ("organization__name", "organization__user__email", "organization__website")
    search_help_text = gettext_lazy("Organisation name, email address or website.")
    list_select_related = ("organization__user", "letter", "decided_by")
    list_per_page = 100
    ordering = ("signed_at", "pk")
    actions = ("approve", "reject", "release_and_send", "export_workbook_by_country")
    # The review page lays these out itself (templates/admin/signatories/endorsement/
    # change_form.html); the fieldsets stay for the view permission's plain rendering.
    fieldsets = (
        (
            gettext_lazy("Organisation"),
            {"fields": ORGANIZATION_FIELDS},
        ),
        (
            gettext_lazy("Endorsement"),
            {
                "fields": (
                    "letter",
                    "status",
                    "held_for",
                    "comment",
                    "listed_publicly",
                    "wants_updates",
                    "imported",
                    "language",
                )
            },
        ),
        (
            gettext_lazy("Dates and decision"),
            {
                "fields": (
                    "signed_at",
                    "verified_at",
                    "approved_at",
                    "rejected_at",
                    "withdrawn_at",
                    "decided_by",
                    "rejection_reason",
                )
            },
        ),
    )
    readonly_fields = ORGANIZATION_FIELDS
    change_form_template = "admin/signatories/endorsement/change_form.html"
    # A plain format choice: the selectable-fields form relies on inline scripts our CSP blocks.
    export_form_class = ExportForm
    export_formats = [CSV, XLSX, JSON]

    # Columns ---------------------------------------------------------------------------
