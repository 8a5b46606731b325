from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import cast

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailConfirmation, EmailConfirmationHMAC
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from coalition.languages import chosen_language
from letters.models import Letter

from . import emails, throttle
from .forms import (
    BotTrapForm,
    ContactEmailForm,
    EndorsementForm,
    OrganizationEditForm,
    OrganizationForm,
)
from .models import Endorsement, Organization, User, domain_of
from .reasons import OVER_DOMAIN_LIMIT, OVER_NETWORK_LIMIT, Reason
from .services import organizations, signing, updates, verification

# The address the "check your mail" page names: a signed cookie of its own, so that signing
# writes no session row (one round trip fewer under a surge, and no session for a visitor).
SIGNED_EMAIL_COOKIE = "signed_email"
SIGNED_EMAIL_SALT = "signatories.sign-done"
SIGNED_EMAIL_SECONDS = 60 * 60


class AuthenticatedHttpRequest(HttpRequest):
    """A request past @login_required (or an is_authenticated check): its user is an account."""

    user: User


def _get_endorsement_for_user(request: AuthenticatedHttpRequest, code: str) -> Endorsement:
    """The signed-in organisation's endorsement, or 404 for anyone else's."""
    return get_object_or_404(
        Endorsement.objects.select_related("letter", "organization"),
        uuid=code,
        organization__user=request.user,
    )


def _held_reasons(request: HttpRequest, *, email: str, trap: BotTrapForm | None) -> list[Reason]:
    """Why this signature should wait for a person, if it should: over a rate limit, or
    looking automated. It is recorded either way, and the answer is the same."""
    held = []
    limits: list[tuple[str, str | None]] = [("sign", None)]
    if email:
        limits.append(("sign_domain", domain_of(email)))
    refused = throttle.consume(request, limits)
    if "sign" in refused:
        held.append(Reason(OVER_NETWORK_LIMIT))
    if "sign_domain" in refused:
        held.append(Reason(OVER_DOMAIN_LIMIT))
    if trap is not None and (suspicion := trap.suspicion()):
        held.append(Reason(suspicion))
    return held


def _ip_hash(request: HttpRequest) -> str:
    return get_adapter(request).get_client_ip(request)


def _unavailable(request: HttpRequest, letter: Letter) -> HttpResponse:
    return render(
        request,
        "signatories/sign_unavailable.html",
        {"letter": letter, "state": letter.signing_state()},
        status=200 if request.method == "GET" else 409,
    )


