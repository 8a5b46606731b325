"""The organisation, as it signs: one per account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from coalition.images import ProcessedImageField
from signatories import reasons

from .normalizing import domain_of, duplicate_key, normalize_name


class Organization(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        NETWORK = "network", _("Network or coalition")
        FAITH_BASED = "faith_based", _("Faith-based organisation")
        ACADEMIC = "academic", _("Academic institution")
        TRADE_UNION = "trade_union", _("Trade union")
        FOUNDATION = "foundation", _("Foundation")
        OTHER = "other", _("Other")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organization",
        verbose_name=_("account"),
    )
    name = models.CharField(_("organisation name"), max_length=200)
    normalized_name = models.CharField(max_length=200, editable=False, db_index=True)
    # For duplicate checks only: look-alike characters folded (search keeps normalized_name).
    duplicate_key = models.CharField(max_length=200, editable=False, blank=True)
    country = CountryField(_("country"), db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    website_domain = models.CharField(max_length=255, editable=False, blank=True, db_index=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.NGO)
    contact_name = models.CharField(
        _("contact person"),
        max_length=200,
        help_text=_("Never shown publicly."),
    )
    description = models.TextField(_("short description"), max_length=500, blank=True)
    logo = ProcessedImageField(
        _("logo"),
        rule="logo",
        blank=True,
        help_text=_("Optional. Shown beside your name in the public list."),
    )
    possible_duplicate = models.BooleanField(_("possible duplicate"), default=False)
    duplicate_reasons = models.JSONField(_("why it may be a duplicate"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["normalized_name", "country"]),
            models.Index(fields=["duplicate_key", "country"], name="organization_duplicate_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def duplicate_hints(self) -> list[str]:
        """Why it may be a duplicate, in the reader's language."""
        return reasons.describe_all(self.duplicate_reasons)

    def derive_fields(self) -> None:
        """The fields computed from others (the folded name that search and duplicate checks
        compare, the website's domain): set here, by whoever writes an organisation."""
        self.normalized_name = normalize_name(self.name)[:200]
        self.duplicate_key = duplicate_key(self.name)
        self.website_domain = domain_of(self.website) if self.website else ""

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def email_domain(self) -> str:
        return domain_of(self.user.email)
