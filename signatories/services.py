"""Every write about organisations and endorsements. Views, the admin, the allauth adapter,
commands and tasks call these; none of them changes a status by itself."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coalition.links import absolute_url
from letters.models import Letter

from . import counts, emails, imports
from .models import (
    Endorsement,
    EndorsementEvent,
    Organization,
    OutgoingMail,
    User,
    domain_of,
    normalize_name,
)

logger = logging.getLogger(__name__)
Status = Endorsement.Status

# What the audit trail records when no person made the change.
BY_EMAIL_VERIFICATION = "email verification"
BY_DETAILS_CHANGE = "organisation's change of details"


class SigningUnavailable(Exception):
    """The letter is a draft, closed, or not yet open."""


@dataclass(frozen=True)
class OrganizationDetails:
    name: str
    country: str
    city: str
    website: str
    kind: str
    contact_name: str
    description: str = ""


@dataclass(frozen=True)
class EndorsementChoices:
    comment: str = ""
    listed_publicly: bool = True
    wants_updates: bool = False


def _ensure_open(letter: Letter) -> None:
    if not letter.is_accepting_signatures:
        raise SigningUnavailable(letter.signing_state())


def _status_after_verification(letter: Letter) -> str:
    if letter.moderation == Letter.Moderation.PUBLISH_ON_VERIFICATION:
        return Status.APPROVED
    return Status.PENDING


def _record(
    endorsement: Endorsement,
    *,
    from_status: str,
    to_status: str,
    actor: User | None,
    label: str,
    reason: str = "",
) -> None:
    EndorsementEvent.objects.create(
        endorsement=endorsement,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=(actor.email if actor else label)[:200],
        reason=reason,
    )


def _refresh_count_on_commit(letter: Letter) -> None:
    transaction.on_commit(lambda: counts.signatory_count_refresh(letter=letter))


def _notify(endorsement: Endorsement) -> None:
    """The mail an organisation gets when its endorsement reaches a new status."""
    if endorsement.imported:
        return
    if endorsement.status == Status.PENDING:
        emails.send_endorsement_received(endorsement)
    elif endorsement.status == Status.APPROVED:
        emails.send_endorsement_published(endorsement)
    elif endorsement.status == Status.REJECTED:
        emails.send_endorsement_rejected(endorsement)


def _stamp(endorsement: Endorsement, status: str) -> None:
    now = timezone.now()
    endorsement.status = status
    if status in (Status.PENDING, Status.APPROVED) and endorsement.verified_at is None:
        endorsement.verified_at = now
    if status == Status.APPROVED:
        endorsement.approved_at = now
    elif status == Status.REJECTED:
        endorsement.rejected_at = now
    elif status == Status.WITHDRAWN:
        endorsement.withdrawn_at = now


# Organisations ---------------------------------------------------------------------------


def _duplicate_reasons(organization: Organization) -> list[str]:
    others = Organization.objects.exclude(pk=organization.pk)
    reasons = []
    domain = organization.website_domain
    if domain:
        same_site = others.filter(website_domain=domain).first()
        if same_site:
            reasons.append(
                _("Same website domain (%(domain)s) as “%(other)s”.")
                % {"domain": domain, "other": same_site.name}
            )
    same_name = others.filter(
        normalized_name=organization.normalized_name, country=organization.country
    ).first()
    if same_name:
        reasons.append(_("Same name and country as “%(other)s”.") % {"other": same_name.name})
    email_domain = organization.email_domain
    if (
        domain
        and email_domain
        and not (
            email_domain == domain
            or email_domain.endswith(f".{domain}")
            or domain.endswith(f".{email_domain}")
        )
    ):
        reasons.append(
            _("Email domain %(email)s does not match the website %(site)s.")
            % {"email": email_domain, "site": domain}
        )
    return reasons


def _apply_details(organization: Organization, details: OrganizationDetails) -> None:
    organization.name = details.name.strip()
    organization.normalized_name = normalize_name(organization.name)[:200]
    organization.country = details.country
    organization.city = details.city.strip()
    organization.website = details.website.strip()
    organization.website_domain = domain_of(organization.website) if organization.website else ""
    organization.kind = details.kind
    organization.contact_name = details.contact_name.strip()
    organization.description = details.description.strip()


def _flag_shared_network(organization: Organization, ip_hash: str) -> None:
    """A hint, not a verdict: NGOs often share an office connection."""
    if not ip_hash:
        return
    since = timezone.now() - timedelta(days=1)
    others = (
        Endorsement.objects.filter(ip_hash=ip_hash, signed_at__gte=since)
        .exclude(organization=organization)
        .values_list("organization__name", flat=True)
        .distinct()[:5]
    )
    names = list(others)
    if names:
        organization.duplicate_reasons = [
            *organization.duplicate_reasons,
            _("Signed from the same network as %(names)s in the last day.")
            % {"names": ", ".join(f"“{name}”" for name in names)},
        ]
        organization.possible_duplicate = True
        organization.save(update_fields=["duplicate_reasons", "possible_duplicate"])


def organization_create(*, user: User, details: OrganizationDetails) -> Organization:
    organization = Organization(user=user)
    _apply_details(organization, details)
    organization.duplicate_reasons = _duplicate_reasons(organization)
    organization.possible_duplicate = bool(organization.duplicate_reasons)
    organization.save()
    return organization


def organization_update(*, organization: Organization, details: OrganizationDetails) -> int:
    """Save new details; a new name, country or website sends published endorsements back to
    review.
    Returns how many endorsements went back to review."""
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        # What the public sees of a signatory, and what a moderator vouched for: a new
        # name, country or website (a link on the public list) needs a new look.
        identity_changed = (
            organization.name != details.name.strip()
            or organization.country != details.country
            or organization.website != details.website.strip()
        )
        _apply_details(organization, details)
        organization.duplicate_reasons = _duplicate_reasons(organization)
        organization.possible_duplicate = bool(organization.duplicate_reasons)
        organization.save()
        if not identity_changed:
            return 0
        sent_back = 0
        for endorsement_id in organization.endorsements.approved().values_list("pk", flat=True):
            if _transition(
                endorsement_id=endorsement_id,
                allowed_from={Status.APPROVED},
                to_status=Status.PENDING,
                actor=None,
                label=BY_DETAILS_CHANGE,
                reason=_("Name or country changed by the organisation."),
                notify=False,
            ):
                sent_back += 1
        return sent_back


# Signing ---------------------------------------------------------------------------------


def _recent_mail_count(email: str, kinds: tuple[str, ...]) -> int:
    since = timezone.now() - timedelta(seconds=settings.SIGN_MAIL_WINDOW_SECONDS)
    return OutgoingMail.objects.filter(
        to__iexact=email, kind__in=kinds, created_at__gte=since
    ).count()


def _send_verification(request: HttpRequest | None, address: EmailAddress) -> bool:
    """Queue the verify-your-email mail, unless this address had its share recently."""
    kinds = ("email_confirmation_signup", "email_confirmation")
    if _recent_mail_count(address.email, kinds) >= settings.SIGN_MAIL_LIMIT:
        logger.info("Verification mail not re-sent: cap reached for an address")
        return False
    address.send_confirmation(request, signup=True)
    return True


def signatory_sign_up(
    *,
    request: HttpRequest | None,
    letter: Letter,
    email: str,
    details: OrganizationDetails,
    choices: EndorsementChoices,
    held_reason: str = "",
    ip_hash: str = "",
) -> None:
    """A signed-out visitor signs: account, organisation and an unverified endorsement in one
    transaction, and the verification mail queued with them.

    The answer is the same whether or not the address is known: the owner of a known
    address gets a mail instead, so the form cannot be used to find out who has signed."""
    _ensure_open(letter)
    email = User.objects.normalize_email(email.strip()).lower()
    if not User.objects.filter(email__iexact=email).exists():
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email)
                address = EmailAddress.objects.create(
                    user=user, email=email, primary=True, verified=False
                )
                organization = organization_create(user=user, details=details)
                _flag_shared_network(organization, ip_hash)
                endorsement = Endorsement.objects.create(
                    organization=organization,
                    letter=letter,
                    status=Status.UNVERIFIED,
                    comment=choices.comment,
                    listed_publicly=choices.listed_publicly,
                    wants_updates=choices.wants_updates,
                    held_reason=held_reason,
                    ip_hash=ip_hash,
                )
                _record(
                    endorsement,
                    from_status="",
                    to_status=Status.UNVERIFIED,
                    actor=None,
                    label=email,
                )
                _send_verification(request, address)
            return
        except IntegrityError:
            # A second click or tab created the account a moment ago: carry on as for a
            # known address.
            pass
    _sign_up_known_address(
        request=request,
        letter=letter,
        email=email,
        choices=choices,
        held_reason=held_reason,
        ip_hash=ip_hash,
    )


def _sign_up_known_address(
    *,
    request: HttpRequest | None,
    letter: Letter,
    email: str,
    choices: EndorsementChoices,
    held_reason: str,
    ip_hash: str,
) -> None:
    user = User.objects.filter(email__iexact=email).first()
    organization = Organization.objects.filter(user=user).first() if user else None
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if (
        organization
        and address
        and not address.verified
        and Endorsement.objects.filter(organization=organization, letter=letter).exists()
    ):
        # Most likely the same person sending the form again before confirming: send the
        # link once more. Nothing else changes: whoever types an unconfirmed address cannot
        # add letters or words to that organisation's pending signature.
        _send_verification(request, address)
        return
    endorsement = (
        Endorsement.objects.filter(organization=organization, letter=letter).first()
        if organization
        else None
    )
    if _recent_mail_count(email, ("already-registered",)) < settings.SIGN_MAIL_LIMIT:
        emails.send_already_registered(
            email=email,
            endorsement=endorsement,
            letter_url=absolute_url(letter.get_absolute_url()),
        )


def _endorsement_get_or_create(
    *,
    organization: Organization,
    letter: Letter,
    status: str,
    choices: EndorsementChoices,
    held_reason: str = "",
    ip_hash: str = "",
) -> tuple[Endorsement, bool]:
    try:
        with transaction.atomic():
            endorsement = Endorsement(
                organization=organization,
                letter=letter,
                comment=choices.comment,
                listed_publicly=choices.listed_publicly,
                wants_updates=choices.wants_updates,
                held_reason=held_reason,
                ip_hash=ip_hash,
            )
            _stamp(endorsement, status)
            endorsement.save()
            _record(
                endorsement,
                from_status="",
                to_status=status,
                actor=None,
                label=organization.user.email,
            )
            return endorsement, True
    except IntegrityError:
        return Endorsement.objects.get(organization=organization, letter=letter), False


def endorsement_create(
    *,
    organization: Organization,
    letter: Letter,
    choices: EndorsementChoices,
    held_reason: str = "",
    ip_hash: str = "",
) -> tuple[Endorsement, bool]:
    """A signed-in organisation endorses. Returns the endorsement and whether this call made
    (or re-opened) it; an existing one is returned untouched."""
    _ensure_open(letter)
    verified = EmailAddress.objects.filter(user=organization.user, verified=True).exists()
    status = _status_after_verification(letter) if verified else Status.UNVERIFIED
    if held_reason and status == Status.APPROVED:
        status = Status.PENDING
    with transaction.atomic():
        endorsement, created = _endorsement_get_or_create(
            organization=organization,
            letter=letter,
            status=status,
            choices=choices,
            held_reason=held_reason,
            ip_hash=ip_hash,
        )
        if created:
            if verified:
                _notify(endorsement)
                if endorsement.status == Status.APPROVED:
                    _refresh_count_on_commit(letter)
            else:
                address = EmailAddress.objects.filter(user=organization.user).first()
                if address:
                    _send_verification(None, address)
            return endorsement, True
    if endorsement.status == Status.WITHDRAWN and verified:
        reopened = _transition(
            endorsement_id=endorsement.pk,
            allowed_from={Status.WITHDRAWN},
            to_status=status,
            actor=None,
            label=organization.user.email,
            reason=_("Signed again after withdrawing."),
            changes={
                "comment": choices.comment,
                "listed_publicly": choices.listed_publicly,
                "wants_updates": choices.wants_updates,
                "held_reason": held_reason,
            },
        )
        if reopened:
            return reopened, True
    return endorsement, False


# Status changes --------------------------------------------------------------------------


def _transition(
    *,
    endorsement_id: int,
    allowed_from: set[str],
    to_status: str,
    actor: User | None,
    label: str,
    reason: str = "",
    notify: bool = True,
    unless_decided: bool = False,
    changes: dict[str, object] | None = None,
) -> Endorsement | None:
    """Move one endorsement, locking its row so that two moderators or two workers cannot both
    win. Returns the endorsement, or None when it was no longer in an allowed status (or,
    with `unless_decided`, when a person has decided it already)."""
    with transaction.atomic():
        endorsement = (
            Endorsement.objects.select_for_update(of=("self",))
            .select_related("organization__user", "letter")
            .get(pk=endorsement_id)
        )
        from_status = endorsement.status
        if from_status not in allowed_from:
            return None
        if unless_decided and endorsement.decided_by_id is not None:
            return None
        for field, value in (changes or {}).items():
            setattr(endorsement, field, value)
        _stamp(endorsement, to_status)
        if to_status in (Status.APPROVED, Status.REJECTED) and actor is not None:
            endorsement.decided_by = actor
        elif to_status in (Status.PENDING, Status.WITHDRAWN):
            endorsement.decided_by = None  # back in the queue: nobody's decision stands
        if to_status == Status.REJECTED:
            endorsement.rejection_reason = reason
        endorsement.save()
        _record(
            endorsement,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            label=label,
            reason=reason,
        )
        if notify:
            _notify(endorsement)
        if Status.APPROVED in (from_status, to_status):
            _refresh_count_on_commit(endorsement.letter)
        return endorsement


def endorsements_verify(*, user: User) -> int:
    """The account's email is confirmed: its unverified endorsements move on, to review or
    straight to publication as each letter's moderation mode says."""
    moved = 0
    ids = Endorsement.objects.filter(organization__user=user, status=Status.UNVERIFIED).values_list(
        "pk", "letter__moderation", "held_reason"
    )
    for endorsement_id, moderation, held_reason in ids:
        publish_now = moderation == Letter.Moderation.PUBLISH_ON_VERIFICATION and not held_reason
        if _transition(
            endorsement_id=endorsement_id,
            allowed_from={Status.UNVERIFIED},
            to_status=Status.APPROVED if publish_now else Status.PENDING,
            actor=None,
            label=BY_EMAIL_VERIFICATION,
            reason=_("Held for review: %(why)s") % {"why": held_reason} if held_reason else "",
        ):
            moved += 1
    return moved


