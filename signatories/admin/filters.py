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


class CountryFilter(admin.SimpleListFilter):
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


class HeldFilter(admin.SimpleListFilter):
    """Endorsements the abuse checks held for a person to review (rate limit, bot trap)."""

    title = gettext_lazy("held for review")
    parameter_name = "held"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.exclude(held_reason="")
        if self.value() == "no":
            return queryset.filter(held_reason="")
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
