"""Columns the endorsement and organisation lists share: a flag, a website, a duplicate hint."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_countries.fields import Country

from ..models import Organization


def flag(code: str) -> SafeString | str:
    """The country's flag and name; `code` is what a CountryField holds (a Country)."""
    country = Country(code=str(code))
    if not country.code:
        return ""
    return format_html(
        '<img src="{}" alt="" width="16" height="11"> {}',
        static(f"flags/{country.code.lower()}.gif"),
        country.name,
    )


def website_link(url: str) -> SafeString | str:
    if not url.startswith(("http://", "https://")):
        return url
    domain = url.split("://", 1)[1].split("/", 1)[0].removeprefix("www.")
    return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', url, domain)


def duplicate_flag(organization: Organization) -> SafeString | str:
    if not organization.possible_duplicate:
        return ""
    return format_html(
        '<span title="{}">⚠ {}</span>', " ".join(organization.duplicate_reasons), _("yes")
    )
