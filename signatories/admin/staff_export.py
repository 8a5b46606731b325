"""The staff export of the signatory list from the endorsements admin: CSV, JSON and XLSX
streamed row by row, and the workbook with one sheet per country."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin
from import_export.formats.base_formats import JSON, XLSX, Format
from import_export.signals import post_export

from coalition.admin import ModelAdmin

from ..exports import staff
from ..models import Endorsement

logger = logging.getLogger(__name__)


def _download(stream: Iterator[Any], file_format: Format, filename: str) -> StreamingHttpResponse:
    content_type = file_format.get_content_type()
    if not file_format.is_binary():
        content_type += "; charset=utf-8"
    response = StreamingHttpResponse(stream, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# The filters an export's file is named after, so that the files of two countries (or of a
# continent and of everything) downloaded the same day do not share one name.
EXPORT_NAMED_FILTERS = ("country", "continent", "status__exact", "source", "updates", "language")


def _export_name(request: HttpRequest, stem: str, extension: str) -> str:
    """signatories-br-2026-12-02.csv for the list filtered to Brazil."""
    filters = [slugify(request.GET.get(name, "")) for name in EXPORT_NAMED_FILTERS]
    return "-".join([stem, *filter(None, filters), f"{timezone.localdate():%Y-%m-%d}"]) + (
        f".{extension}"
    )


class StaffExportMixin(ExportMixin, ModelAdmin):
    def get_export_resource_classes(self, request: HttpRequest) -> list[type]:
        return [staff.SignatoryResource]

    def get_export_filename(self, request: HttpRequest, queryset: QuerySet, file_format: Format):
        return _export_name(request, "signatories", file_format.get_extension())

    def _do_file_export(
        self,
        file_format: Format,
        request: HttpRequest,
        queryset: QuerySet[Endorsement],
        export_form: forms.Form | None = None,
    ) -> HttpResponseBase:
        # Replaces import-export's, which builds the whole file in memory before answering:
        # this one writes row by row (see signatories.exports).
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource = self.choose_export_resource_class(export_form, request)()
        try:
            stream: Iterator[bytes] | Iterator[str]
            if isinstance(file_format, XLSX):
                stream = staff.staff_xlsx(resource, queryset)
            elif isinstance(file_format, JSON):
                stream = staff.staff_json(resource, queryset)
            else:
                stream = staff.staff_csv(resource, queryset)
        except DatabaseError:
            return self._export_failed(request)
        response = _download(
            stream, file_format, self.get_export_filename(request, queryset, file_format)
        )
        post_export.send(sender=None, model=self.model)
        return response

    def _export_failed(self, request: HttpRequest) -> HttpResponseRedirect:
        """The query failed before the first byte: say so, rather than hand out a cut file."""
        logger.exception("Export failed before it started")
        self.message_user(
            request,
            _("The export failed and nothing was downloaded. Try again in a moment."),
            messages.ERROR,
        )
        return HttpResponseRedirect(
            reverse("admin:signatories_endorsement_changelist")
            + (f"?{request.GET.urlencode()}" if request.GET else "")
        )

    @admin.action(
        description=gettext_lazy("Export selected as a workbook, one sheet per country"),
        permissions=["export"],
    )
    def export_workbook_by_country(
        self, request: HttpRequest, queryset: QuerySet[Endorsement]
    ) -> HttpResponseBase:
        try:
            stream = staff.staff_workbook_by_country(staff.SignatoryResource(), queryset)
        except DatabaseError:
            return self._export_failed(request)
        response = _download(
            stream, XLSX(), _export_name(request, "signatories-by-country", "xlsx")
        )
        post_export.send(sender=None, model=self.model)
        return response
