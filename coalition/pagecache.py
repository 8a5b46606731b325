"""Public pages from the cache: what an anonymous reader of a letter gets under a surge.

The letter page, its signatories page (per country filter and page), the home page, the embed
and count.json are rendered once and kept, per language, as the bytes and headers the whole
middleware stack produced. A reader without a session is served those bytes by this
middleware, which sits before sessions, messages, CSRF, authentication and allauth: none of
them runs on a hit, no query is made, no cookie is set, and nothing varies on `Cookie`. A
signed-in organisation (a session cookie) or a visitor with a message waiting is always
rendered afresh, and its answer is marked private so that no cache in front keeps it.

Freshness: every change the public can see (an approval, a rejection, a withdrawal, an edit of
a published organisation, a letter or one of its translations) moves one generation stamp
(`public_pages_changed`). A cached page rendered under an older stamp is rendered again on
its next read, at most PUBLIC_PAGE_STALE_SECONDS later, so that a thousand approvals a second
cost one rendering a second, not a thousand. Otherwise a page lives PUBLIC_PAGE_CACHE_SECONDS
here (the deadline's "3 days left" moves on) and carries `Cache-Control: public,
max-age=N, stale-while-revalidate=2N, stale-if-error=5N` for a CDN or nginx in front.

Canonical addresses only: a page is kept under a key made of its path, its language and the
canonical values of the parameters that name its content (`?country=BR&page=2`). Any other
parameter (`?utm_source=`, `?x=1`, `?Country=`) is dropped and the reader is served the
canonical page; `?country=br` and `?page=01` are read as the page's own links write them. A
value that names nothing (`?country=QQ`, `?page=7000`) is the view's 404, which is never
kept. So the keys a reader can make are bounded by the data: letters x languages x (countries
with listed signatories x their pages). A hit refuses a Host that ALLOWED_HOSTS refuses, with
the 400 a miss gets.

The cache is Redis (coalition.cache degrades to a miss when Redis fails): one round trip
reads the stamp and the page together, and each process keeps the pages it served last.

First in MIDDLEWARE: a hit runs no other middleware at all. The headers the rest of the
stack puts on a page (CSP, Permissions-Policy, Referrer-Policy, X-Frame-Options, nosniff...)
are kept with it, as they were when it was rendered; the two that depend on the request are
decided again on every hit: HSTS (https only) and the redirect to https (a plain-http request
falls through to SecurityMiddleware). A page is kept as it is and gzipped (Content-Encoding:
gzip for a client that accepts it, `Vary: Accept-Encoding`): the letter page is a quarter of
its size on the wire, compressed once per rendering rather than once per reader.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_max_age, patch_cache_control

from .languages import TRANSLATED_NAMESPACES

GENERATION_KEY = "public-pages:generation"
STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")


# The pages served from the cache, and the query parameters that name their content, each
# read into its canonical form ("" is the parameter's absence; None: not to be served from
# the cache). The key is made of those canonical values alone, and every other parameter (a
# tracking id, `?x=1`) is dropped before the page is rendered: the reader gets the canonical
# page from the canonical key, so that no query string can add an entry. Each app names its
# own pages (`cached_page`, from its AppConfig.ready()).
Canonical = Callable[[str], str | None]
PAGES: dict[tuple[str, str], dict[str, Canonical]] = {}


def cached_page(namespace: str, name: str, **parameters: Canonical) -> None:
    """Serve the page `namespace:name` from the cache, keyed by these parameters' canonical
    values. Only for a page that is the same for every anonymous reader of a language."""
    PAGES[(namespace, name)] = parameters


PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
KEPT_STATUS = 200
# Below this, gzip's own header and trailer eat what it saves (Django's GZipMiddleware too).
GZIP_FROM_BYTES = 200
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Decided again on each hit, from the request; the rest is kept as rendered.
_PER_REQUEST_HEADERS = {"vary", "cache-control", "age", "set-cookie", "content-length"}
_PER_REQUEST_HEADERS |= {"content-encoding", "strict-transport-security"}


def public_pages_changed() -> None:
    """Something the public sees has changed: every cached page is rendered again on its next
    read (within PUBLIC_PAGE_STALE_SECONDS)."""
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


@dataclass(frozen=True)
class CachedPage:
    generation: int
    rendered_at: float
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    gzipped: bytes | None  # None when gzip would not make it smaller
    max_age: int | None  # the view's own, when it set one

    def response(self, request: HttpRequest, now: float) -> HttpResponse:
        content = self.content
        gzipped = self.gzipped is not None and _ACCEPTS_GZIP.search(
            request.META.get("HTTP_ACCEPT_ENCODING", "")
        )
        if gzipped:
            content = cast(bytes, self.gzipped)
        response = HttpResponse(content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        if gzipped:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(content))
        response["Age"] = str(int(now - self.rendered_at))
        if request.is_secure() and (hsts := _hsts()):
            response["Strict-Transport-Security"] = hsts
        return response


def _gzipped(content: bytes) -> bytes | None:
    if len(content) < GZIP_FROM_BYTES:
        return None
    # mtime=0: the same page gives the same bytes in every process (ETags, CDNs).
    compressed = gzip.compress(content, compresslevel=6, mtime=0)
    return compressed if len(compressed) < len(content) else None


def _hsts() -> str:
    """SecurityMiddleware's Strict-Transport-Security, which a hit does not pass through."""
    seconds = settings.SECURE_HSTS_SECONDS
    if not seconds:
        return ""
    value = f"max-age={seconds}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        value += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        value += "; preload"
    return value