def _decision_sources(
    default: set[str], expected_status: str | None, only_undecided: bool
) -> tuple[set[str], bool]:
    """Which statuses a moderator's decision may start from.

    A decision made from a page names the status the moderator saw (`expected_status`): if
    someone else decided in the meantime it changes nothing, instead of silently reversing
    them. A bulk action, which cannot know what was on screen, decides only what no person
    has decided yet (`only_undecided`): pending ones, and those published automatically on
    verification and awaiting review."""
    if expected_status is not None:
        return default & {expected_status}, False
    return default, only_undecided


def endorsement_approve(
    *,
    endorsement: Endorsement,
    moderator: User,
    expected_status: str | None = None,
    only_undecided: bool = False,
) -> bool:
    allowed, unless_decided = _decision_sources(
        {Status.PENDING, Status.REJECTED}, expected_status, only_undecided
    )
    return bool(
        _transition(
            endorsement_id=endorsement.pk,
            allowed_from=allowed,
            to_status=Status.APPROVED,
            actor=moderator,
            label="",
            unless_decided=unless_decided,
        )
    )


def endorsement_reject(
    *,
    endorsement: Endorsement,
    moderator: User,
    reason: str = "",
    expected_status: str | None = None,
    only_undecided: bool = False,
) -> bool:
    allowed, unless_decided = _decision_sources(
        {Status.PENDING, Status.APPROVED}, expected_status, only_undecided
    )
    return bool(
        _transition(
            endorsement_id=endorsement.pk,
            allowed_from=allowed,
            to_status=Status.REJECTED,
            actor=moderator,
            label="",
            reason=reason.strip(),
            unless_decided=unless_decided,
        )
    )


