from __future__ import annotations

import hashlib
import ipaddress
import secrets
import time
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from . import reasons
from .models import Endorsement, Organization, normalized_email
from .services.organizations import OrganizationDetails
from .services.signing import EndorsementChoices

# Legitimate in a name: joiners shape Persian, Arabic-script and Indic words, and the
# direction marks (LRM, RLM, ALM) keep punctuation in place in mixed-direction names. Unlike
# the overrides and isolates, marks never reorder the letters around them.
_JOINERS = "\u200c\u200d\u200e\u200f\u061c"


def reject_control_characters(value: str) -> None:
    """Invisible characters have no place in a name: control characters (line breaks and tabs
    aside), and format characters such as zero-width spaces and the bidi overrides (U+202E)
    that make a name read differently from what it holds. Joiners and marks are kept."""
    for c in value:
        category = unicodedata.category(c)
        if (category == "Cc" and c not in "\n\r\t") or (category == "Cf" and c not in _JOINERS):
            raise ValidationError(
                _("Please remove the invisible control characters from this field.")
            )


# Names a private network uses: a site there is no public website (and a link to it from our
# pages would point readers' browsers at their own network).
_LOCAL_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".lan", ".home.arpa")


def reject_line_breaks(value: str) -> None:
    if any(c in value for c in "\r\n\v\f\x85\u2028\u2029"):
        raise ValidationError(_("Please remove the invisible control characters from this field."))


def reject_non_public_website(value: str) -> None:
    """A website is an http(s) address on the public internet: not ftp://, not localhost, not a
    private or loopback address, not a name without a dot. An address that is no URL at all
    gets the URL field's own message alone, not a second one about private networks."""
    try:
        URLValidator()(value)
    except ValidationError:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValidationError(
            _("Enter a website address that starts with https:// or http://."),
            code="scheme",
        )
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        local = host == "localhost" or host.endswith(_LOCAL_SUFFIXES) or "." not in host
    else:
        local = not address.is_global
    if local:
        raise ValidationError(
            _("Enter the address of your public website, not a local or private one."),
            code="local",
        )


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("For example https://example.org"),
        validators=[reject_non_public_website],
    )

    class Meta:
        model = Organization
        fields = ["name", "country", "city", "website", "kind", "contact_name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "contact_name": _("Never shown publicly. Moderators may contact this person."),
            "description": _("Optional. One or two sentences about your work."),
        }

    # The person moderators may contact; not on record for organisations imported from a file,
    # which a moderator may still correct.
    contact_required = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].required = self.contact_required
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(reject_control_characters)
                if not isinstance(field.widget, forms.Textarea):
                    # No one types a line break in a one-line field; a crafted one would
                    # write its own lines into the mail that quotes the name.
                    field.validators.append(reject_line_breaks)
                # A browser cuts a pasted name at maxlength without a word; the server's
                # length check says what the limit is instead.
                field.widget.attrs.pop("maxlength", None)
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["website"].widget.attrs["autocomplete"] = "url"

    def details(self) -> OrganizationDetails:
        data = self.cleaned_data
        return OrganizationDetails(
            name=data["name"],
            country=str(data["country"]),
            city=data["city"],
            website=data["website"],
            kind=data["kind"],
            contact_name=data["contact_name"],
            description=data["description"],
        )


class OrganizationEditForm(OrganizationForm):
    """The organisation's own page of details: the sign form's fields and the logo."""

    class Meta(OrganizationForm.Meta):
        fields = [*OrganizationForm.Meta.fields, "logo"]

    def logo_change(self) -> tuple[File | None, bool]:
        """(the new logo, whether to remove the one on record)."""
        value = self.cleaned_data.get("logo")
        if value is False:
            return None, True
        return (value, False) if isinstance(value, ContentFile) else (None, False)


class EndorsementForm(forms.ModelForm):
    class Meta:
        model = Endorsement
        fields = ["comment", "listed_publicly", "wants_updates"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "comment": _("Optional. A sentence for the coalition's moderators."),
            "listed_publicly": _("Untick to sign without your name appearing in the public list."),
            "wants_updates": _("Optional. We will not share your address."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].validators.append(reject_control_characters)
        self.fields["comment"].widget.attrs.pop("maxlength", None)

    def choices(self) -> EndorsementChoices:
        data = self.cleaned_data
        return EndorsementChoices(
            comment=data["comment"].strip(),
            listed_publicly=data["listed_publicly"],
            wants_updates=data["wants_updates"],
        )


class ContactEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Contact email"),
        max_length=254,
        help_text=_("We send a link to confirm it. Never shown publicly."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.pop("maxlength", None)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        # The account keeps the address as signing normalises it, which can be longer than
        # what was typed: the account adapter's rule judges that form of it.
        get_adapter().clean_email(normalized_email(email))
        return email


class BotTrapForm(forms.Form):
    """A honeypot that people never see, and the time the form was shown, signed with a nonce.

    Neither refuses anything: a filled honeypot or a form sent faster than a person can fill
    it holds the endorsement for review, with the same answer as any other signature. The
    signed token is good for one submission (one address) within SIGN_FORM_MAX_AGE_SECONDS."""

    SIGNER_SALT = "signatories.sign-form-started"
    OK, EXPIRED, FORGED = "ok", "expired", "forged"

    leave_empty = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = self.new_token()

    @classmethod
    def new_token(cls, shown_at: float | None = None) -> str:
        shown = int(time.time() if shown_at is None else shown_at)
        signer = signing.TimestampSigner(salt=cls.SIGNER_SALT)
        return signer.sign(f"{shown}:{secrets.token_urlsafe(12)}")

    def _shown_at(self) -> int | None:
        if not self.is_valid():
            return None
        signer = signing.TimestampSigner(salt=self.SIGNER_SALT)
        try:
            value = signer.unsign(self.cleaned_data["started"])
            return int(value.split(":", 1)[0])
        except (signing.BadSignature, ValueError):
            return None

    def token_state(self) -> str:
        shown_at = self._shown_at()
        if shown_at is None:
            return self.FORGED
        if time.time() - shown_at > settings.SIGN_FORM_MAX_AGE_SECONDS:
            return self.EXPIRED
        return self.OK

    FIRST, REPEATED, OTHER_ADDRESS = "first", "repeated", "other address"

    def claim(self, email: str) -> str:
        """Spend the token on this address. REPEATED when it was spent on this address already
        (a double click: one mail is enough), OTHER_ADDRESS when spent on another one (a
        replayed form, or a person who came back to change the address and sends it again)."""
        token = hashlib.sha256(self.cleaned_data["started"].encode()).hexdigest()
        owner = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        key = f"sign-form-token:{token}"
        if cache.add(key, owner, timeout=settings.SIGN_FORM_MAX_AGE_SECONDS):
            return self.FIRST
        # Unknown (the cache lost it, or is down) counts as this address's own.
        return self.REPEATED if cache.get(key, owner) == owner else self.OTHER_ADDRESS

    def suspicion(self) -> str:
        """Why this submission looks automated (a code of signatories.reasons), or "" when it
        does not."""
        if not self.is_valid():
            return reasons.BOT_TRAP_MALFORMED
        if self.cleaned_data["leave_empty"]:
            return reasons.HONEYPOT_FILLED
        shown_at = self._shown_at()
        if shown_at is None:
            return reasons.TOKEN_FORGED
        if time.time() - shown_at < settings.SIGN_MIN_SECONDS:
            return reasons.SENT_TOO_FAST
        return ""
