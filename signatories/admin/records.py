"""The base of the admins whose rows are records (endorsements, the outbox): kept for the audit,
and changed only by the actions and buttons that call a service."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coalition.admin import ModelAdmin


class RecordAdmin(ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        # Rows come from signing, the import and the services that send mail, never from a
        # blank form.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The record stays for the audit: an organisation withdraws, a mail is resent.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The form itself changes nothing, so that a page opened before someone else's
        # decision can never overwrite it: "change" only lets the actions and buttons run.
        if obj is not None:
            return False
        return super().has_change_permission(request)