def endorsement_withdraw(*, endorsement: Endorsement, actor: User) -> bool:
    """The organisation takes its name off: it leaves the public list and the count at once,
    and the record stays for the audit."""
    return bool(
        _transition(
            endorsement_id=endorsement.pk,
            allowed_from={Status.UNVERIFIED, Status.PENDING, Status.APPROVED},
            to_status=Status.WITHDRAWN,
            actor=actor,
            label="",
            notify=False,
        )
    )


# Privacy: purging unconfirmed sign-ups and erasing an organisation on request -------------

ERASED = "erased"


def unverified_signups_purge() -> int:
    """Delete sign-ups whose email was never confirmed within the retention period: the
    account, its organisation, its endorsements and the mail sent to it. Returns how many
    accounts went."""
    cutoff = timezone.now() - timedelta(days=settings.UNVERIFIED_RETENTION_DAYS)
    stale_users = User.objects.filter(
        is_staff=False,
        date_joined__lt=cutoff,
        organization__isnull=False,
    ).exclude(emailaddress__verified=True)
    # Anything beyond an unverified endorsement (an import, a moderator's decision) is a
    # record someone made on purpose: those accounts stay.
    stale_users = stale_users.exclude(
        organization__endorsements__status__in=[
            Status.PENDING,
            Status.APPROVED,
            Status.REJECTED,
            Status.WITHDRAWN,
        ]
    )
    # Someone who sent the form again recently got a fresh link: let it live its days.
    recently_mailed = OutgoingMail.objects.filter(created_at__gte=cutoff).values("to")
    stale_users = stale_users.exclude(email__in=recently_mailed)
    purged = 0
    for user in stale_users.select_related("organization").distinct():
        with transaction.atomic():
            organization = user.organization
            EndorsementEvent.objects.filter(endorsement__organization=organization).delete()
            organization.endorsements.all().delete()
            organization.delete()
            OutgoingMail.objects.filter(to__iexact=user.email).delete()
            user.delete()
            purged += 1
    return purged


