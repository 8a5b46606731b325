from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailConfirmation
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from coalition.links import absolute_url

from .models import Endorsement, Organization, User, hash_ip
from .outbox import outgoing_mail_queue

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length or 254


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
        """allauth's mail goes through the outbox like ours: written now, sent by Celery."""
        site = {"name": settings.SITE_NAME, "domain": urlsplit(settings.SITE_URL).netloc}
        ctx = {"email": email, "current_site": site, **context}
        user = context.get("user")
        language = user.language if isinstance(user, User) else translation.get_language()
        with translation.override(language):
            if template_prefix.startswith("account/email/email_confirmation") and user:
                # The owner sees what they would confirm, before they confirm it.
                ctx.update(_awaiting_confirmation(user, language))
            message = self.render_mail(template_prefix, email, ctx)
        outgoing_mail_queue(kind=template_prefix.rsplit("/", 1)[-1], message=message)

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
        ).select_related("letter")
    )
    for endorsement in endorsements:
        endorsement.letter = endorsement.letter.localized(language)
    return {
        "organization": Organization.objects.filter(user=user).first(),
        "endorsements": endorsements,
    }
