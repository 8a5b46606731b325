"""What every admin of the site shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.functional import lazy
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object

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


class ValidSelectionMixin(_ModelAdmin):
    """A bulk action acts on ids of the list's own kind, or answers 400 with a page that says so.

    Django filters the rows with `pk__in=` whatever `_selected_action` holds: `abc`, `1.5`, an
    empty string or a null character raised a ValueError there, a 500 (an error mail, and a
    moderator told the site is broken). Each value is checked as the primary key's own form
    field would: its type, and its range (an id past the 64-bit range of the column)."""

    def response_action(
        self, request: HttpRequest, queryset: QuerySet[Any], *args: Any, **kwargs: Any
    ) -> HttpResponse | None:
        primary_key = self.model._meta.pk
        assert primary_key is not None
        for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
            try:
                primary_key.clean(value, None)
            except ValidationError:
                return self.bad_selection(request)
        return super().response_action(request, queryset, *args, **kwargs)

    def bad_selection(self, request: HttpRequest) -> TemplateResponse:
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": _("This selection could not be used"),
            "opts": self.opts,
            "message": _(
                "The rows sent with this action are not rows of this list, so nothing was "
                "changed. Please reload the list, tick the rows again and choose the action "
                "once more."
            ),
        }
        return TemplateResponse(request, "admin/bad_selection.html", context, status=400)


class ModelAdmin(StrictLookupsMixin, ValidSelectionMixin, admin.ModelAdmin):
    """The base class of every admin on the site (with StrictLookupsMixin and
    ValidSelectionMixin for those that extend another admin, such as the accounts'
    UserAdmin)."""


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponseBase:
    """Django's `admin/r/` shortcut ("View on site"), for staff who may see that model.

    Django redirects any staff member to the page of any object: a moderator, whom the admin
    shows no letters, read the address of a draft letter (its slug, which nothing public
    links to yet) from the redirect. 404 unless the user may view or change the model, as
    for a model that does not exist."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None:
        raise Http404
    model_admin = admin.site._registry.get(model)
    if model_admin is not None:
        allowed = model_admin.has_view_permission(request)
    else:
        opts = model._meta
        allowed = any(
            request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
            for action in ("view", "change")
        )
    if not allowed:
        raise Http404
    return contenttype_views.shortcut(request, content_type_id, object_id)


def _site_header() -> str:
    return _("%(site)s administration") % {"site": settings.SITE_NAME}


def _index_title() -> str:
    return _("%(site)s: letters and signatures") % {"site": settings.SITE_NAME}


# Staff keep the public site and the admin open side by side: "Django administration" named the
# framework, not the place. Lazy, so that each page reads them in its own language.
admin.site.site_header = lazy(_site_header, str)()
admin.site.site_title = lazy(_site_header, str)()
admin.site.index_title = lazy(_index_title, str)()
