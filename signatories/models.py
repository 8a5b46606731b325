from __future__ import annotations

import re
import unicodedata
import uuid
from typing import ClassVar
from urllib.parse import urlsplit

import icu
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower, Upper
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from coalition.images import ProcessedImageField
from letters.models import Letter, language_choices

from . import reasons


def normalize_name(name: str) -> str:
    """Fold case, accents, punctuation and spacing: "Médecins  du-Monde" -> "medecins du monde"."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[\W_]+", " ", stripped.casefold())
    return " ".join(words.split())


_SPOOF_CHECKER = icu.SpoofChecker()


def duplicate_key(name: str) -> str:
    """Names that look alike on screen share this key: "Amnesty" with a Cyrillic capital A, or with
    a zero-width space inside, is "Amnesty". Invisible format characters are dropped, then
    ICU's confusable skeleton (Unicode UTS #39) maps look-alikes to one prototype."""
    visible = "".join(c for c in name if unicodedata.category(c) != "Cf")
    return normalize_name(_SPOOF_CHECKER.getSkeleton(0, normalize_name(visible)))[:200]


def domain_of(url_or_email: str) -> str:
    """The registrable-looking host of a website or an email address, without "www."."""
    value = url_or_email.strip().lower()
    if "@" in value and "://" not in value:
        host = value.rsplit("@", 1)[1]
    else:
        host = urlsplit(value if "://" in value else f"//{value}").hostname or ""
    return host.removeprefix("www.").rstrip(".")


def domains_agree(email_domain: str, website_domain: str) -> bool:
    """Whether an address plausibly belongs to a website: the same domain, or one inside the
    other (contact@mail.ngo.org for ngo.org)."""
    return (
        email_domain == website_domain
        or email_domain.endswith(f".{website_domain}")
        or website_domain.endswith(f".{email_domain}")
    )


def hash_ip(ip: str) -> str:
    """IP addresses are kept only as this salted hash: enough to see that two signatures came
    from one network, useless to find out which network."""
    return salted_hmac("signatories.ip", ip, secret=settings.IP_HASH_SALT).hexdigest()[:32]


def normalized_email(email: str) -> str:
    """An address as an account stores it (and as the sign form judges its length)."""
    return BaseUserManager.normalize_email(email.strip()).lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        """`createsuperuser`: the operator at the server vouches for the address they type, so
        it counts as verified and the first sign-in to the admin needs no mail round-trip."""
        from allauth.account.models import EmailAddress

        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self._create(email, password, **extra)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user


class User(AbstractUser):
    """An account: an organisation's contact address, or a staff member. Email is the login."""

    username = None  # type: ignore[assignment,misc]
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    # Mail to this account is written in this language (the one it signed in).
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            # Two tabs signing up the same address at once must not make two accounts.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email


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

    def counts_by_status(self) -> dict[str, int]:
        rows = self.values("status").annotate(n=Count("id")).order_by()
        return {row["status"]: row["n"] for row in rows}


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
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
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

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED and self.listed_publicly


class EndorsementEvent(models.Model):
    """One status change of an endorsement: the audit trail. Written only by services."""

    endorsement = models.ForeignKey(
        Endorsement, on_delete=models.CASCADE, related_name="events", verbose_name=_("endorsement")
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=Endorsement.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=Endorsement.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("sent by"),
    )
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
