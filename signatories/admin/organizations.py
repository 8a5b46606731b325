"""Organisations: their details, corrected by a moderator through the service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import (
    HttpRequest,
)
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from coalition.admin import ModelAdmin

from ..forms import OrganizationForm
from ..models import Endorsement, Organization
from ..services import organizations
from .display import duplicate_flag, flag, website_link
from .filters import (
    OrganizationCountryFilter,
)


class OrganizationCorrectionForm(OrganizationForm):
    """The organisation's own form, as a moderator uses it: imported organisations have no
    contact person on record, so one is not required."""

    contact_required = False


class OrganizationEndorsementInline(admin.TabularInline):
    model = Endorsement
    fields = ("letter", "status", "signed_at", "approved_at", "imported")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(ModelAdmin):
    form = OrganizationCorrectionForm
    list_display = (
        "name",
        "country_flag",
        "kind",
        "email",
        "website_link",
        "duplicate",
        "created_at",
    )
    list_filter = (
        OrganizationCountryFilter,
        "kind",
        "possible_duplicate",
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("name", "user__email", "website")
    search_help_text = gettext_lazy("Name, email address or website.")
    list_select_related = ("user",)
    list_per_page = 100
    ordering = ("normalized_name", "pk")
    fieldsets = (
        (None, {"fields": ("name", "country", "city", "website", "kind", "description")}),
        (gettext_lazy("Contact (never public)"), {"fields": ("contact_name", "email")}),
        (gettext_lazy("Duplicate check"), {"fields": ("possible_duplicate", "duplicate_detail")}),
        (None, {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = (
        "email",
        "possible_duplicate",
        "duplicate_detail",
        "created_at",
        "updated_at",
    )
    inlines = (OrganizationEndorsementInline,)

    @admin.display(description=gettext_lazy("country"), ordering="country")
    def country_flag(self, obj: Organization) -> SafeString | str:
        return flag(obj.country)

    @admin.display(description=gettext_lazy("email address"), ordering="user__email")
    def email(self, obj: Organization) -> str:
        return obj.email

    @admin.display(description=gettext_lazy("website"))
    def website_link(self, obj: Organization) -> SafeString | str:
        return website_link(obj.website)

    @admin.display(description=gettext_lazy("possible duplicate"), ordering="possible_duplicate")
    def duplicate(self, obj: Organization) -> SafeString | str:
        return duplicate_flag(obj)

    @admin.display(description=gettext_lazy("why it may be a duplicate"))
    def duplicate_detail(self, obj: Organization) -> str:
        return " ".join(obj.duplicate_hints()) or "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Organisations register by signing, or arrive through the import.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Organization, form: OrganizationForm, change: bool
    ) -> None:
        organizations.organization_correct(organization=obj, details=form.details())
