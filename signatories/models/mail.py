"""The outbox row. The task that sends it lives in signatories.outbox."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """The outbox: a mail is a row first, written with the change that causes it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("message"), max_length=100)
    to = models.EmailField(_("to"), max_length=254)
    from_email = models.CharField(_("from"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The salted hash of the network whose form submission caused an automatic mail: the
    # hourly cap per network counts these (Coalition must not relay mail for a bot).
    network = models.CharField(max_length=32, blank=True, editable=False)
    # A mail written by a request is rendered by the worker that sends it: until then the
    # row holds what to render (signatories.outbox.RENDERERS) and its context as JSON
    # (signatories.mailcontext), in the recipient's language. Emptied once rendered.
    renderer = models.CharField(max_length=20, blank=True, editable=False)
    template = models.CharField(max_length=200, blank=True, editable=False)
    context = models.JSONField(default=dict, blank=True, editable=False)
    language = models.CharField(max_length=10, blank=True, editable=False)
    # Extra headers of the message, such as an update's List-Unsubscribe (RFC 8058).
    headers = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["network", "created_at"], name="outgoingmail_network_recent"),
            # The sign form's per-address cap reads the recent mail to an address (case-blind)
            # on every POST: without this, a scan of the whole outbox each time.
            models.Index(Upper("to"), "created_at", name="outgoingmail_to_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
