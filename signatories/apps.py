from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignatoriesConfig(AppConfig):
    name = "signatories"
    verbose_name = _("Signatories")

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from . import receivers

        # allauth confirms an address by link and also by login code; both send this
        # signal, and the receiver hands over to the service at once.
        email_confirmed.connect(receivers.on_email_confirmed, dispatch_uid="endorsements-verify")
