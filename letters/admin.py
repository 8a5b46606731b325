from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coalition.admin import ModelAdmin
from signatories.public import signatory_count_after_letter_change

from .models import Letter, LetterInitiator, LetterPdf, LetterTranslation
from .views import stored_pdf_response

DELIVERY_TEXT_FIELDS = ("delivered_to", "delivery_note")


def delivery_left_untranslated(letter: Letter) -> list[str]:
    """The languages of the published translations of a delivered letter that leave empty a
    delivery field the letter itself fills in: their pages put the original's words there,
    an English recipient inside an Arabic sentence."""
    if not letter.delivered_on:
        return []
    filled = [field for field in DELIVERY_TEXT_FIELDS if getattr(letter, field).strip()]
    return [
        translation.language
        for translation in letter.translations.filter(published=True).order_by("language")
        if any(not getattr(translation, field).strip() for field in filled)
    ]


class LetterTranslationInline(admin.StackedInline):
    model = LetterTranslation
    extra = 0
    fields = [
        "language",
        "published",
        "title",
        "summary",
        "body",
        "recipients",
        "delivered_to",
        "delivery_note",
    ]


class LetterInitiatorInline(admin.TabularInline):
    model = LetterInitiator
    extra = 0
    fields = ["position", "name", "website", "logo"]


@admin.register(Letter)
class LetterAdmin(ModelAdmin):
    inlines = [LetterInitiatorInline, LetterTranslationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "recipients", "original_language"]}),
        (_("Signing"), {"fields": ["status", "opens_at", "closes_at", "moderation", "target"]}),
        (_("The page"), {"fields": ["banner", "banner_description"]}),
        (
            _("Delivery"),
            {
                "fields": [
                    "delivered_on",
                    "delivered_to",
                    "delivery_note",
                    "delivery_url",
                    "reopened",
                ],
                "description": _(
                    "Once the letter is handed over: the page shows the delivery and signing "
                    "closes, unless the letter is reopened for a second round."
                ),
            },
        ),
        (_("PDF"), {"fields": ["pdf_links"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]
    list_display = [
        "title",
        "status",
        "moderation",
        "opens_at",
        "closes_at",
        "delivered_on",
        "created_at",
    ]
    list_filter = ["status", "moderation", ("delivered_on", admin.EmptyFieldListFilter)]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["pdf_links", "created_at", "updated_at"]

    @admin.display(description=_("the letter as a PDF, for staff"))
    def pdf_links(self, obj: Letter) -> SafeString | str:
        if obj.pk is None:
            return "-"
        links = format_html_join(
            " · ",
            '<a href="{}" lang="{}">{}</a>',
            (
                (reverse("admin:letters_letter_pdf", args=[obj.pk, code]), code, name)
                for code, name in settings.LANGUAGES
            ),
        )
        return format_html(
            '{}<br><span class="help">{}</span>',
            links,
            _(
                "With the signatories who asked not to be listed counted, country by country, "
                "but not named. A copy not rendered yet is prepared in a minute."
            ),
        )

    def get_urls(self) -> list:
        return [
            path(
                "<int:letter_id>/pdf/<str:language>/",
                self.admin_site.admin_view(self.staff_pdf),
                name="letters_letter_pdf",
            ),
            *super().get_urls(),
        ]

    def staff_pdf(self, request: HttpRequest, letter_id: int, language: str) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise Http404
        if language not in dict(settings.LANGUAGES):
            raise Http404
        letter = get_object_or_404(Letter.objects.public().with_translations(), pk=letter_id)
        return stored_pdf_response(
            request, letter=letter, language=language, audience=LetterPdf.Audience.STAFF
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        names = dict(settings.LANGUAGES)
        for language in delivery_left_untranslated(form.instance):
            self.message_user(
                request,
                gettext(
                    "%(language)s: this published translation leaves “delivered to” or the "
                    "delivery note empty, so its page shows the original's words there. Fill "
                    "them in, in the translation below."
                )
                % {"language": names.get(language, language)},
                messages.WARNING,
            )

    def save_model(self, request: HttpRequest, obj: Letter, form: Any, change: bool) -> None:
        previous_slug = form.initial.get("slug", "") if change else ""
        super().save_model(request, obj, form, change)
        # A letter put back to draft must stop answering count.json at once, and a renamed
        # one must not keep answering under its old address.
        transaction.on_commit(
            lambda: signatory_count_after_letter_change(letter=obj, previous_slug=previous_slug)
        )
