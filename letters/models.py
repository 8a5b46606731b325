from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from coalition.images import ProcessedImageField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What the rendered Markdown may contain: text structure and links, nothing that runs.
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def language_choices() -> list[tuple[str, str]]:
    """The site's languages (a callable, so that adding one needs no migration)."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 -- sanitised by nh3 just above


class LetterQuerySet(models.QuerySet["Letter"]):
    def public(self) -> LetterQuerySet:
        return self.exclude(status=Letter.Status.DRAFT)

    def with_translations(self) -> LetterQuerySet:
        return self.prefetch_related("translations")

    def accepting_signatures(self, now: datetime | None = None) -> LetterQuerySet:
        """`Letter.signing_state() == OPEN`, as a query (keep the two alike)."""
        now = now or timezone.now()
        return (
            self.filter(status=Letter.Status.OPEN)
            .filter(models.Q(delivered_on__isnull=True) | models.Q(reopened=True))
            .filter(models.Q(closes_at__isnull=True) | models.Q(closes_at__gt=now))
            .filter(models.Q(opens_at__isnull=True) | models.Q(opens_at__lte=now))
        )


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Moderation(models.TextChoices):
        REVIEW_FIRST = "review_first", _("Review every endorsement before it is published")
        PUBLISH_ON_VERIFICATION = (
            "publish_on_verification",
            _("Publish on email verification, review afterwards"),
        )

    class Signing(models.TextChoices):
        """Whether a visitor can sign right now: derived from status and dates."""

        DRAFT = "draft", _("Draft")
        NOT_YET_OPEN = "not_yet_open", _("Not yet open for signatures")
        OPEN = "open", _("Open for signatures")
        CLOSED = "closed", _("Closed")
        DELIVERED = "delivered", _("Delivered")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), max_length=600, help_text=_("One paragraph."))
    body = models.TextField(_("body"), help_text=_("Markdown. Scripts and styles are removed."))
    recipients = models.CharField(
        _("addressed to"), max_length=200, help_text=_('For example "UN Member States".')
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("Signing closes by itself then.")
    )
    moderation = models.CharField(
        _("moderation"),
        max_length=30,
        choices=Moderation.choices,
        default=Moderation.REVIEW_FIRST,
    )
    original_language = models.CharField(
        _("original language"),
        max_length=10,
        choices=language_choices,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the text above is written in."),
    )
    banner = ProcessedImageField(
        _("banner image"),
        rule="banner",
        blank=True,
        help_text=_(
            "Optional. Shown above the title and when the letter is shared; "
            "a wide picture (2:1) works best."
        ),
    )
    banner_description = models.CharField(
        _("banner description"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it. Empty if decorative."),
    )
    target = models.PositiveIntegerField(
        _("target"),
        null=True,
        blank=True,
        help_text=_(
            "Optional. How many organisations the campaign hopes for: shows a progress bar."
        ),
    )
    delivered_on = models.DateField(
        _("delivered on"),
        null=True,
        blank=True,
        help_text=_("The day the letter was handed over. Signing closes from then on."),
    )
    delivered_to = models.CharField(
        _("delivered to"),
        max_length=200,
        blank=True,
        help_text=_('For example "the President of the UN General Assembly".'),
    )
    delivery_note = models.TextField(
        _("delivery note"),
        max_length=600,
        blank=True,
        help_text=_("Optional. A few public words on the delivery, shown on the letter page."),
    )
    delivery_url = models.URLField(
        _("delivery link"),
        max_length=300,
        blank=True,
        help_text=_("Optional. For example the press release."),
    )
    reopened = models.BooleanField(
        _("reopened for a second round"),
        default=False,
        help_text=_("A delivered letter takes signatures again while this is ticked."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(opens_at__lt=models.F("closes_at")),
                name="letter_opens_before_it_closes",
            ),
            models.CheckConstraint(
                condition=models.Q(reopened=False) | models.Q(delivered_on__isnull=False),
                name="letter_reopened_only_once_delivered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        if self._is_localized_copy:
            raise RuntimeError("A letter shown in a language is a copy: save the letter itself.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("letters:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.delivered_on:
            if self.delivered_on > timezone.localdate():
                errors["delivered_on"] = _(
                    "The delivery date is in the future: record the delivery once it happened."
                )
            if not self.delivered_to.strip():
                errors["delivered_to"] = _("Say to whom the letter was delivered.")
        else:
            if self.reopened:
                errors["reopened"] = _(
                    "Only a delivered letter can be reopened: enter the delivery first."
                )
            for field in ("delivered_to", "delivery_note", "delivery_url"):
                if getattr(self, field):
                    errors[field] = _("Enter the delivery date too, or leave this empty.")
        if errors:
            raise ValidationError(errors)

    # The language the text of this instance is in, and when that text last changed (see
    # `localized`).
    shown_language: str = ""
    text_updated_at: datetime | None = None
    _is_localized_copy = False

    def localized(self, language: str) -> Letter:
        """This letter as a reader of `language` reads it: its published translation into
        that language when there is one, else the original. A copy, never saved."""
        text = copy.copy(self)
        text.shown_language = self.original_language
        text.text_updated_at = self.updated_at
        if language != self.original_language:
            translation = next(
                (t for t in self.published_translations() if t.language == language), None
            )
            if translation is not None:
                text.title = translation.title
                text.summary = translation.summary
                text.body = translation.body
                text.recipients = translation.recipients
                text.delivered_to = translation.delivered_to or self.delivered_to
                text.delivery_note = translation.delivery_note or self.delivery_note
                text.shown_language = language
                text.text_updated_at = max(self.updated_at, translation.updated_at)
        text.__dict__.pop("body_html", None)
        text._is_localized_copy = True
        return text

    def published_translations(self) -> list[LetterTranslation]:
        """Read once per letter; a list of letters prefetches them all in one query
        (`LetterQuerySet.with_translations`)."""
        if "_published_translations" not in self.__dict__:
            self.__dict__["_published_translations"] = [
                t for t in self.translations.all() if t.published
            ]
        return self.__dict__["_published_translations"]

    @cached_property
    def body_html(self) -> SafeString:
        return render_markdown(self.body)

    def signing_state(self, now: datetime | None = None) -> Letter.Signing:
        now = now or timezone.now()
        if self.status == self.Status.DRAFT:
            return self.Signing.DRAFT
        if self.delivered_on and not self.reopened:
            return self.Signing.DELIVERED
        if self.status == self.Status.CLOSED or (self.closes_at and now >= self.closes_at):
            return self.Signing.CLOSED
        if self.opens_at and now < self.opens_at:
            return self.Signing.NOT_YET_OPEN
        return self.Signing.OPEN

    @property
    def is_accepting_signatures(self) -> bool:
        return self.signing_state() == self.Signing.OPEN


class LetterInitiator(models.Model):
    """An organisation that started the letter, shown as "Initiated by" with its logo. Not an
    account: the conveners of a coalition need not sign through the site."""

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="initiators", verbose_name=_("letter")
    )
    name = models.CharField(_("name"), max_length=200)
    website = models.URLField(_("website"), max_length=300, blank=True)
    logo = ProcessedImageField(_("logo"), rule="logo", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("initiator")
        verbose_name_plural = _("initiators")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class LetterTranslation(models.Model):
    """The letter's text in another language, shown once a person has reviewed it."""

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="translations", verbose_name=_("letter")
    )
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600)
    body = models.TextField(_("body"), help_text=_("Markdown. Scripts and styles are removed."))
    recipients = models.CharField(_("addressed to"), max_length=200)
    delivered_to = models.CharField(
        _("delivered to"),
        max_length=200,
        blank=True,
        help_text=_("Once the letter is delivered. Empty: the original's words are shown."),
    )
    delivery_note = models.TextField(_("delivery note"), max_length=600, blank=True)
    published = models.BooleanField(
        _("reviewed and published"),
        default=False,
        help_text=_("Readers of this language see this text only once this is ticked."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "language"], name="letter_translation_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter} ({self.language})"


class LetterPdf(models.Model):
    """The letter as a PDF with its signatories, for one language and one audience, written by
    the worker (letters/pdf.py) and served from storage: rendering 5,000 names takes seconds,
    which no request may spend."""

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Public")
        STAFF = "staff", _("Staff")

    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, related_name="pdfs", verbose_name=_("letter")
    )
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    file = models.FileField(_("file"), upload_to="letter-pdfs/", max_length=200)
    # What the file was made from (the list and the text); the refresh compares it with the
    # database's to know whether to render again.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    generated_at = models.DateTimeField(_("generated"))

    class Meta:
        verbose_name = _("letter PDF")
        verbose_name_plural = _("letter PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "language", "audience"], name="letter_pdf_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter.slug}-{self.language} ({self.audience})"
