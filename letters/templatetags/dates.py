"""A moment in the reader's language and the site's time zone: "1 décembre 2026 17:00 UTC"."""

from datetime import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def moment(value: datetime | None) -> str:
    """The locale's date-and-time format followed by the zone's name, so that a deadline read
    in Dhaka and in Bogotá is the same instant. Empty for no value."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"
