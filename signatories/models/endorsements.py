"""An organisation's signature on a letter, and its audit trail."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from letters.models import Letter, language_choices
from signatories import reasons

from .accounts import person_field
from .organizations import Organization


class EndorsementQuerySet(models.QuerySet["Endorsement"]):
    def approved(self) -> EndorsementQuerySet:
        return self.filter(status=Endorsement.Status.APPROVED)

    def public(self) -> EndorsementQuerySet:
        """Approved endorsements whose organisation agreed to be listed: what the public sees."""
        return self.approved().filter(listed_publicly=True)

    def awaiting_review(self) -> EndorsementQuerySet:
        return self.filter(status=Endorsement.Status.PENDING)

    def wanting_updates(self) -> EndorsementQuerySet:
        """Who receives a letter's updates: organisations that ticked "send us updates" and
        whose signature stands on a confirmed address. Pending and approved are the statuses
        reached only once the address was confirmed (or staff vouched for it by an import);
        unverified, rejected and withdrawn signatures get nothing."""
        return self.filter(
            wants_updates=True,
            status__in=[Endorsement.Status.PENDING, Endorsement.Status.APPROVED],
            # An erased organisation's account is inactive, its address a placeholder.
            organization__user__is_active=True,
        )


class Endorsement(models.Model):
    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Email not yet verified")
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="endorsements",
        verbose_name=_("organisation"),
    )
    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, related_name="endorsements", verbose_name=_("letter")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNVERIFIED
    )
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    listed_publicly = models.BooleanField(
        _("list our organisation publicly on this letter"), default=True
    )
    wants_updates = models.BooleanField(_("send us updates about this campaign"), default=False)
    imported = models.BooleanField(_("imported"), default=False)
    language = models.CharField(
        _("language signed in"), max_length=10, blank=True, choices=language_choices
    )
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)
    verified_at = models.DateTimeField(_("email verified"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    decided_by = person_field(_("decided by"))
    rejection_reason = models.TextField(_("reason given"), max_length=1000, blank=True)
    # Codes and their parameters (signatories.reasons), put into words when shown.
    held_reasons = models.JSONField(
        _("held for review because"),
        default=list,
        blank=True,
        help_text=_(
            "Rate limit, honeypot or a form sent too fast: reviewed by a person even when "
            "the letter publishes on verification."
        ),
    )
    ip_hash = models.CharField(
        _("network (salted hash)"), max_length=64, blank=True, db_index=True, editable=False
    )
    # Set by the one reminder to confirm the address (signatories.services.reminders): a
    # conditional UPDATE on this column is what stops two beat runs from both sending one.
    reminded_at = models.DateTimeField(_("reminded to confirm"), null=True, blank=True)

    objects = EndorsementQuerySet.as_manager()

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["signed_at"]
        # django-import-export's permission codes (IMPORT_EXPORT_*_PERMISSION_CODE).
        permissions = [
            ("export_endorsement", "Can export endorsement"),
            ("import_endorsement", "Can import endorsement"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "letter"], name="one_endorsement_per_organization"
            )
        ]
        indexes = [
            models.Index(fields=["letter", "status", "signed_at"]),
            models.Index(
                fields=["letter", "approved_at"],
                condition=Q(status="approved", listed_publicly=True),
                name="endorsement_public_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.letter}"

    def held_for(self) -> list[str]:
        """Why it waits for a person, in the reader's language."""
        return reasons.describe_all(self.held_reasons)


class EndorsementEvent(models.Model):
    """One status change of an endorsement: the audit trail. Written only by services."""

    endorsement = models.ForeignKey(
        Endorsement, on_delete=models.CASCADE, related_name="events", verbose_name=_("endorsement")
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=Endorsement.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=Endorsement.Status.choices)
    actor = person_field(_("by"))
    actor_label = models.CharField(
        _("by (as recorded)"),
        max_length=200,
        help_text=_("The person's email, or the system step that made the change."),
    )
    # Why, as a code (signatories.reasons) when the system wrote it; `reason` holds what a
    # person typed (a rejection's reason).
    reason_code = models.CharField(max_length=40, blank=True, editable=False)
    reason_params = models.JSONField(default=dict, blank=True, editable=False)
    reason = models.TextField(_("why"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"

    def why(self) -> str:
        """In the reader's language when the system wrote it; as typed when a person did."""
        if self.reason_code:
            return reasons.describe({"code": self.reason_code, "params": self.reason_params})
        return self.reason

    def by(self) -> str:
        return reasons.describe_actor(self.actor_label)
