"""Accounts, for administrators: who is staff, who is in the Moderators group."""

from __future__ import annotations

from typing import Any

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from coalition.admin import StrictLookupsMixin, ValidSelectionMixin

from ..models import User, normalized_email


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        # Stored lower-case like every address, so that lookups by address use `=` and the
        # index (and "Ana@Org" typed here is the account "ana@org" signs in to).
        return normalized_email(self.cleaned_data["email"])


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return normalized_email(self.cleaned_data["email"])


@admin.register(User)
class UserAdmin(StrictLookupsMixin, ValidSelectionMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("email", "is_staff", "is_superuser", "is_active", "last_login", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (gettext_lazy("Name"), {"fields": ("first_name", "last_name")}),
        (
            gettext_lazy("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (gettext_lazy("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """The administrator who makes someone staff vouches for their address, as
        `createsuperuser` does: the new moderator signs in to the admin with the password they
        were given, without a "verify your address" round-trip whose mail says they registered."""
        super().save_model(request, obj, form, change)
        if not obj.is_staff:
            return
        address = EmailAddress.objects.filter(user=obj, email=obj.email).first()
        if address is None:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])


# Registered by Django and allauth with admins of their own: re-registered so that their bulk
# actions ("Delete selected", "Mark as verified") refuse a malformed selection like ours do.
admin.site.unregister(Group)
admin.site.unregister(EmailAddress)


@admin.register(Group)
class GroupAdmin(ValidSelectionMixin, DjangoGroupAdmin):
    pass


@admin.register(EmailAddress)
class EmailAddressAdmin(ValidSelectionMixin, AllauthEmailAddressAdmin):
    pass
