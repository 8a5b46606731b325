from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from coalition.admin import ModelAdmin
from signatories.public import signatory_count_after_letter_change

from .models import Letter, LetterInitiator, LetterTranslation


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
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Letter, form: Any, change: bool) -> None:
        previous_slug = form.initial.get("slug", "") if change else ""
        super().save_model(request, obj, form, change)
        # A letter put back to draft must stop answering count.json at once, and a renamed
        # one must not keep answering under its old address.
        transaction.on_commit(
            lambda: signatory_count_after_letter_change(letter=obj, previous_slug=previous_slug)
        )
