"""One function per message. Each renders templates/emails/<name>-{subject,body}.txt and
<name>-body.html in the active language and writes the mail to the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from coalition.links import absolute_url
from letters.models import Letter

from .models import Endorsement, OutgoingMail
from .outbox import outgoing_mail_queue


def _queue(name: str, to: str, context: dict[str, Any], language: str) -> OutgoingMail:
    """Render the message in the recipient's language (never the request's), links included."""
    with translation.override(language):
        if isinstance(context.get("letter"), Letter):
            context["letter"] = context["letter"].localized(language)
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        for key, value in list(context.items()):
            if callable(value) and key.endswith("_url"):
                context[key] = value()
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context).strip() + "\n"
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return outgoing_mail_queue(kind=name, message=message)


def _link(view: str, **kwargs: Any) -> Callable[[], str]:
    """A link reversed when the mail is rendered, so in the recipient's language."""
    return lambda: absolute_url(reverse(view, kwargs=kwargs or None))


def _endorsement_context(endorsement: Endorsement) -> dict[str, Any]:
    return {
        "endorsement": endorsement,
        "organization": endorsement.organization,
        "letter": endorsement.letter,
        "letter_url": _link("letters:detail", slug=endorsement.letter.slug),
        "account_url": _link("signatories:dashboard"),
    }


def _send_to_organization(name: str, endorsement: Endorsement, **extra: Any) -> OutgoingMail:
    user = endorsement.organization.user
    context = {**_endorsement_context(endorsement), **extra}
    return _queue(name, user.email, context, user.language)


def send_endorsement_received(endorsement: Endorsement) -> OutgoingMail:
    return _send_to_organization("endorsement-received", endorsement)


def send_endorsement_published(endorsement: Endorsement) -> OutgoingMail:
    return _send_to_organization(
        "endorsement-published",
        endorsement,
        signatories_url=_link("letters:signatories", slug=endorsement.letter.slug),
    )


def send_endorsement_rejected(endorsement: Endorsement) -> OutgoingMail:
    return _send_to_organization("endorsement-rejected", endorsement)


def send_already_registered(
    *, email: str, endorsement: Endorsement | None, letter: Letter, language: str
) -> OutgoingMail:
    """To the owner of an address someone entered on the sign form while signed out."""
    return _queue(
        "already-registered",
        email,
        {
            "endorsement": endorsement,
            "letter_url": _link("letters:detail", slug=letter.slug),
            "login_url": _link("account_request_login_code"),
        },
        language,
    )


MODERATION_DIGEST = "moderation-digest"


def send_moderation_digest(
    *, to: str, letters: list[dict[str, Any]], total: int, language: str
) -> OutgoingMail:
    """To a moderator, in their language: how many endorsements await review, per letter."""
    return _queue(
        MODERATION_DIGEST,
        to,
        {
            "letters": letters,
            "total": total,
            "review_url": _link("admin:signatories_endorsement_changelist"),
        },
        language,
    )
