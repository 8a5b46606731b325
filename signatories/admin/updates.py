"""Updates to signatories: write (with translations), preview per language, send a test copy to
oneself, send, and follow the progress in the outbox. Every write goes through
`signatories.services.updates`."""

from __future__ import annotations

from typing import Any

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from coalition.admin import ModelAdmin

from .. import emails
from ..models import Update, UpdateTranslation, User
from ..services import updates
from .pages import ChangePageContextMixin, object_pages

PREVIEW_POLICY = {"frame-ancestors": [SELF], "style-src": [UNSAFE_INLINE], "img-src": ["*"]}

SEND_PERMISSION = "signatories.send_update"


class UpdateTranslationInline(admin.StackedInline):
    model = UpdateTranslation
    extra = 0
    fields = ("language", "subject", "body")

    def _is_draft(self, obj: Update | None) -> bool:
        return obj is None or obj.state == Update.State.DRAFT

    # What was sent is a record: its text no longer changes.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_draft(obj) and super().has_delete_permission(request, obj)


# What staff write; once the update is sent it is the record of what organisations were told.
TEXT_FIELDS = ("letter", "subject", "body")
AUDIT_FIELDS = (
    "state",
    "recipients",
    "progress",
    "created_by",
    "created_at",
    "sent_by",
    "sent_at",
)


