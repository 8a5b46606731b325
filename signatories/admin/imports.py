"""The import of signatures collected offline: the admin's forms (the letter they are for) and
import-export's resource, which previews each row and hands the whole file to the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.instance_loaders import BaseInstanceLoader

from letters.models import Letter

from .. import imports
from ..models import User
from ..services import imports as offline_import


class LetterImportForm(ImportForm):
    letter = forms.ModelChoiceField(
        queryset=Letter.objects.order_by("-created_at"),
        label=gettext_lazy("Letter"),
        help_text=gettext_lazy("The letter these organisations signed."),
    )
    field_order = ["resource", "letter", "import_file", "format"]


class LetterConfirmImportForm(ConfirmImportForm):
    letter = forms.ModelChoiceField(queryset=Letter.objects.all(), widget=forms.HiddenInput())


class OfflineSignatoryResource(resources.Resource):
    """The admin's import (preview, then confirm) of a file with the columns organization,
    country, city, website, email, type.

    Rows are checked here and previewed with what would happen to each; nothing is written row
    by row. On confirmation the whole file goes to `services.imports.signatories_import` at
    once, which writes it in one transaction. Any invalid row refuses the file."""

    organization = Field(attribute="signatory__name", column_name="organization")
    country = Field(attribute="signatory__country", column_name="country")
    city = Field(attribute="signatory__city", column_name="city")
    website = Field(attribute="signatory__website", column_name="website")
    email = Field(attribute="signatory__email", column_name="email")
    kind = Field(attribute="signatory__kind_label", column_name="type")
    outcome = Field(attribute="outcome", column_name=_("What happens"))

    class Meta:
        name = _("Signatures collected offline")
        instance_loader_class = BaseInstanceLoader
        use_transactions = True
        report_skipped = True

    def __init__(self, *, letter: Letter | None = None, actor: User | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.letter = letter
        self.actor = actor
        self.parsed = imports.ParsedFile()
        self.plan: dict[int, imports.PlannedRow] = {}
        self.summary: offline_import.ImportSummary | None = None
        self._row_number = 0

    @classmethod
    def get_display_name(cls) -> str:
        return str(cls._meta.name)

    def get_user_visible_fields(self) -> list[Field]:
        return [field for field in self.get_import_fields() if field is not self.fields["outcome"]]

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        if self.letter is None:
            raise imports.ImportFileError(gettext("Choose the letter these signatures are for."))
        self.parsed = imports.parse_dataset(dataset)
        self.plan = imports.plan_import(letter=self.letter, rows=self.parsed.rows)

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        self._row_number = kwargs["row_number"]

    def get_or_init_instance(
        self, instance_loader: BaseInstanceLoader, row: dict[str, Any]
    ) -> tuple[imports.PlannedRow, bool]:
        planned = self.plan.get(self._row_number)
        if planned is None:
            skip = self._row_number in self.parsed.blank
            outcome = gettext("Empty line: skipped.") if skip else ""
            planned = imports.PlannedRow(signatory=None, outcome=outcome, skip=skip)
        return planned, True

    def import_instance(self, instance: imports.PlannedRow, row: dict[str, Any], **kwargs: Any):
        errors = self.parsed.errors.get(self._row_number)
        if errors:
            raise ValidationError(errors)

    def skip_row(
        self,
        instance: imports.PlannedRow,
        original: imports.PlannedRow,
        row: dict[str, Any],
        import_validation_errors: dict[str, Any] | None = None,
    ) -> bool:
        return not import_validation_errors and instance.skip

    def save_instance(self, instance: imports.PlannedRow, is_create: bool, row: Any, **kwargs):
        """Nothing is written row by row: see after_import."""

    def save_m2m(self, instance: imports.PlannedRow, row: Any, **kwargs: Any) -> None:
        """No many-to-many relations here."""

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        assert self.letter is not None
        self.summary = offline_import.signatories_import(
            letter=self.letter,
            signatories=[self.parsed.rows[n] for n in sorted(self.parsed.rows)],
            actor=self.actor,
        )
        # The admin reports what the service did, not the preview's prediction.
        result.import_summary = self.summary
