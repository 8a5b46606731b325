"""One function per message. Each writes the mail to the outbox with what it speaks of; the
worker renders templates/emails/<name>-{subject,body}.txt and <name>-body.html in the
recipient's language when it sends it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from letters.models import Letter, render_markdown

from .mailcontext import BatchReads, Link, freeze, thaw
from .models import Endorsement, OutgoingMail, Update, User
from .outbox import Rendered, outgoing_mail_queue_unrendered


def _queue(
    name: str,
    to: str,
    context: dict[str, Any],
    language: str,
    headers: dict[str, str] | None = None,
) -> OutgoingMail:
    """Write the message to the outbox, to be rendered by the worker in the recipient's
    language (never the request's), links included."""
    return outgoing_mail_queue_unrendered(
        kind=name,
        to=to,
        renderer="coalition",
        template=name,
        context=freeze(context),
        language=language,
        headers=headers,
    )


def outgoing_mail_render(mail: OutgoingMail, reads: BatchReads | None = None) -> Rendered:
    """In the worker: templates/emails/<name>-{subject,body}.txt and <name>-body.html."""
    name, language = mail.template, mail.language or settings.LANGUAGE_CODE
    reads = reads or BatchReads()
    with translation.override(language):
        context = thaw(mail.context, reads.fetch)
        if isinstance(context.get("letter"), Letter):
            context["letter"] = context["letter"].localized(language)
        if isinstance(context.get("update"), Update):
            context.update(_update_text(context.pop("update"), language))
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        for key, value in list(context.items()):
            if isinstance(value, Link):
                context[key] = value()
        subject = " ".join(reads.render(f"emails/{name}-subject.txt", context).split())
        text = reads.render(f"emails/{name}-body.txt", context).strip() + "\n"
        html = reads.render(f"emails/{name}-body.html", context)
    return Rendered(subject=subject, text=text, html=html)


def _link(view: str, **kwargs: Any) -> Link:
    """A link reversed when the mail is rendered, so in the recipient's language."""
    return Link(view, kwargs)


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


UPDATE = "update"


def _update_text(update: Update, language: str) -> dict[str, Any]:
    _language, subject, body = update.text_in(language)
    return {"update_subject": subject, "update_text": body, "update_html": render_markdown(body)}


def update_language(update: Update, endorsement: Endorsement) -> str:
    """The language an update reaches an organisation in: the one it signed in (else its
    account's) when the update has that translation, else the letter's original language."""
    wanted = endorsement.language or endorsement.organization.user.language
    return update.text_in(wanted)[0]


def _update_context(
    update: Update, unsubscribe_url: str, *, test_copy: bool = False
) -> dict[str, Any]:
    return {
        "update": update,
        "letter": update.letter,
        "letter_url": _link("letters:detail", slug=update.letter.slug),
        "unsubscribe_url": unsubscribe_url,
        "test_copy": test_copy,
    }


def send_update(
    *,
    update: Update,
    to: str,
    language: str,
    unsubscribe_url: str,
    test_copy: bool = False,
) -> OutgoingMail:
    """An update to one recipient, with the one-click unsubscribe headers of RFC 8058 (mail
    clients show an "Unsubscribe" button and POST to the link without opening it)."""
    return _queue(
        UPDATE,
        to,
        _update_context(update, unsubscribe_url, test_copy=test_copy),
        language,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def update_preview(*, update: Update, language: str, unsubscribe_url: str) -> Rendered:
    """The update as a reader of `language` will get it, rendered by the worker's own code."""
    mail = OutgoingMail(
        template=UPDATE,
        context=freeze(_update_context(update, unsubscribe_url)),
        language=update.text_in(language)[0],
    )
    return outgoing_mail_render(mail)


CONFIRMATION_REMINDER = "confirmation-reminder"


def send_confirmation_reminder(
    *, endorsement: Endorsement, user: User, confirmation_key: str
) -> OutgoingMail:
    """The one reminder to confirm a signature, with a fresh link to the confirmation page.
    Its kind is not readable by staff (signatories.outbox.READABLE_KINDS): the link confirms
    the address."""
    context = {
        **_endorsement_context(endorsement),
        "confirm_url": _link("account_confirm_email", key=confirmation_key),
    }
    return _queue(CONFIRMATION_REMINDER, user.email, context, user.language)
