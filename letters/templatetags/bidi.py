"""Text that users typed, kept in its own direction inside the printed letter.

Browsers honour `dir="auto"`; WeasyPrint does not (its stylesheet knows only ltr and rtl). So
the PDF resolves it here as a browser would, from the first strong character (`direction`),
and also wraps each name in Unicode's first-strong isolate (U+2068 ... U+2069), which Pango's
bidi algorithm applies: an Arabic name keeps its order inside a French list."""

from __future__ import annotations

import unicodedata

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


@register.filter
def isolated(value: str) -> SafeString:
    escaped = conditional_escape(value)
    return mark_safe(f"{FIRST_STRONG_ISOLATE}{escaped}{POP_DIRECTIONAL_ISOLATE}")  # noqa: S308 -- escaped just above


@register.filter
def direction(value: str) -> str:
    """ "rtl" or "ltr": what `dir="auto"` resolves to (HTML's rule: the first character with a
    strong direction decides; none means left to right)."""
    for character in str(value):
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
