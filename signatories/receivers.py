from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.http import HttpRequest

from .services import signing


def on_email_confirmed(
    sender: type, request: HttpRequest | None, email_address: EmailAddress, **kwargs: Any
) -> None:
    signing.endorsements_verify(user=email_address.user)
