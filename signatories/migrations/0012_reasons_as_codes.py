"""Reasons as codes (signatories/reasons.py): hold reasons, duplicate hints and the audit trail's
system notes were stored as sentences, some in English whatever the reader's language, some in
the language of whoever caused them. Each known sentence, in any of the five languages, becomes
its code and parameters; anything else (a rejection reason a moderator typed) stays as text.

The sentences are frozen here as they were written, and read back through the catalogues so
that a French duplicate hint is recognised as well as an English one."""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

HOLDS = {
    "rate limit per network": "over-network-limit",
    "rate limit per email domain": "over-domain-limit",
    "malformed bot trap": "bot-trap-malformed",
    "honeypot filled": "honeypot-filled",
    "form token missing or forged": "token-forged",
    "form sent faster than a person can fill it": "sent-too-fast",
    "automatic mail cap for this network reached: mail waits for a moderator": "mail-cap-reached",
    "Imported name starts like a spreadsheet formula": "formula-name",
}
CHANGED = (
    "changed-after-publication",
    "Changed by the organisation after publication: %(fields)s.",
)
DUPLICATES = [
    ("same-website", "Same website domain (%(domain)s) as “%(other)s”."),
    ("same-name", "Same name and country as “%(other)s”."),
    ("email-not-website", "Email domain %(email)s does not match the website %(site)s."),
    ("same-network", "Signed from the same network as %(names)s in the last day."),
    (
        "set-aside-by-import",
        "Set aside by an import on %(date)s: this online sign-up never confirmed its address, "
        "which a file of signatures collected offline gives to “%(name)s”.",
    ),
]
EVENTS = [
    ("replaced", "Replaced by a new submission from the same unconfirmed address."),
    ("signed-again", "Signed again after withdrawing."),
    ("held-for-review", "Held for review: %(why)s"),
    ("not-me", "The owner of the address said they did not sign."),
    ("released", "Confirmation mail released and sent by a moderator."),
    ("imported", "Signature collected offline, imported from a file."),
    CHANGED,
]
PUBLIC_FIELDS = ("name", "country", "city", "website", "kind", "description", "logo")


@cache
def _patterns(entries: tuple[tuple[str, str], ...]) -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for code, msgid in entries:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                text = translation.gettext(msgid)
            pattern = re.sub(r"%\\\((\w+)\\\)s", r"(?P<\1>.+?)", re.escape(text))
            found.append((code, re.compile(f"^{pattern}$", re.S)))
    return found


def _match(text: str, entries: list[tuple[str, str]]) -> tuple[str, dict[str, str]] | None:
    for code, pattern in _patterns(tuple(entries)):
        if match := pattern.match(text.strip()):
            return code, match.groupdict()
    return None


@cache
def _field_names(organization_model) -> dict[str, str]:
    names = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for field in PUBLIC_FIELDS:
                verbose = translation.gettext(
                    str(organization_model._meta.get_field(field).verbose_name)
                )
                names[verbose.lower()] = field
    return names


def _note(text: str) -> dict:
    return {"code": "note", "params": {"text": text}}


def _changed(fields: str, organization_model) -> dict:
    known = _field_names(organization_model)
    return {
        "code": CHANGED[0],
        "params": {
            "fields": [known.get(part.strip().lower(), part.strip()) for part in fields.split(",")]
        },
    }


def _hold(text: str, organization_model) -> dict:
    if text in HOLDS:
        return {"code": HOLDS[text], "params": {}}
    if found := _match(text, [CHANGED]):
        return _changed(found[1]["fields"], organization_model)
    return _note(text)


def _holds(text: str, organization_model) -> list[dict]:
    if found := _match(text, [CHANGED]):
        return [_changed(found[1]["fields"], organization_model)]
    return [_hold(part.strip(), organization_model) for part in text.split(";") if part.strip()]


def _duplicate(text: str) -> dict:
    found = _match(text, DUPLICATES)
    if found is None:
        return _note(text)
    code, params = found
    if code == "same-network":
        return {
            "code": code,
            "params": {"names": [name.strip("“” ") for name in params["names"].split("”, “")]},
        }
    return {"code": code, "params": params}


