"""The site's languages: the switcher's links, the first visit in the browser's language, and
the chosen language remembered."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from .links import absolute_url

# Each language by its own name, as the switcher shows it.
OWN_NAMES = {
    "en": "English",
    "pt-br": "Português",
    "es": "Español",
    "fr": "Français",
    "ar": "العربية",
}

# The pages that exist in every language (under i18n_patterns in coalition/urls.py).
TRANSLATED_NAMESPACES = frozenset({"letters", "signatories"})


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in its own language: Português, العربية
    url: str  # this page in that language
    absolute_url: str
    choose_url: str  # the same, through the view that remembers the choice
    bidi: bool
    current: bool


def _is_translated_page(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return bool(set(match.namespaces) & TRANSLATED_NAMESPACES)


def _with_language(request: HttpRequest, code: str) -> str:
    """A page without a language prefix in another language: `?lang=` says which, for
    the pages that would otherwise follow someone else's choice (a confirmation link opens in
    the language its organisation signed in)."""
    query = request.GET.copy()
    query["lang"] = code
    return f"{request.path}?{query.urlencode()}"


def chosen_language(request: HttpRequest) -> str | None:
    """The language a switcher's link on a page without a prefix asked for, if any."""
    code = request.GET.get("lang", "")
    return code if code in dict(settings.LANGUAGES) else None


def language_links(request: HttpRequest) -> list[LanguageLink]:
    current = translation.get_language()
    path = request.get_full_path()
    translated = _is_translated_page(request.path_info)
    links = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        url = translate_url(path, code) if translated else _with_language(request, code)
        links.append(
            LanguageLink(
                code=code,
                name=OWN_NAMES.get(code, info["name_local"]),
                url=url,
                absolute_url=absolute_url(url),
                choose_url=f"/i18n/choose/{code}/?{_next(url)}",
                bidi=info["bidi"],
                current=code == current,
            )
        )
    return links


def _next(url: str) -> str:
    return urlencode({"next": url})


@require_safe
def language_choose(request: HttpRequest, code: str) -> HttpResponse:
    """A link of the switcher: remember the visitor's choice, then show the page in it. A link
    rather than a form, so that public pages set no CSRF cookie."""
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if code in dict(settings.LANGUAGES):
        _remember_language(response, code)
    return response


def _remember_language(response: HttpResponseBase, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, with two differences.

    With prefix_default_language=False Django serves every unprefixed URL in English, the
    admin and the sign-in pages too: those (not translated by a prefix) follow the visitor's
    choice or browser instead. And an unprefixed page is English whatever the browser asks
    for: a visitor who has chosen no language yet, and whose browser prefers one of ours, is
    sent to that language's page.

    A sign-in page opened from a page in a language (`?next=/ar/...`) is in that language, and
    so are the sign-in pages after it: the choice is remembered in the language cookie, which
    a sign-in page may set (a public page never does)."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:  # type: ignore[override]
        super().process_request(request)
        if translation.get_language_from_path(request.path_info) is not None:
            return None
        preferred = translation.get_language_from_request(request)
        if not _is_translated_page(request.path_info):
            came_from = chosen_language(request) or translation.get_language_from_path(
                request.GET.get("next", "")
            )
            if came_from is not None and came_from != request.COOKIES.get(
                settings.LANGUAGE_COOKIE_NAME
            ):
                preferred = request._language_to_remember = came_from  # type: ignore[attr-defined]
            translation.activate(preferred)
            request.LANGUAGE_CODE = translation.get_language()
            return None
        if (
            request.method in ("GET", "HEAD")
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and preferred != settings.LANGUAGE_CODE
            and preferred in dict(settings.LANGUAGES)
        ):
            response = HttpResponseRedirect(translate_url(request.get_full_path(), preferred))
            patch_vary_headers(response, ["Accept-Language"])
            return response
        return None

    def process_response(  # type: ignore[override]
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        if code := getattr(request, "_language_to_remember", None):
            _remember_language(response, code)
        return response
