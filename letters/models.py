from __future__ import annotations

from datetime import datetime

import markdown
import nh3
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# What the rendered Markdown may contain: text structure and links, nothing that runs.
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


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
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("letters:detail", kwargs={"slug": self.slug})

    @cached_property
    def body_html(self) -> SafeString:
        return render_markdown(self.body)

    def signing_state(self, now: datetime | None = None) -> Letter.Signing:
        now = now or timezone.now()
        if self.status == self.Status.DRAFT:
            return self.Signing.DRAFT
        if self.status == self.Status.CLOSED or (self.closes_at and now >= self.closes_at):
            return self.Signing.CLOSED
        if self.opens_at and now < self.opens_at:
            return self.Signing.NOT_YET_OPEN
        return self.Signing.OPEN

    @property
    def is_accepting_signatures(self) -> bool:
        return self.signing_state() == self.Signing.OPEN