def organization_erase(*, organization: Organization) -> dict[str, int | bool]:
    """Erase an organisation's personal data on request. The public record of an approved
    endorsement it consented to list (name, country, city, website, type, date) stays."""
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        user = organization.user
        email = user.email
        keeps_public_record = organization.endorsements.public().exists()
        organization.contact_name = ""
        organization.description = ""
        if not keeps_public_record:
            organization.name = _("Erased organisation")
            organization.normalized_name = ""
            organization.website = ""
            organization.website_domain = ""
            organization.city = ""
        organization.duplicate_reasons = []
        organization.save()
        organization.endorsements.update(comment="", ip_hash="")
        events = EndorsementEvent.objects.filter(
            endorsement__organization=organization, actor_label__iexact=email
        ).update(actor_label=ERASED)
        mails = OutgoingMail.objects.filter(to__iexact=email).update(
            to=f"{ERASED}@{ERASED}.invalid",
            subject=ERASED,
            body_text="",
            body_html="",
            last_error="",
        )
        EmailAddress.objects.filter(user=user).delete()
        user.email = f"{ERASED}-{user.pk}@{ERASED}.invalid"
        user.first_name = user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    return {"kept_public_record": keeps_public_record, "events": events, "mails": mails}


# Moderation: the digest, corrections and the import of offline signatures ---------------

