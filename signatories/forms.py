from __future__ import annotations

import time
import unicodedata
from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Endorsement, Organization, User
from .services.organizations import OrganizationDetails
from .services.signing import EndorsementChoices


def reject_control_characters(value: str) -> None:
    """Invisible control characters have no place in a name; line breaks and tabs do."""
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in value):
        raise ValidationError(_("Please remove the invisible control characters from this field."))


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("For example https://example.org"),
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

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        # The account keeps the address as signing normalises it, which can be longer than
        # what was typed: the account adapter's rule judges that form of it.
        get_adapter().clean_email(User.objects.normalize_email(email.strip()).lower())
        return email


class BotTrapForm(forms.Form):
    """A honeypot that people never see, and the time the form was shown, signed.

    Neither refuses anything: a filled honeypot or a form sent faster than a person can fill
    it holds the endorsement for review, with the same answer as any other signature."""

    SIGNER_SALT = "signatories.sign-form-started"

    leave_empty = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            signer = signing.TimestampSigner(salt=self.SIGNER_SALT)
            self.initial["started"] = signer.sign(str(int(time.time())))

    def suspicion(self) -> str:
        """Why this submission looks automated, or "" when it does not."""
        if not self.is_valid():
            return "malformed bot trap"
        if self.cleaned_data["leave_empty"]:
            return "honeypot filled"
        signer = signing.TimestampSigner(salt=self.SIGNER_SALT)
        try:
            started = int(signer.unsign(self.cleaned_data["started"], max_age=86400))
        except (signing.BadSignature, ValueError):
            return "form timestamp missing, forged or older than a day"
        if time.time() - started < settings.SIGN_MIN_SECONDS:
            return "form sent faster than a person can fill it"
        return ""
