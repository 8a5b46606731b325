"""News about a letter for the organisations that asked for it, and who it went to."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from letters.models import Letter, language_choices

from .accounts import person_field
from .endorsements import Endorsement
from .mail import OutgoingMail


class UpdateQuerySet(models.QuerySet["Update"]):
    def with_progress(self) -> UpdateQuerySet:
        """Each update's mails by where they are in the outbox: waiting, sent, failed."""
        status = OutgoingMail.Status
        mail_status = "deliveries__mail__status"
        return self.annotate(
            # A recipient whose mail is not written yet is waiting too.
            queued_count=Count(
                "deliveries",
                filter=Q(**{f"{mail_status}__in": [status.QUEUED, status.SENDING]})
                | Q(deliveries__mail__isnull=True),
            ),
            sent_count=Count("deliveries", filter=Q(**{mail_status: status.SENT})),
            failed_count=Count("deliveries", filter=Q(**{mail_status: status.FAILED})),
        )


class Update(models.Model):
    """News about a letter for the organisations that asked for it, written by staff in
    Markdown in the letter's original language, with translations beside it."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, related_name="updates", verbose_name=_("letter")
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Markdown, in the letter's original language. Recipients whose language has no "
            "translation below read this text."
        ),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    created_by = person_field(_("written by"), editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_by = person_field(_("sent by"), editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)

    objects = UpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates to signatories")
        ordering = ["-created_at"]
        permissions = [("send_update", "Can send update")]

    def __str__(self) -> str:
        return self.subject

    def text_in(self, language: str) -> tuple[str, str, str]:
        """(language, subject, Markdown body) a reader of `language` gets: the translation into
        it when there is one, else the text as written, in the letter's original language."""
        for translation in self.translations.all():
            if translation.language == language:
                return language, translation.subject, translation.body
        return self.letter.original_language, self.subject, self.body


class UpdateTranslation(models.Model):
    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, related_name="translations", verbose_name=_("update")
    )
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["update", "language"], name="update_translation_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.update} ({self.language})"


class UpdateDelivery(models.Model):
    """One recipient of one update. The unique pair is what makes sending idempotent: a
    retried task or a second click finds the row there and mails nobody twice."""

    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("update")
    )
    endorsement = models.ForeignKey(
        Endorsement,
        on_delete=models.CASCADE,
        related_name="update_deliveries",
        verbose_name=_("endorsement"),
    )
    mail = models.OneToOneField(
        OutgoingMail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="update_delivery",
        verbose_name=_("mail"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("update delivery")
        verbose_name_plural = _("update deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["update", "endorsement"], name="one_delivery_per_update_and_endorsement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.update} → {self.endorsement}"