@admin.register(Update)
class UpdateAdmin(ChangePageContextMixin, ModelAdmin):
    list_display = ("subject", "letter", "state", "queued", "sent", "failed", "created_at")
    list_filter = ("state", "letter")
    list_select_related = ("letter",)
    search_fields = ("subject",)
    inlines = (UpdateTranslationInline,)
    fields = (*TEXT_FIELDS, *AUDIT_FIELDS)
    change_form_template = "admin/signatories/update/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Update]:
        return super().get_queryset(request).with_progress()  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and obj.state != Update.State.DRAFT:
            return (*TEXT_FIELDS, *AUDIT_FIELDS)
        return AUDIT_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A sent update is the record of what organisations were told.
        if obj is not None and obj.state != Update.State.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Update, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    # Columns -----------------------------------------------------------------------------

    @admin.display(description=pgettext_lazy("mails", "waiting"), ordering="queued_count")
    def queued(self, obj: Update) -> int:
        return obj.queued_count  # type: ignore[attr-defined]

    @admin.display(description=pgettext_lazy("mails", "sent"), ordering="sent_count")
    def sent(self, obj: Update) -> int:
        return obj.sent_count  # type: ignore[attr-defined]

    @admin.display(description=pgettext_lazy("mails", "failed"), ordering="failed_count")
    def failed(self, obj: Update) -> int:
        return obj.failed_count  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("recipients now"))
    def recipients(self, obj: Update) -> int | str:
        if obj.pk is None:
            return "—"
        return updates.update_recipients(obj).count()

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, obj: Update) -> str:
        if obj.pk is None:
            return "—"
        return _("%(queued)d waiting, %(sent)d sent, %(failed)d failed") % {
            "queued": obj.queued_count,  # type: ignore[attr-defined]
            "sent": obj.sent_count,  # type: ignore[attr-defined]
            "failed": obj.failed_count,  # type: ignore[attr-defined]
        }

    # Preview, test copy, send --------------------------------------------------------------

    def get_urls(self) -> list:
        return [
            *object_pages(
                self,
                [
                    ("preview/", "preview", self.preview_view),
                    ("preview/mail.html", "preview_html", self.preview_html_view),
                    ("send-test/", "send_test", require_POST(self.send_test_view)),
                    ("send/", "send", require_POST(self.send_view)),
                ],
            ),
            *super().get_urls(),
        ]

    def _update(self, request: HttpRequest, object_id: str) -> Update:
        update = self.get_object(request, unquote(object_id))
        if update is None:
            raise Http404
        if not self.has_view_permission(request, update):
            raise PermissionDenied
        return update

    def _change_url(self, update: Update) -> str:
        return reverse("admin:signatories_update_change", args=[update.pk])

    def _language(self, request: HttpRequest, update: Update) -> str:
        wanted = request.GET.get("language") or request.POST.get("language") or ""
        codes = {code for code, _name in settings.LANGUAGES}
        return wanted if wanted in codes else update.letter.original_language

    def change_page_context(self, request: HttpRequest, update: Update) -> dict[str, Any]:
        translated = {t.language for t in update.translations.all()}
        return {
            "update_languages": [
                {
                    "code": code,
                    "name": name,
                    "translated": code in translated or code == update.letter.original_language,
                }
                for code, name in settings.LANGUAGES
            ],
            "can_send": update.state == Update.State.DRAFT
            and request.user.has_perm(SEND_PERMISSION),
            "recipient_count": updates.update_recipients(update).count(),
        }

    def _preview(self, request: HttpRequest, object_id: str) -> tuple[Update, str, Any]:
        update = self._update(request, object_id)
        language = self._language(request, update)
        rendered = emails.update_preview(
            update=update,
            language=language,
            unsubscribe_url=updates.unsubscribe_url(update=update, endorsement_uuid=None),
        )
        return update, language, rendered

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        update, language, rendered = self._preview(request, object_id)
        return TemplateResponse(
            request,
            "admin/signatories/update/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": update,
                "title": _("Preview of an update"),
                "subtitle": None,
                "language": language,
                "shown_language": update.text_in(language)[0],
                "languages": settings.LANGUAGES,
                "rendered": rendered,
                "html_url": reverse("admin:signatories_update_preview_html", args=[update.pk])
                + f"?language={language}",
                "change_url": self._change_url(update),
            },
        )

    @method_decorator(xframe_options_sameorigin)
    @method_decorator(csp_replace(PREVIEW_POLICY))  # type: ignore[arg-type]
    def preview_html_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The HTML mail alone, framed by the preview page (sandboxed: no script runs) with
        the inline styles mail needs, which the site's own policy refuses."""
        _update, _language, rendered = self._preview(request, object_id)
        return HttpResponse(rendered.html)

    def send_test_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        update = self._update(request, object_id)
        if not self.has_change_permission(request, update):
            raise PermissionDenied  # it sends mail: more than reading the update
        user = request.user
        assert isinstance(user, User)
        language = self._language(request, update)
        updates.update_send_test(update=update, staff_user=user, language=language)
        self.message_user(
            request,
            _("A test copy is on its way to %(email)s.") % {"email": user.email},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(update))

    def _recipients_by_language(self, update: Update) -> list[tuple[str, int]]:
        """How many recipients read the update in each language, as the fan-out will choose
        it (emails.update_language): grouped in the database, so a letter with thousands of
        signatories costs one query."""
        wanted = (
            updates.update_recipients(update)
            .annotate(
                wanted=Coalesce(NullIf("language", Value("")), "organization__user__language")
            )
            .values("wanted")
            .annotate(count=Count("pk"))
        )
        counts: dict[str, int] = {}
        for row in wanted:
            language = update.text_in(row["wanted"] or "")[0]
            counts[language] = counts.get(language, 0) + row["count"]
        names = dict(settings.LANGUAGES)
        return [(str(names.get(code, code)), counts[code]) for code in names if code in counts]

    def _send_confirm(self, request: HttpRequest, update: Update) -> HttpResponse:
        by_language = self._recipients_by_language(update)
        return TemplateResponse(
            request,
            "admin/signatories/update/send_confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": update,
                "title": _("Send this update?"),
                "subtitle": None,
                "recipient_count": sum(count for _name, count in by_language),
                "by_language": by_language,
                "change_url": self._change_url(update),
            },
        )

    def send_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        update = self._update(request, object_id)
        user = request.user
        if not user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        assert isinstance(user, User)
        # Mail that went out cannot be called back: the first click only shows who it will
        # reach; the Send button on that page is the one that sends, and only to the number it
        # named (organisations that signed or unsubscribed meanwhile change it: ask again).
        recipients = updates.update_recipients(update).count()
        if update.state == Update.State.DRAFT and recipients:
            if request.POST.get("confirm") != "yes":
                return self._send_confirm(request, update)
            if request.POST.get("recipients") != str(recipients):
                self.message_user(
                    request,
                    _(
                        "Not sent: the number of organisations it reaches changed since this "
                        "page was shown. Check it again."
                    ),
                    messages.WARNING,
                )
                return self._send_confirm(request, update)
        try:
            started = updates.update_send(update=update, actor=user)
        except updates.UpdateHasNoRecipients:
            self.message_user(
                request,
                _(
                    "Not sent: no organisation on this letter both asked for updates and "
                    "confirmed its address."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(self._change_url(update))
        if started:
            self.message_user(
                request,
                _("The update is being sent. The progress shows below."),
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("This update was sent already: nobody receives it twice."),
                messages.WARNING,
            )
        return HttpResponseRedirect(self._change_url(update))
