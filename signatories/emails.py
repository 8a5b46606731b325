"""One function per message. Each renders templates/emails/<name>-{subject,body}.txt and
<name>-body.html in the active language and writes the mail to the outbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from coalition.links import absolute_url

from .models import Endorsement, OutgoingMail
from .outbox import outgoing_mail_queue


def _queue(name: str, to: str, context: dict[str, Any]) -> OutgoingMail:
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context).strip() + "\n"
    html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return outgoing_mail_queue(kind=name, message=message)


def _endorsement_context(endorsement: Endorsement) -> dict[str, Any]:
    return {
        "endorsement": endorsement,
        "organization": endorsement.organization,
        "letter": endorsement.letter,
        "letter_url": absolute_url(endorsement.letter.get_absolute_url()),
        "account_url": absolute_url(reverse("signatories:dashboard")),
    }


def send_endorsement_received(endorsement: Endorsement) -> OutgoingMail:
    return _queue(
        "endorsement-received",
        endorsement.organization.user.email,
        _endorsement_context(endorsement),
    )


def send_endorsement_published(endorsement: Endorsement) -> OutgoingMail:
    context = _endorsement_context(endorsement)
    context["signatories_url"] = absolute_url(
        reverse("letters:signatories", kwargs={"slug": endorsement.letter.slug})
    )
    return _queue("endorsement-published", endorsement.organization.user.email, context)


def send_endorsement_rejected(endorsement: Endorsement) -> OutgoingMail:
    return _queue(
        "endorsement-rejected",
        endorsement.organization.user.email,
        _endorsement_context(endorsement),
    )


def send_already_registered(
    *, email: str, endorsement: Endorsement | None, letter_url: str
) -> OutgoingMail:
    """To the owner of an address someone entered on the sign form while signed out."""
    return _queue(
        "already-registered",
        email,
        {
            "endorsement": endorsement,
            "letter_url": letter_url,
            "login_url": absolute_url(reverse("account_request_login_code")),
        },
    )


MODERATION_DIGEST = "moderation-digest"


def send_moderation_digest(*, to: str, letters: list[dict[str, Any]], total: int) -> OutgoingMail:
    """To a moderator: how many endorsements await review, per letter, oldest first."""
    return _queue(
        MODERATION_DIGEST,
        to,
        {
            "letters": letters,
            "total": total,
            "review_url": absolute_url(reverse("admin:signatories_endorsement_changelist")),
        },
    )
