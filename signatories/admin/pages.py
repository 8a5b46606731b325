"""The pages an admin adds for one object beside Django's change page (a review's approve
and reject, an update's preview and send)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, path

from coalition.admin import ModelAdmin


def object_pages(
    model_admin: admin.ModelAdmin[Any],
    pages: Iterable[tuple[str, str, Callable[..., HttpResponseBase]]],
) -> list[URLPattern]:
    """`<object_id>/<route>` for each (route, name, view), named `admin:<app>_<model>_<name>`
    as Django names its own, each behind the admin's login and permission check."""
    prefix = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}"
    return [
        path(
            f"<path:object_id>/{route}",
            model_admin.admin_site.admin_view(view),
            name=f"{prefix}_{name}",
        )
        for route, name, view in pages
    ]


class ChangePageContextMixin(ModelAdmin):
    """A change page that shows more than the form: `change_page_context` says what, for an
    object that exists (the add page and a missing object get Django's page as it is)."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        context = self.change_page_context(request, obj) if obj is not None else {}
        return super().change_view(
            request, object_id, form_url, extra_context={**(extra_context or {}), **context}
        )

    def change_page_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {}