MODERATORS_GROUP = "Moderators"
BY_IMPORT = "import"


def moderation_digest_send() -> int:
    """Mail each moderator how many endorsements await review, letter by letter; nothing when
    none do. Returns how many mails were queued.

    Safe to run twice: a moderator who got a digest in the last half interval is skipped, and
    the group's row is locked so that two runs at once cannot both decide to mail."""
    waiting = [
        {"title": row["letter__title"], "pending": row["pending"], "oldest": row["oldest"]}
        for row in Endorsement.objects.awaiting_review()
        .values("letter__title")
        .annotate(pending=Count("id"), oldest=Min("signed_at"))
        .order_by("oldest")
    ]
    if not waiting:
        return 0
    total = sum(row["pending"] for row in waiting)
    recently = timezone.now() - timedelta(seconds=settings.MODERATION_DIGEST_SECONDS / 2)
    queued = 0
    with transaction.atomic():
        group = Group.objects.select_for_update().filter(name=MODERATORS_GROUP).first()
        if group is None:
            return 0
        already = set(
            OutgoingMail.objects.filter(
                kind=emails.MODERATION_DIGEST, created_at__gte=recently
            ).values_list("to", flat=True)
        )
        recipients = (
            group.user_set.filter(is_active=True, is_staff=True)
            .order_by("email")
            .values_list("email", flat=True)
        )
        for email in recipients:
            if email not in already:
                emails.send_moderation_digest(to=email, letters=waiting, total=total)
                queued += 1
    return queued


