"""allauth's forms, narrowed where the product needs it (set in ACCOUNT_FORMS)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.models import EmailAddress

from .models import User


def address_opens_account(user: User, email: str) -> bool:
    """An address signs into an account only when it is the account's own (the one it signed
    with) or verified for it: an address merely parked on an account, unconfirmed, must not
    let its real owner land in someone else's account."""
    return (
        user.email.lower() == email.lower()
        or EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
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
