"""What every admin of the site shares."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.filters import SimpleListFilter
from django.http import HttpRequest

# The query parameters Django's own field filters use: `letter__id__exact`, `imported__exact`,
# `signed_at__gte` / `signed_at__lt`, `held__isnull`...
FILTER_SUFFIXES = ("exact", "isnull", "gte", "lt", "id__exact")


class StrictLookupsMixin:
    """A list can be filtered only by the filters it shows.

    Django's admin accepts a filter on any field of the model in the address bar. Each answer
    then tells whether some row matches: `?kind=password_reset_key&body_text__regex=key/1[0-9a]`
    reads a secret out of a list whose bodies are hidden, one character at a time. Anything
    but the admin's own filters is refused (DisallowedModelAdminLookup: a 400)."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        allowed: set[str] = set()
        for item in getattr(self, "list_filter", ()):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                allowed.add(str(item.parameter_name))
                continue
            path = item[0] if isinstance(item, list | tuple) else str(item)
            allowed.update(f"{path}__{suffix}" for suffix in FILTER_SUFFIXES)
        path = getattr(self, "date_hierarchy", None)
        if path:
            allowed.update(f"{path}__{part}" for part in ("year", "month", "day"))
        return lookup in allowed


class ModelAdmin(StrictLookupsMixin, admin.ModelAdmin):
    """The base class of every admin on the site (with StrictLookupsMixin for those that
    extend another admin, such as the accounts' UserAdmin)."""
