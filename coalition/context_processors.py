from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def contact(request: HttpRequest) -> dict[str, str]:
    """Where people write to the coalition: the footer shows it, every mail replies to it."""
    return {"COALITION_CONTACT_EMAIL": settings.COALITION_CONTACT_EMAIL}


def languages(request: HttpRequest) -> dict[str, object]:
    """The switcher's links and the hreflang alternates: this page in each language."""
    from .languages import language_links

    return {"language_links": language_links(request)}