@dataclass(frozen=True)
class Plan:
    key: str
    query: str  # the canonical query string, the only one the page is rendered with
    shared: bool  # may a cache in front keep the answer?
    vary_language: bool  # an unprefixed page: English, or a redirect to the browser's language


def _page(path: str) -> tuple[str, str] | None:
    """(namespace, name) of the page at this path when it is one of PAGES. Resolved in the
    path's own language: the locale middleware, which would activate it, has not run yet."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    page = (match.namespace, match.url_name or "")
    return page if page in PAGES else None


def _canonical_query(request: HttpRequest, page: tuple[str, str]) -> str | None:
    """The query string of the page's canonical form (`country=BR&page=2`), or None when the
    request is not for the cache: a search, or a value that names nothing (rendered afresh,
    where the view answers 404). Of a repeated parameter the last value counts, as for the
    view (`QueryDict.get`)."""
    canonical = PAGES[page]
    params: dict[str, str] = {}
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return None  # refused with a 400 by coalition.errors.BadInputMiddleware
        reading = canonical.get(name)
        if reading is None:
            continue
        value = reading(values[-1])
        if value is None:
            return None
        if value:
            params[name] = value
    return urlencode(sorted(params.items()))


def _plan(request: HttpRequest, page: tuple[str, str] | None) -> Plan | None:
    """How to serve this request for `page` from the cache, or None when it must not be."""
    if page is None or any(name in request.COOKIES for name in PRIVATE_COOKIES):
        return None
    query = _canonical_query(request, page)
    if query is None:
        return None
    language, shared, vary_language = "", True, False
    if page[0] in TRANSLATED_NAMESPACES:
        language = translation.get_language_from_path(request.path_info) or ""
        if not language:
            chosen = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
            browser = translation.get_language_from_request(request)
            if not chosen and browser != settings.LANGUAGE_CODE:
                return None  # the locale middleware sends this visitor to their language
            language, vary_language = settings.LANGUAGE_CODE, True
            # English because of a choice this cache in front cannot see: not for it to keep.
            shared = not chosen
    address = f"{language}:{request.path}?{query}"
    return Plan(
        key="public-page:" + hashlib.sha256(address.encode()).hexdigest(),
        query=query,
        shared=shared,
        vary_language=vary_language,
    )


def _keepable(response: HttpResponseBase) -> bool:
    if response.status_code != KEPT_STATUS or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _kept_headers(response: HttpResponseBase) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, value)
        for name, value in response.items()
        if name.lower() not in _PER_REQUEST_HEADERS
    )


@lru_cache(maxsize=64)
def _cache_control_value(shared: bool, n: int) -> str:
    """Public, with the view's own max-age when it set one, and room for a CDN to keep serving
    while it revalidates or while the site is down. Computed once per (shared, n), not on
    every hit."""
    response = HttpResponse()
    if shared:
        patch_cache_control(
            response, public=True, max_age=n, stale_while_revalidate=2 * n, stale_if_error=5 * n
        )
    else:
        patch_cache_control(response, private=True, max_age=n)
    return response["Cache-Control"]


def _cache_control(response: HttpResponseBase, plan: Plan, max_age: int | None) -> None:
    n = max_age if max_age is not None else settings.PUBLIC_PAGE_MAX_AGE
    response["Vary"] = (
        "Accept-Encoding, Accept-Language" if plan.vary_language else "Accept-Encoding"
    )
    response["Cache-Control"] = _cache_control_value(plan.shared, n)


class PublicPageCacheMiddleware:
    """Two levels: this process's memory, then Redis. Within half of PUBLIC_PAGE_STALE_SECONDS
    a process trusts the stamp it last read, so that a hit under a surge costs no round trip
    at all; a page counts as fresh if it bears the current stamp, or was rendered within the
    other half. A change therefore shows within PUBLIC_PAGE_STALE_SECONDS."""

    LOCAL_PAGES = 256  # per process; beyond that the memory is emptied and refilled

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.local: dict[str, CachedPage] = {}
        self.generation, self.generation_read_at = 0, float("-inf")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Resolved once: only a GET of one of PAGES can be served from the cache. Static
        # files (WhiteNoise, below) are never pages: not worth resolving.
        route = None
        if request.method == "GET" and not request.path_info.startswith(STATIC_PREFIX):
            route = _page(request.path_info)
        plan = _plan(request, route)
        if plan is None or self._not_for_a_hit(request):
            response = self.get_response(request)
            if route is not None:
                # A signed-in reader's page, a search, or the 404 for a value that names
                # nothing: right for this reader only.
                patch_cache_control(response, private=True)
            return response
        now = time.time()
        half = settings.PUBLIC_PAGE_STALE_SECONDS / 2
        page = self.local.get(plan.key)
        if not (now - self.generation_read_at < half and self._fresh(page, now, half)):
            values = cache.get_many([GENERATION_KEY, plan.key])
            self.generation, self.generation_read_at = values.get(GENERATION_KEY, 0), now
            page = values.get(plan.key)
            if not self._fresh(page, now, half):
                return self._render(request, plan, now)
            self._remember(plan.key, cast(CachedPage, page))
        page = cast(CachedPage, page)
        response = page.response(request, now)
        _cache_control(response, plan, page.max_age)
        return response

    @staticmethod
    def _not_for_a_hit(request: HttpRequest) -> bool:
        """What the middleware below would answer instead of the page, answered by it: the
        redirect of plain http to https (SecurityMiddleware), and the 400 for a Host that
        ALLOWED_HOSTS does not name (CommonMiddleware). Otherwise ALLOWED_HOSTS (against
        forged Host headers and DNS rebinding) would hold only until a page is kept. Django's
        own check, so that the two answers cannot drift apart: ~4 us a hit."""
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return True
        try:
            request.get_host()
        except DisallowedHost:
            return True
        return False

    def _fresh(self, page: CachedPage | None, now: float, half: float) -> bool:
        if page is None or now - page.rendered_at >= settings.PUBLIC_PAGE_CACHE_SECONDS:
            return False
        return page.generation == self.generation or now - page.rendered_at < half

    def _remember(self, key: str, page: CachedPage) -> None:
        if len(self.local) >= self.LOCAL_PAGES:
            self.local.clear()
        self.local[key] = page

    def _render(self, request: HttpRequest, plan: Plan, now: float) -> HttpResponseBase:
        generation = self.generation  # as read before rendering: a change during it shows
        if request.META.get("QUERY_STRING", "") != plan.query:
            # Rendered as its canonical form: the page's links (the language switcher's
            # among them) carry no parameter of this one reader's to everyone it is served to.
            request.META["QUERY_STRING"] = plan.query
            request.GET = QueryDict(plan.query)
        response = self.get_response(request)
        if not _keepable(response):
            return response
        content = response.content  # type: ignore[attr-defined]
        page = CachedPage(
            generation=generation,
            rendered_at=now,
            status=response.status_code,
            headers=_kept_headers(response),
            content=content,
            gzipped=_gzipped(content),
            max_age=get_max_age(response),
        )
        cache.set(plan.key, page, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
        self._remember(plan.key, page)
        # The reader who missed gets what the next one will: gzipped when accepted.
        served = page.response(request, now)
        _cache_control(served, plan, page.max_age)
        return served
