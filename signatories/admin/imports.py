"""The import of signatures collected offline, in the admin: upload, preview, confirm.

django-import-export's URLs and Import button stay, but its two views are replaced: they
trusted the temporary file name the confirmation posted back (any file the server could read
was imported, then deleted), read an .xlsx by its declared dimension, and built a preview of
every row, which a file of 20,000 rows takes past the request timeout. Here the upload waits
in `signatories.uploads` under a random id, the file is read by `signatories.importer` under
size and row caps, and the preview shows counts, the lines to look at, and a sample.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin

from letters.models import Letter

from .. import importer, uploads
from ..models import User
from ..services.imports import ImportRefused, signatories_import

logger = logging.getLogger(__name__)

# The preview names every line that needs a look, up to this many, and a sample of the rest:
# a page of 20,000 rows takes longer to render and to read than the import itself.
PREVIEW_LINES_SHOWN = 500
PREVIEW_SAMPLE = 20


class OfflineImportForm(forms.Form):
    letter = forms.ModelChoiceField(
        queryset=Letter.objects.order_by("-created_at"),
        label=gettext_lazy("Letter"),
        help_text=gettext_lazy("The letter these organisations signed."),
    )
    import_file = forms.FileField(label=gettext_lazy("File (.csv or .xlsx)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A coalition with one letter imports into that letter; leaving the choice empty only
        # sent the file back with "This field is required" after a wait for the upload.
        letters = list(Letter.objects.values_list("pk", flat=True)[:2])
        if len(letters) == 1:
            self.fields["letter"].initial = letters[0]

    def clean_import_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["import_file"]
        try:
            importer.extension_of(upload.name or "")
        except importer.ImportFileError as error:
            raise ValidationError(str(error)) from error
        if (upload.size or 0) > settings.IMPORT_MAX_BYTES:
            raise ValidationError(importer.too_large_message(upload.size or 0))
        return upload


class OfflineImportConfirmForm(forms.Form):
    # Only an id of the upload store: never a path, never a name the client chose.
    upload = forms.CharField(
        widget=forms.HiddenInput(), validators=[RegexValidator(uploads.UPLOAD_ID)]
    )
    letter = forms.ModelChoiceField(queryset=Letter.objects.all(), widget=forms.HiddenInput())


def _staff_member(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class OfflineImportMixin(ImportMixin):
    """The endorsements admin's import views (see the module's docstring)."""

    import_template_name = "admin/signatories/endorsement/import.html"

    def _import_page(
        self, request: HttpRequest, context: dict[str, Any], *, status: int = 200
    ) -> TemplateResponse:
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            self.import_template_name,
            {
                **self.admin_site.each_context(request),
                "title": _("Import signatures collected offline"),
                "opts": self.model._meta,
                "max_rows": settings.IMPORT_MAX_ROWS,
                "max_bytes": settings.IMPORT_MAX_BYTES,
                **context,
            },
            status=status,
        )

    def _import_url(self) -> str:
        return reverse("admin:signatories_endorsement_import", current_app=self.admin_site.name)

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = OfflineImportForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            return self._import_page(request, {"form": form})
        letter: Letter = form.cleaned_data["letter"]
        upload: UploadedFile = form.cleaned_data["import_file"]
        extension = importer.extension_of(upload.name or "")
        content = b"".join(upload.chunks())
        try:
            parsed = importer.parse_table(importer.read_table(content, extension=extension))
        except importer.ImportFileError as error:
            form.add_error("import_file", str(error))
            return self._import_page(request, {"form": form})
        if parsed.errors:
            return self._import_page(request, {"form": form, **_invalid_context(parsed)})
        plan = importer.plan_import(letter=letter, rows=parsed.rows)
        upload_id = uploads.import_upload_save(content=content, extension=extension)
        confirm_form = OfflineImportConfirmForm(initial={"upload": upload_id, "letter": letter.pk})
        return self._import_page(
            request,
            {
                "confirm_form": confirm_form,
                "letter": letter,
                "file_name": upload.name,
                **_preview_context(parsed, plan),
            },
        )

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = OfflineImportConfirmForm(request.POST)
        if not confirm_form.is_valid():
            logger.warning("Import confirmation refused: %s", confirm_form.errors.as_json())
            return self._import_page(
                request,
                {
                    "form": OfflineImportForm(),
                    "error": _(
                        "This confirmation does not name a file uploaded here. Nothing was "
                        "imported: upload the file again."
                    ),
                },
                status=400,
            )
        upload_id = confirm_form.cleaned_data["upload"]
        if "cancel" in request.POST:
            uploads.import_upload_cancel(upload_id)
            self.message_user(
                request, _("Import cancelled: the uploaded file was deleted."), messages.INFO
            )
            return HttpResponseRedirect(self._import_url())
        try:
            path, extension = uploads.import_upload_claim(upload_id)
        except uploads.UploadMissing:
            return self._import_page(
                request,
                {
                    "form": OfflineImportForm(),
                    "error": _(
                        "This upload is no longer here: it was imported or cancelled already, "
                        "or it waited more than an hour. Upload the file again."
                    ),
                },
                status=400,
            )
        try:
            content = path.read_bytes()
        finally:
            uploads.import_upload_remove(path)
        try:
            # Read and checked again: the same file, so the same answer, unless the records
            # it is matched with changed since the preview.
            parsed = importer.parse_table(importer.read_table(content, extension=extension))
            if parsed.errors:
                raise ImportRefused(
                    _("the file no longer passes its checks; upload it again to see why.")
                )
            summary = signatories_import(
                letter=confirm_form.cleaned_data["letter"],
                signatories=[parsed.rows[number] for number in sorted(parsed.rows)],
                actor=_staff_member(request),
            )
        except (importer.ImportFileError, ImportRefused) as error:
            self.message_user(
                request, _("Nothing was imported: %(error)s") % {"error": error}, messages.ERROR
            )
            return HttpResponseRedirect(self._import_url())
        self.message_user(request, importer.import_summary_text(summary), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:signatories_endorsement_changelist", current_app=self.admin_site.name)
        )


def _invalid_context(parsed: importer.ParsedFile) -> dict[str, Any]:
    numbers = sorted(parsed.errors)
    shown = numbers[:PREVIEW_LINES_SHOWN]
    return {
        "invalid_count": len(numbers),
        "invalid_rows": [
            {
                "line": importer.line_of(number),
                "errors": [
                    (column, message)
                    for column, column_messages in parsed.errors[number].items()
                    for message in column_messages
                ],
                "values": [
                    parsed.invalid_values.get(number, {}).get(column, "")
                    for column in importer.COLUMNS
                ],
            }
            for number in shown
        ],
        "invalid_more": len(numbers) - len(shown),
        "columns": importer.COLUMNS,
    }


def _preview_row(number: int, planned: importer.PlannedRow) -> dict[str, Any]:
    signatory = planned.signatory
    return {
        "line": importer.line_of(number),
        "values": [
            signatory.name,
            signatory.country,
            signatory.city,
            signatory.website,
            signatory.email,
            signatory.kind_label,
        ],
        "outcome": planned.outcome,
        "note": " ".join(planned.notes),
        "formula": planned.signatory.looks_like_formula and not planned.skip,
    }


def _preview_context(
    parsed: importer.ParsedFile, plan: dict[int, importer.PlannedRow]
) -> dict[str, Any]:
    noted = [(number, planned) for number, planned in sorted(plan.items()) if planned.notes]
    others = [(number, planned) for number, planned in sorted(plan.items()) if not planned.notes]
    return {
        "counts": importer.plan_counts(plan),
        "row_count": len(plan),
        "blank_count": len(parsed.blank),
        "noted_rows": [_preview_row(n, p) for n, p in noted[:PREVIEW_LINES_SHOWN]],
        "noted_more": max(len(noted) - PREVIEW_LINES_SHOWN, 0),
        "sample_rows": [_preview_row(n, p) for n, p in others[:PREVIEW_SAMPLE]],
        "sample_more": max(len(others) - PREVIEW_SAMPLE, 0),
        "columns": importer.COLUMNS,
    }
