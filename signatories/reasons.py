"""Why something happened to a signature: why it is held for review, why its organisation may
be a duplicate, why the audit trail moved it. Stored as a code and its parameters
(`{"code": ..., "params": {...}}` in a JSON field), put into words when shown, in the reader's
language: an English moderator reads an Arabic signer's duplicate hint in English, a French one
in French, and the hold reasons are no longer English in every language."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Held for review (Endorsement.held_reasons)
OVER_NETWORK_LIMIT = "over-network-limit"
OVER_DOMAIN_LIMIT = "over-domain-limit"
MAIL_CAP_REACHED = "mail-cap-reached"
BOT_TRAP_MALFORMED = "bot-trap-malformed"
HONEYPOT_FILLED = "honeypot-filled"
TOKEN_FORGED = "token-forged"  # noqa: S105 (a code, not a secret)
SENT_TOO_FAST = "sent-too-fast"
FORMULA_NAME = "formula-name"
CHANGED_AFTER_PUBLICATION = "changed-after-publication"  # also an audit reason
# Possible duplicates (Organization.duplicate_reasons)
SAME_WEBSITE = "same-website"
SAME_NAME = "same-name"
EMAIL_NOT_WEBSITE = "email-not-website"
SAME_NETWORK = "same-network"
SET_ASIDE_BY_IMPORT = "set-aside-by-import"
# The audit trail (EndorsementEvent.reason_code)
REPLACED = "replaced"
SIGNED_AGAIN = "signed-again"
HELD_FOR_REVIEW = "held-for-review"
NOT_ME = "not-me"
RELEASED = "released"
IMPORTED = "imported"

TEXTS: dict[str, Promise] = {
    OVER_NETWORK_LIMIT: _("More signatures from this network than the sign form allows."),
    OVER_DOMAIN_LIMIT: _("More signatures from this email domain than the sign form allows."),
    MAIL_CAP_REACHED: _(
        "The network's cap of automatic mail was reached: the confirmation mail waits for a "
        "moderator."
    ),
    BOT_TRAP_MALFORMED: _("The form's check against bots was tampered with."),
    HONEYPOT_FILLED: _("A field hidden from people, which only bots fill in, was filled in."),
    TOKEN_FORGED: _("The form's token was missing or forged."),
    SENT_TOO_FAST: _("The form was sent faster than a person can fill it in."),
    FORMULA_NAME: _("The imported name looks like a spreadsheet formula."),
    CHANGED_AFTER_PUBLICATION: _("Changed by the organisation after publication: %(fields)s."),
    SAME_WEBSITE: _("Same website domain (%(domain)s) as “%(other)s”."),
    SAME_NAME: _("Same name and country as “%(other)s”."),
    EMAIL_NOT_WEBSITE: _("Email domain %(email)s does not match the website %(site)s."),
    SAME_NETWORK: _("Signed from the same network as %(names)s in the last day."),
    SET_ASIDE_BY_IMPORT: _(
        "Set aside by an import on %(date)s: this online sign-up never confirmed its address, "
        "which a file of signatures collected offline gives to “%(name)s”."
    ),
    REPLACED: _("Replaced by a new submission from the same unconfirmed address."),
    SIGNED_AGAIN: _("Signed again after withdrawing."),
    HELD_FOR_REVIEW: _("Held for review: %(why)s"),
    NOT_ME: _("The owner of the address said they did not sign."),
    RELEASED: _("Confirmation mail released and sent by a moderator."),
    IMPORTED: _("Signature collected offline, imported from a file."),
}

# Who moved a signature when no person did (EndorsementEvent.actor_label): stored as these
# words, shown in the reader's language.
BY_EMAIL_VERIFICATION = "email verification"
BY_DETAILS_CHANGE = "organisation's change of details"
BY_IMPORT = "import"
ACTORS: dict[str, Promise] = {
    BY_EMAIL_VERIFICATION: _("email verification"),
    BY_DETAILS_CHANGE: _("the organisation's change of details"),
    BY_IMPORT: _("import"),
}


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def stored(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


def stored(reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    return [reason.stored() for reason in reasons]


def _field_names(names: Iterable[str]) -> str:
    organization = apps.get_model("signatories", "Organization")
    shown = []
    for name in names:
        try:
            shown.append(str(getattr(organization._meta.get_field(name), "verbose_name", name)))
        except FieldDoesNotExist:
            shown.append(name)
    return ", ".join(shown)


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _shown_params(code: str, params: Mapping[str, Any]) -> dict[str, Any]:
    shown = dict(params)
    if code == CHANGED_AFTER_PUBLICATION:
        shown["fields"] = _field_names(params.get("fields", []))
    elif code == SAME_NETWORK:
        shown["names"] = _quoted(params.get("names", []))
    elif code == SET_ASIDE_BY_IMPORT:
        with_date = params.get("date", "")
        try:
            shown["date"] = date_format(datetime.date.fromisoformat(with_date))
        except (TypeError, ValueError):
            shown["date"] = with_date
    elif code == HELD_FOR_REVIEW:
        shown["why"] = "; ".join(describe_all(params.get("reasons", [])))
    return shown


def describe(value: Mapping[str, Any] | Reason | str) -> str:
    """A stored reason in the active language. A code this version does not know is shown as
    it is (a row written by a newer version, or a note typed by a person before codes)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Reason):
        code, params = value.code, value.params
    else:
        code, params = str(value.get("code", "")), value.get("params") or {}
    text = TEXTS.get(code)
    if text is None:
        return str(params.get("text") or code)
    try:
        return str(text) % _shown_params(code, params)
    except (KeyError, TypeError, ValueError):
        return str(text)


def describe_all(values: Iterable[Mapping[str, Any] | Reason | str] | None) -> list[str]:
    return [describe(value) for value in values or []]


def describe_actor(label: str) -> str:
    word = ACTORS.get(label)
    return str(word) if word is not None else label


def one_line(values: Iterable[Mapping[str, Any] | Reason | str] | None) -> str:
    """Several reasons in one line (a title attribute, a list column)."""
    return " ".join(describe_all(values))


def renamed(values: Iterable[Mapping[str, Any]], *, former: str, now: str) -> list[dict[str, Any]]:
    """The same reasons with every mention of the organisation `former` naming `now` instead
    (an erased organisation leaves the hints of others, not its name)."""

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            return now if value == former else value
        if isinstance(value, list):
            return [rename(item) for item in value]
        return value

    return [
        {
            "code": value.get("code", ""),
            "params": {key: rename(item) for key, item in (value.get("params") or {}).items()},
        }
        for value in values
    ]