@sensitive_post_parameters("email", "contact_name")
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.public(), slug=slug).localized(get_language())
    if not letter.is_accepting_signatures:
        return _unavailable(request, letter)
    if request.user.is_authenticated:
        return _sign_signed_in(cast(AuthenticatedHttpRequest, request), letter)

    data = request.POST if request.method == "POST" else None
    organization_form = OrganizationForm(data)
    email_form = ContactEmailForm(data)
    endorsement_form = EndorsementForm(data)
    trap = BotTrapForm(data)
    forms = (organization_form, email_form, endorsement_form)
    send_again = False
    if data is not None and all([form.is_valid() for form in forms]):
        email = email_form.cleaned_data["email"]
        token = trap.token_state()
        claim = trap.claim(email) if token == BotTrapForm.OK else ""
        if token == BotTrapForm.EXPIRED or claim == BotTrapForm.OTHER_ADDRESS:
            # An old tab, or a form already sent for another address: the person sends it
            # again (nothing they typed is lost); a replaying bot gets nothing.
            send_again = True
        else:
            try:
                signing.signatory_sign_up(
                    request=request,
                    letter=letter,
                    email=email,
                    details=organization_form.details(),
                    choices=endorsement_form.choices(),
                    held_reasons=_held_reasons(request, email=email, trap=trap),
                    ip_hash=_ip_hash(request),
                    # A double click gets one mail; a forged form token is a bot's, and no
                    # mail goes to whatever address it typed.
                    withhold_mail=token == BotTrapForm.FORGED or claim == BotTrapForm.REPEATED,
                    language=get_language(),
                )
            except signing.SigningUnavailable:
                return _unavailable(request, letter)
            response = redirect("signatories:sign_done", slug=letter.slug)
            response.set_signed_cookie(
                SIGNED_EMAIL_COOKIE,
                email,
                salt=SIGNED_EMAIL_SALT,
                max_age=SIGNED_EMAIL_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            return response
    return render(
        request,
        "signatories/sign.html",
        {
            "letter": letter,
            "organization_form": organization_form,
            "email_form": email_form,
            "endorsement_form": endorsement_form,
            "trap": BotTrapForm() if send_again else trap,
            "send_again": send_again,
        },
        status=400 if data is not None else 200,
    )


def _sign_signed_in(request: AuthenticatedHttpRequest, letter: Letter) -> HttpResponse:
    organization = Organization.objects.filter(user=request.user).first()
    existing = (
        Endorsement.objects.filter(organization=organization, letter=letter).first()
        if organization
        else None
    )
    if existing and existing.status != Endorsement.Status.WITHDRAWN:
        return render(
            request, "signatories/already_signed.html", {"letter": letter, "endorsement": existing}
        )
    data = request.POST if request.method == "POST" else None
    organization_form = OrganizationForm(data) if organization is None else None
    endorsement_form = EndorsementForm(data)
    forms = [f for f in (organization_form, endorsement_form) if f is not None]
    if data is not None and all([form.is_valid() for form in forms]):
        try:
            endorsement, created = signing.endorsement_sign(
                user=request.user,
                letter=letter,
                details=organization_form.details() if organization_form is not None else None,
                choices=endorsement_form.choices(),
                held_reasons=_held_reasons(request, email="", trap=None),
                ip_hash=_ip_hash(request),
                language=get_language(),
            )
        except signing.SigningUnavailable:
            return _unavailable(request, letter)
        if not created:
            return render(
                request,
                "signatories/already_signed.html",
                {"letter": letter, "endorsement": endorsement},
            )
        messages.success(request, _("Thank you: your endorsement is recorded."))
        return redirect("signatories:dashboard")
    return render(
        request,
        "signatories/sign_confirm.html",
        {
            "letter": letter,
            "organization": organization,
            "organization_form": organization_form,
            "endorsement_form": endorsement_form,
            "withdrawn": existing,
        },
        status=400 if data is not None else 200,
    )


def sign_done(request: HttpRequest, slug: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.public(), slug=slug).localized(get_language())
    return render(
        request,
        "signatories/sign_done.html",
        {
            "letter": letter,
            "email": request.get_signed_cookie(
                SIGNED_EMAIL_COOKIE,
                default="",
                salt=SIGNED_EMAIL_SALT,
                max_age=SIGNED_EMAIL_SECONDS,
            ),
        },
    )


def _confirmation_for_key(key: str) -> EmailConfirmation | EmailConfirmationHMAC | None:
    """The pending confirmation a mailed link stands for, or None once used or expired."""
    return EmailConfirmationHMAC.from_key(key) or EmailConfirmation.from_key(key)


@sensitive_post_parameters("contact_name")
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, key: str) -> HttpResponse:
    """The page a confirmation link opens: it names the organisation, the letters and what
    will be published, lets the owner correct the details, and confirms with one button."""
    confirmation = _confirmation_for_key(key)
    if confirmation is None:
        return render(request, "signatories/email_confirm_invalid.html", status=404)
    # In the language the organisation signed in, whichever browser opens the link, unless
    # the reader chose another with the switcher.
    language = chosen_language(request) or confirmation.email_address.user.language
    with translation.override(language):
        return _email_confirm(request, confirmation)


def _email_confirm(
    request: HttpRequest, confirmation: EmailConfirmation | EmailConfirmationHMAC
) -> HttpResponse:
    address = confirmation.email_address
    organization = Organization.objects.filter(user=address.user).first()
    # The details come back with the confirmation as the owner left them (corrected or not);
    # a bare POST, without the form's fields, confirms the details as they are.
    corrected = request.method == "POST" and "name" in request.POST
    # The form works on a copy: a correction that does not validate must not show in the
    # preview of what will be published, which reads `organization`.
    form = OrganizationForm(
        request.POST if corrected else None,
        instance=copy.copy(organization) if organization is not None else None,
    )
    if request.method == "POST" and "decline" in request.POST:
        verification.endorsements_decline(user=address.user)
        return render(request, "signatories/email_confirm_declined.html")
    if request.method == "POST" and (not corrected or form.is_valid()):
        try:
            moved = verification.signatory_confirm(
                request=request,
                confirmation=confirmation,
                details=form.details() if corrected and organization is not None else None,
                shown=request.POST.get("shown"),
            )
        except verification.PendingChanged:
            # Someone sent the form with this address after the page was opened: show what
            # waits now, and confirm nothing the owner has not seen.
            return _email_confirm_page(request, confirmation, organization, form, changed=True)
        if moved is None:
            return render(request, "signatories/email_confirm_invalid.html", status=404)
        if not request.user.is_authenticated:
            login(request, address.user, backend=settings.AUTHENTICATION_BACKENDS[-1])
        for endorsement in moved:
            messages.success(request, _confirmed_message(endorsement))
        if not moved:
            messages.success(request, _("Thank you: your address is confirmed."))
        return redirect("signatories:dashboard")
    return _email_confirm_page(request, confirmation, organization, form)


def _letters_as_read(endorsements: Iterable[Endorsement]) -> list[Endorsement]:
    """For a page only: each endorsement's letter in the reader's language (never saved)."""
    shown = list(endorsements)
    for endorsement in shown:
        endorsement.letter = endorsement.letter.localized(get_language())
    return shown


