"""The outbox: every mail sent or waiting, its errors, and the resend of failed mail."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
)
from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import OutgoingMail
from ..outbox import carries_secret, outgoing_mail_resend
from .records import RecordAdmin


@admin.register(OutgoingMail)
class OutgoingMailAdmin(RecordAdmin):
    list_display = ("created_at", "kind", "to", "subject", "status", "attempts", "sent_at", "error")
    list_filter = ("status", "kind", ("created_at", admin.DateFieldListFilter))
    search_fields = ("to", "subject")
    list_per_page = 100
    actions = ("resend",)
    fields = (
        "kind",
        "to",
        "from_email",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "next_attempt_at",
        "sent_at",
        "body",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("last error"))
    def error(self, obj: OutgoingMail) -> str:
        return obj.last_error[:80]

    @admin.display(description=gettext_lazy("message"))
    def body(self, obj: OutgoingMail) -> str:
        if carries_secret(obj.kind):
            return _("Withheld: this message carries a sign-in code or a confirmation link.")
        return linebreaksbr(obj.body_text, autoescape=True)

    @admin.action(description=gettext_lazy("Resend selected failed mail"), permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutgoingMail]) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        resent = sum(outgoing_mail_resend(mail_id=mail_id) for mail_id in selected)
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", resent)
            % {"count": resent},
            messages.SUCCESS if resent else messages.INFO,
        )
        if len(selected) > resent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d mail was left alone: only failed mail can be resent.",
                    "%(count)d mails were left alone: only failed mail can be resent.",
                    len(selected) - resent,
                )
                % {"count": len(selected) - resent},
                messages.WARNING,
            )