def organization_correct(*, organization: Organization, details: OrganizationDetails) -> None:
    """A moderator corrects an organisation's details (a typo, a missing website). Unlike the
    organisation's own change, nothing goes back to review: a moderator made it."""
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        _apply_details(organization, details)
        organization.duplicate_reasons = _duplicate_reasons(organization)
        organization.possible_duplicate = bool(organization.duplicate_reasons)
        organization.save()
        # A corrected country changes the count of countries and the list by country.
        for letter in Letter.objects.filter(
            endorsements__organization=organization, endorsements__status=Status.APPROVED
        ).distinct():
            _refresh_count_on_commit(letter)


class ImportRefused(Exception):
    """A row could not be written; nothing was."""


@dataclass(frozen=True)
class ImportSummary:
    endorsements_created: int
    organizations_created: int
    skipped: int

    def describe(self) -> str:
        created = ngettext(
            "%(count)d endorsement imported and approved",
            "%(count)d endorsements imported and approved",
            self.endorsements_created,
        ) % {"count": self.endorsements_created}
        organizations = ngettext(
            "%(count)d new organisation",
            "%(count)d new organisations",
            self.organizations_created,
        ) % {"count": self.organizations_created}
        skipped = ngettext(
            "%(count)d row skipped: the organisation had already endorsed the letter.",
            "%(count)d rows skipped: the organisation had already endorsed the letter.",
            self.skipped,
        ) % {"count": self.skipped}
        return f"{created} ({organizations}). {skipped}"


def _organization_import(signatory: imports.OfflineSignatory) -> Organization:
    if User.objects.filter(email__iexact=signatory.email).exists():
        # The row check refuses this too; here it guards against an account made since.
        raise ImportRefused(
            _("%(email)s belongs to an account that is not an organisation's.")
            % {"email": signatory.email}
        )
    user = User.objects.create_user(email=signatory.email)
    # Unverified: nobody has confirmed this address. The contact gets no mail from the import.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    return organization_create(
        user=user,
        details=OrganizationDetails(
            name=signatory.name,
            country=signatory.country,
            city=signatory.city,
            website=signatory.website,
            kind=signatory.kind,
            contact_name="",
        ),
    )


def signatories_import(
    *, letter: Letter, signatories: Sequence[imports.OfflineSignatory], actor: User | None
) -> ImportSummary:
    """Record signatures collected offline, all or nothing. Each row is matched to an existing
    organisation (same email, or same name and country) or creates one; an organisation that
    already endorsed the letter is left as it is, so importing a file twice adds nothing.
    Imported endorsements are approved, marked imported and attributed to `actor` (the staff
    member) or to "import"; nobody is mailed."""
    created = organizations_created = skipped = 0
    with transaction.atomic():
        # One import per letter at a time: two runs of the same file would otherwise both
        # create an organisation that only its name and country identify.
        list(Letter.objects.select_for_update().filter(pk=letter.pk))
        for signatory in signatories:
            organization = imports.find_organization(signatory)
            if organization is None:
                organization = _organization_import(signatory)
                organizations_created += 1
            elif Endorsement.objects.filter(organization=organization, letter=letter).exists():
                skipped += 1
                continue
            endorsement = Endorsement.objects.create(
                organization=organization,
                letter=letter,
                status=Status.APPROVED,
                imported=True,
                approved_at=timezone.now(),
                decided_by=actor,
            )
            _record(
                endorsement,
                from_status="",
                to_status=Status.APPROVED,
                actor=actor,
                label=BY_IMPORT,
                reason=_("Signature collected offline, imported from a file."),
            )
            created += 1
        if created:
            _refresh_count_on_commit(letter)
    return ImportSummary(
        endorsements_created=created, organizations_created=organizations_created, skipped=skipped
    )