def _email_confirm_page(
    request: HttpRequest,
    confirmation: EmailConfirmation | EmailConfirmationHMAC,
    organization: Organization | None,
    form: OrganizationForm,
    *,
    changed: bool = False,
) -> HttpResponse:
    """The page names what waits now, and carries its fingerprint so that confirming
    confirms that and nothing sent meanwhile."""
    address = confirmation.email_address
    if changed and organization is not None:
        organization.refresh_from_db()
    pending = _letters_as_read(
        Endorsement.objects.filter(
            organization__user=address.user, status=Endorsement.Status.UNVERIFIED
        ).select_related("letter", "organization")
    )
    return render(
        request,
        "signatories/email_confirm.html",
        {
            "address": address,
            "organization": organization,
            "endorsements": pending,
            "form": form,
            "shown": verification.pending_fingerprint(user_id=address.user_id),
            "changed": changed,
        },
        status=409 if changed else 400 if request.method == "POST" else 200,
    )


def _title(letter: Letter) -> str:
    """The letter's title as the reader of the page reads it (its published translation)."""
    return letter.localized(get_language()).title


def _confirmed_message(endorsement: Endorsement) -> str:
    names = {"organization": endorsement.organization.name, "letter": _title(endorsement.letter)}
    if endorsement.status == Endorsement.Status.APPROVED:
        return _("Confirmed: %(organization)s signs “%(letter)s”, and the signature is public.") % (
            names
        )
    return (
        _(
            "Confirmed: %(organization)s signs “%(letter)s”. The coalition's moderators review "
            "the signature, and you get an email once it is published."
        )
        % names
    )


@login_required
@require_POST
def endorsement_confirm(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    endorsement = _get_endorsement_for_user(request, code)
    if verification.endorsement_confirm(endorsement=endorsement, actor=request.user):
        endorsement.refresh_from_db()
        messages.success(request, _confirmed_message(endorsement))
    return redirect("signatories:dashboard")


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization = Organization.objects.filter(user=request.user).first()
    endorsements = _letters_as_read(
        organization.endorsements.select_related("letter")
        .prefetch_related("letter__translations")
        .order_by("-signed_at")
        if organization
        else Endorsement.objects.none()
    )
    return render(
        request,
        "signatories/dashboard.html",
        {
            "organization": organization,
            "endorsements": endorsements,
            "awaiting": any(e.status == Endorsement.Status.UNVERIFIED for e in endorsements),
        },
    )


@sensitive_post_parameters("contact_name")
@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization = get_object_or_404(Organization, user=request.user)
    form = OrganizationEditForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=organization,
    )
    if request.method == "POST" and form.is_valid():
        new_logo, remove_logo = form.logo_change()
        sent_back = organizations.organization_update(
            organization=organization,
            details=form.details(),
            new_logo=new_logo,
            remove_logo=remove_logo,
        )
        if sent_back:
            messages.info(
                request,
                _(
                    "Your details are saved. Because what the public list shows changed, "
                    "the coalition's moderators look at your published endorsements again."
                ),
            )
        else:
            messages.success(request, _("Your details are saved."))
        return redirect("signatories:dashboard")
    return render(
        request,
        "signatories/organization_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def endorsement_withdraw(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    endorsement = _get_endorsement_for_user(request, code)
    if request.method == "POST":
        if signing.endorsement_withdraw(endorsement=endorsement, actor=request.user):
            messages.success(
                request,
                _("Your endorsement of “%(letter)s” is withdrawn.")
                % {"letter": _title(endorsement.letter)},
            )
        return redirect("signatories:dashboard")
    return render(
        request,
        "signatories/withdraw_confirm.html",
        {"endorsement": endorsement, "title": _title(endorsement.letter)},
    )


# RFC 8058: a mail client's "Unsubscribe" button POSTs "List-Unsubscribe=One-Click" to the
# link, with no cookie and no CSRF token. The signed token is what authorises the change, and
# the only change it can make is to stop updates.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def updates_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click stops an organisation's updates about a letter, without signing in. GET (a
    link scanner, a preview) only asks; POST stops them."""
    found = updates.unsubscribe_request_read(token)
    if found is None:
        return render(request, "signatories/unsubscribe_invalid.html", status=400)
    endorsement = found.endorsement
    # In the language the updates came in, whichever browser opens the link.
    language = emails.update_language(found.update, endorsement) if endorsement else get_language()
    with translation.override(language):
        letter = found.update.letter.localized(language)
        context = {"letter": letter, "endorsement": endorsement}
        if request.method == "POST" and endorsement is not None:
            updates.endorsement_unsubscribe(endorsement=endorsement)
            return render(request, "signatories/unsubscribe_done.html", context)
        return render(request, "signatories/unsubscribe_confirm.html", context)
