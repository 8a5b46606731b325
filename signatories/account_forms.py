"""allauth's forms, narrowed where the product needs it (set in ACCOUNT_FORMS)."""

from __future__ import annotations

from typing import Any, cast

from allauth.account.adapter import get_adapter
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .adapters import AccountAdapter
from .models import User
from .outbox import network_mail_cap_reached

NETWORK_MAIL_CAP_REACHED = _(
    "Too many automatic emails have been sent from your network recently, so none can be "
    "sent now. Please try again later, or sign in with your password if you have one."
)


def refuse_when_network_mail_cap_reached() -> None:
    """Past its network's cap a request mails nobody, and says so: the answer is the same
    for every address, so it tells nothing about who has an account, and a member signing in
    from an office a bot has used learns why no code came."""
    adapter = cast(AccountAdapter, get_adapter())
    if network_mail_cap_reached(adapter.visitor_network()):
        raise ValidationError(NETWORK_MAIL_CAP_REACHED, code="network_mail_cap")


def address_opens_account(user: User, email: str) -> bool:
    """An address signs into an account only when it is the account's own (the one it signed
    with) or verified for it: an address merely parked on an account, unconfirmed, must not
    let its real owner land in someone else's account."""
    return (
        user.email.lower() == email.lower()
        or EmailAddress.objects.filter(user=user, email=email.lower(), verified=True).exists()
    )


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    def clean_email(self) -> str:
        if address := self.cleaned_data["email"]:
            # The adapter's rule for an address, as allauth's other forms apply it.
            get_adapter().clean_email(address)
        email = super().clean_email()
        user = getattr(self, "_user", None)
        if email and user is not None and not address_opens_account(user, email):
            # Answered as for an unknown address: a mail saying there is no account.
            self._user = None
        return email

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        refuse_when_network_mail_cap_reached()
        return cleaned_data


class ResetPasswordForm(AllauthResetPasswordForm):
    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        refuse_when_network_mail_cap_reached()
        return cleaned_data