def forwards(apps, schema_editor) -> None:
    Endorsement = apps.get_model("signatories", "Endorsement")
    EndorsementEvent = apps.get_model("signatories", "EndorsementEvent")
    Organization = apps.get_model("signatories", "Organization")
    held = []
    for endorsement in (
        Endorsement.objects.exclude(held_reason="").only("pk", "held_reason").iterator()
    ):
        endorsement.held_reasons = _holds(endorsement.held_reason, Organization)
        held.append(endorsement)
    Endorsement.objects.bulk_update(held, ["held_reasons"], batch_size=1000)
    hinted = []
    for organization in (
        Organization.objects.exclude(duplicate_reasons=[])
        .only("pk", "duplicate_reasons")
        .iterator()
    ):
        organization.duplicate_reasons = [
            reason if isinstance(reason, dict) else _duplicate(str(reason))
            for reason in organization.duplicate_reasons
        ]
        hinted.append(organization)
    Organization.objects.bulk_update(hinted, ["duplicate_reasons"], batch_size=1000)
    events = []
    for event in EndorsementEvent.objects.exclude(reason="").only("pk", "reason").iterator():
        found = _match(event.reason, EVENTS)
        if found is None:
            continue
        code, params = found
        if code == "held-for-review":
            params = {"reasons": _holds(params["why"], Organization)}
        elif code == CHANGED[0]:
            params = _changed(params["fields"], Organization)["params"]
        event.reason_code, event.reason_params, event.reason = code, params, ""
        events.append(event)
    EndorsementEvent.objects.bulk_update(
        events, ["reason_code", "reason_params", "reason"], batch_size=1000
    )


def _english(stored: dict) -> str:
    code, params = stored.get("code", ""), dict(stored.get("params") or {})
    for held, held_code in HOLDS.items():
        if held_code == code:
            return held
    templates = dict([*DUPLICATES, *EVENTS])
    if code not in templates:
        return str(params.get("text", code))
    if code == "same-network":
        params["names"] = ", ".join(f"“{name}”" for name in params.get("names", []))
    elif code == CHANGED[0]:
        params["fields"] = ", ".join(params.get("fields", []))
    elif code == "held-for-review":
        params["why"] = "; ".join(_english(reason) for reason in params.get("reasons", []))
    try:
        return templates[code] % params
    except (KeyError, TypeError):
        return code


def backwards(apps, schema_editor) -> None:
    Endorsement = apps.get_model("signatories", "Endorsement")
    EndorsementEvent = apps.get_model("signatories", "EndorsementEvent")
    Organization = apps.get_model("signatories", "Organization")
    for endorsement in Endorsement.objects.exclude(held_reasons=[]).iterator():
        endorsement.held_reason = "; ".join(
            _english(reason) for reason in endorsement.held_reasons
        )[:300]
        endorsement.save(update_fields=["held_reason"])
    for organization in Organization.objects.exclude(duplicate_reasons=[]).iterator():
        organization.duplicate_reasons = [
            _english(reason) if isinstance(reason, dict) else reason
            for reason in organization.duplicate_reasons
        ]
        organization.save(update_fields=["duplicate_reasons"])
    for event in EndorsementEvent.objects.exclude(reason_code="").iterator():
        event.reason = _english({"code": event.reason_code, "params": event.reason_params})
        event.save(update_fields=["reason"])


class Migration(migrations.Migration):
    dependencies = [("signatories", "0011_outgoingmail_to_recent")]

    operations = [
        migrations.AddField(
            model_name="endorsement",
            name="held_reasons",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Rate limit, honeypot or a form sent too fast: reviewed by a person even when the letter publishes on verification.",
                verbose_name="held for review because",
            ),
        ),
        migrations.AddField(
            model_name="endorsementevent",
            name="reason_code",
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.AddField(
            model_name="endorsementevent",
            name="reason_params",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="endorsement", name="held_reason"),
    ]
