"""The list filters of the moderators' work queue and of the organisations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from letters.models import language_choices

from ..continents import Continent, countries_in
from ..countries import sorted_country_codes
from ..models import Endorsement

Status = Endorsement.Status


def country_choices(codes: set[str]) -> list[tuple[str, str]]:
    return [(code, str(countries.name(code)) or code) for code in sorted_country_codes(codes)]


def is_action_on_ticked_rows(request: HttpRequest) -> bool:
    """An admin action on rows ticked one by one (not "select all N matching the filter")."""
    return (
        request.method == "POST"
        and "action" in request.POST
        and request.POST.get("select_across") != "1"
    )


class WorkQueueStatusFilter(admin.SimpleListFilter):
    """The status filter, opening on the work queue: with no choice made, what awaits review.
    Its parameter is the one Django's own status filter would use, so links stay familiar."""

    title = gettext_lazy("status")
    parameter_name = "status__exact"
    ALL = "all"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(self.ALL, _("All")), *Status.choices]

    def value(self) -> str:
        return super().value() or Status.PENDING

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == self.ALL or is_action_on_ticked_rows(request):
            # An action works on the rows the moderator ticked: one that a colleague decided
            # a moment ago must reach the action, which says so, not vanish from the selection.
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist: Any) -> Iterator[dict[str, Any]]:  # type: ignore[override]
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class HeldFilter(admin.SimpleListFilter):
    """Endorsements the abuse checks held for a person to review (rate limit, bot trap)."""

    title = gettext_lazy("held for review")
    parameter_name = "held"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.exclude(held_reasons=[])
        if self.value() == "no":
            return queryset.filter(held_reasons=[])
        return queryset


class ContinentFilter(admin.SimpleListFilter):
    title = gettext_lazy("continent")
    parameter_name = "continent"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return list(Continent.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        continent = self.value()
        if continent and continent in Continent.values:
            return queryset.filter(organization__country__in=countries_in(continent))
        return queryset


class SelectListFilter(admin.SimpleListFilter):
    """A filter shown as one compact select and a button instead of a column of links (45
    countries make a column longer than the queue). A plain GET form: it works without
    scripts, from the keyboard, and carries the list's other filters and its search."""

    template = "admin/signatories/select_filter.html"

    def choices(self, changelist: Any) -> Iterator[dict[str, Any]]:  # type: ignore[override]
        # The other parameters of the list, as hidden fields of the filter's form.
        self.carried = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in (self.parameter_name, "p")
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {"selected": self.value() is None, "value": "", "display": _("All")}
        for lookup, title in self.lookup_choices:
            yield {"selected": self.value() == str(lookup), "value": lookup, "display": title}


class CountryFilter(SelectListFilter):
    """Only the countries that appear, by name."""

    title = gettext_lazy("country")
    parameter_name = "country"
    country_field = "organization__country"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        codes = model_admin.get_queryset(request).order_by().values_list(self.country_field)
        return country_choices({code for (code,) in codes.distinct()})

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(**{self.country_field: self.value()})
        return queryset


class OrganizationCountryFilter(CountryFilter):
    country_field = "country"


class SourceFilter(admin.SimpleListFilter):
    """Signatures collected offline and imported from a file, or made on the site."""

    title = gettext_lazy("source")
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("imported", _("Imported from a file")), ("online", _("Signed online"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "imported":
            return queryset.filter(imported=True)
        if self.value() == "online":
            return queryset.filter(imported=False)
        return queryset


class UpdatesConsentFilter(admin.SimpleListFilter):
    """Whether the organisation asked to hear about the campaign (the list for updates)."""

    title = gettext_lazy("updates about the campaign")
    parameter_name = "updates"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Asked for updates")), ("no", _("No updates"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(wants_updates=True)
        if self.value() == "no":
            return queryset.filter(wants_updates=False)
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    """The language the organisation signed in (none recorded for an imported signature)."""

    title = gettext_lazy("language signed in")
    parameter_name = "language"
    NONE = "none"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [*language_choices(), (self.NONE, _("Not recorded"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.NONE:
            return queryset.filter(language="")
        if value in {code for code, _name in language_choices()}:
            return queryset.filter(language=value)
        return queryset
