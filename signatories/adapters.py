from __future__ import annotations

import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.models import EmailAddress, EmailConfirmation
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from coalition.links import absolute_url

from .mailcontext import BatchReads, freeze, thaw
from .models import Endorsement, Organization, OutgoingMail, User, hash_ip
from .outbox import (
    CONFIRMATION_KINDS,
    Rendered,
    address_mail_allowed,
    caused_by_network,
    current_network,
    network_mail_cap_reached,
    outgoing_mail_queue_unrendered,
)

logger = logging.getLogger(__name__)
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length or 254
# allauth's mail that lets its reader into an account. allauth counts an address nobody ever
# confirmed (a sign-up typed by anyone, held past the network's cap or not) as an account's:
# mailing it these would let a stranger have the site mail any address, past the sign form's
# caps.
SIGN_IN_KINDS = frozenset({"login_code", "password_reset_key", "password_reset_code"})


def address_confirmed(email: str) -> bool:
    return EmailAddress.objects.filter(email=email.lower(), verified=True).exists()


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """An address an account may have, judged as it will be stored: lower-cased, which
        can lengthen it (İ becomes i and a combining dot), so that a 238-character address
        passed every form and then overflowed its 254-character column. Mail cannot be
        delivered to a longer address either. allauth's forms pass the address lower-cased;
        the sign form passes it as signing normalises it."""
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(
                _(
                    "This address is too long: an email address has at most %(max)d "
                    "characters, and this one has %(length)d once written in lower case."
                ),
                code="email_too_long",
                params={"max": EMAIL_MAX_LENGTH, "length": len(email)},
            )
        return super().clean_email(email)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are made by signing a letter (signatories.views.sign), which records the
        # organisation with the account; a bare account would be an organisation-less login.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's mail goes through the outbox like ours: written now, rendered and sent
        by the worker, in the language of the account it goes to."""
        kind = template_prefix.rsplit("/", 1)[-1]
        if kind in SIGN_IN_KINDS and not address_confirmed(email):
            # Whoever asked sees what an unknown address gets (ACCOUNT_PREVENT_ENUMERATION).
            logger.info("No %s mail: the address was never confirmed", kind)
            return
        # Under `caused_by_network` the caller (the sign form, a reminder) applied the caps and
        # decided what a refusal holds; otherwise the visitor's request caused this mail.
        network = current_network()
        if not network and (network := self.visitor_network()):
            over_address_cap = kind in CONFIRMATION_KINDS and not address_mail_allowed(
                email, CONFIRMATION_KINDS
            )
            if over_address_cap or network_mail_cap_reached(network):
                logger.warning("No %s mail: automatic mail cap reached", kind)
                return
        user = context.get("user")
        language = user.language if isinstance(user, User) else translation.get_language()
        with caused_by_network(network):
            outgoing_mail_queue_unrendered(
                kind=kind,
                to=email,
                renderer="allauth",
                template=template_prefix,
                context=freeze({key: value for key, value in context.items() if key != "request"}),
                language=language,
            )

    def visitor_network(self) -> str:
        """The network of the signed-out visitor whose request is causing mail now, if any:
        mail a signed-in person causes (a moderator's "release and send") is not capped."""
        request = self.request
        if request is None or getattr(request, "user", None) is None:
            return ""
        if request.user.is_authenticated:
            return ""
        return self.get_client_ip(request)

    def get_email_confirmation_url(
        self, request: HttpRequest | None, emailconfirmation: EmailConfirmation
    ) -> str:
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's network as a salted hash: rate-limit keys in the cache and the stored
        endorsements never hold the address itself. An IPv6 address counts by its /64, which
        one household or office usually holds whole."""
        ip = super().get_client_ip(request)
        address = ipaddress.ip_address(ip)
        if address.version == 6:
            ip = str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
        return hash_ip(ip)


def _awaiting_confirmation(user: User, language: str) -> dict[str, Any]:
    endorsements = list(
        Endorsement.objects.filter(
            organization__user=user, status=Endorsement.Status.UNVERIFIED
        ).select_related("letter", "organization")
    )
    for endorsement in endorsements:
        endorsement.letter = endorsement.letter.localized(language)
    return {
        # The organisation comes with its endorsements; a second query only when none waits.
        "organization": endorsements[0].organization
        if endorsements
        else Organization.objects.filter(user=user).first(),
        "endorsements": endorsements,
    }


def outgoing_mail_render(mail: OutgoingMail, reads: BatchReads | None = None) -> Rendered:
    """In the worker: allauth's templates for `mail.template`, in the recipient's language."""
    site = {"name": settings.SITE_NAME, "domain": urlsplit(settings.SITE_URL).netloc}
    fetch = reads.fetch if reads else None
    context = {"email": mail.to, "current_site": site, **thaw(mail.context, fetch)}
    user = context.get("user")
    with translation.override(mail.language or settings.LANGUAGE_CODE):
        if mail.template.startswith("account/email/email_confirmation") and user:
            # The owner sees what they would confirm, before they confirm it.
            context.update(_awaiting_confirmation(user, translation.get_language()))
        message = get_adapter().render_mail(mail.template, mail.to, context)
    html = next(
        (str(body) for body, mime in getattr(message, "alternatives", []) if mime == "text/html"),
        "",
    )
    if not html and message.content_subtype == "html":
        html = str(message.body)
    return Rendered(subject=str(message.subject), text=str(message.body), html=html)
