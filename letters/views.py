from __future__ import annotations

import csv
import io
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from csp.decorators import csp_replace
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from django_countries import countries
from django_countries.fields import Country

from signatories.counts import (
    SignatoryCount,
    listed_signatories_by_country,
    signatory_count,
    signatory_count_for_slug,
)
from signatories.emails import absolute_url
from signatories.models import Endorsement, normalize_name
from signatories.resources import export_failed_notice, guarded, rank_by_country, started
from signatories.spreadsheets import neutralize_formula

from .models import Letter

RECENT_SIGNATORIES = 10
SIGNATORIES_PER_PAGE = 100
SEARCH_MAX_LENGTH = 100
# Seconds a browser, proxy or CDN may reuse an answer. The count is polled every few seconds,
# so a short life keeps it live while a surge of identical requests is absorbed upstream.
COUNT_MAX_AGE = 5
EMBED_MAX_AGE = 60
OPEN_DATA_MAX_AGE = 300
EMBED_HEIGHT = 230
CSV_ROWS_PER_CHUNK = 500

# The only organisation fields the public side ever reads: never the email, the contact person,
# the description or the moderation notes.
PUBLIC_FIELDS = (
    "organization__name",
    "organization__country",
    "organization__city",
    "organization__website",
    "organization__kind",
    "signed_at",
)
OPEN_DATA_FIELDS = (
    "organisation",
    "country_code",
    "country_name",
    "city",
    "website",
    "type",
    "date_signed",
)


@dataclass(frozen=True)
class PublicSignatory:
    name: str
    country: Country
    city: str
    website: str
    kind: str
    signed_at: datetime


@dataclass
class CountryGroup:
    country: Country
    total: int
    continued: bool = False
    signatories: list[PublicSignatory] = field(default_factory=list)


def _linkable(url: str) -> str:
    """A website we may put in an href: imported rows never went through the form's checks."""
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _public_signatory(row: tuple[Any, ...]) -> PublicSignatory:
    name, country, city, website, kind, signed_at = row
    return PublicSignatory(
        name=name,
        country=Country(code=country),
        city=city,
        website=_linkable(website),
        kind=kind,
        signed_at=signed_at,
    )


def _listed(letter: Letter) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(letter=letter).public()


def _public_letter(slug: str) -> Letter:
    return get_object_or_404(Letter.objects.public(), slug=slug)


def _share_links(letter: Letter, url: str) -> list[tuple[str, str]]:
    text = f"{letter.title} {url}"
    return [
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        ("X", "https://x.com/intent/post?" + urlencode({"text": letter.title, "url": url})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        (
            _("Email"),
            "mailto:?" + urlencode({"subject": letter.title, "body": text}, quote_via=quote),
        ),
    ]


def _embed_code(letter: Letter) -> str:
    src = absolute_url(reverse("letters:embed", kwargs={"slug": letter.slug}))
    title = _("“%(title)s”: signatures") % {"title": letter.title}
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" '
        f'height="{EMBED_HEIGHT}" style="border:0;max-width:36rem" loading="lazy"></iframe>'
    )


def _share_text(letter: Letter, count: SignatoryCount) -> str:
    if not count["signatories"]:
        return letter.summary
    n, countries, continents = count["signatories"], count["countries"], count["continents"]
    signed = _("Signed by %(organisations)s %(countries)s %(continents)s.") % {
        "organisations": ngettext("%(n)s organisation", "%(n)s organisations", n) % {"n": n},
        "countries": ngettext("from %(n)s country", "from %(n)s countries", countries)
        % {"n": countries},
        "continents": ngettext("on %(n)s continent", "on %(n)s continents", continents)
        % {"n": continents},
    }
    return f"{signed} {letter.summary}"


def home(request: HttpRequest) -> HttpResponse:
    letters = list(Letter.objects.public())
    open_letters = [letter for letter in letters if letter.is_accepting_signatures]
    other_letters = [letter for letter in letters if not letter.is_accepting_signatures]
    return render(
        request,
        "letters/home.html",
        {"open_letters": open_letters, "other_letters": other_letters},
    )


def _recent_signatories(letter: Letter) -> list[PublicSignatory]:
    # No tie-breaker on purpose: ordering by approval time alone walks the partial index
    # endorsement_public_idx backwards and stops after ten rows.
    newest_first = _listed(letter).order_by("-approved_at")
    return [
        _public_signatory(row)
        for row in newest_first.values_list(*PUBLIC_FIELDS)[:RECENT_SIGNATORIES]
    ]


@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _public_letter(slug)
    count = signatory_count(letter)
    page_url = absolute_url(letter.get_absolute_url())
    return render(
        request,
        "letters/detail.html",
        {
            "letter": letter,
            "state": letter.signing_state(),
            "count": count,
            # Called by the template only when the list is not in the fragment cache.
            "recent": partial(_recent_signatories, letter),
            "page_url": page_url,
            "share_text": _share_text(letter, count),
            "share_links": _share_links(letter, page_url),
            "embed_code": _embed_code(letter),
            "site_name": settings.SITE_NAME,
        },
    )


def _country_filter(value: str) -> str:
    code = value.strip().upper()
    return code if len(code) == 2 and countries.alpha2(code) == code else ""


def _sorted_countries(codes: Container[str]) -> list[tuple[str, str]]:
    """(code, name) in the reader's alphabet order: "Allemagne" comes first in French.
    django-countries keeps the sorted list of each language, so this costs no translation."""
    return [(country.code, country.name) for country in countries if country.code in codes]


def _page_groups(
    listed: QuerySet[Endorsement], shown: list[str], per_country: dict[str, int], page: Page
) -> list[CountryGroup]:
    """The signatories of one page, grouped by country, in one query: the per-country counts
    tell which countries the page spans and how many rows of the first one to skip, so the
    database sorts only those countries' rows instead of every signatory of the letter."""
    start = page.start_index() - 1
    end = start + len(page.object_list)
    window: list[str] = []
    first_offset = offset = 0
    for code in shown:
        size = per_country[code]
        if offset + size > start and offset < end:
            if not window:
                first_offset = offset
            window.append(code)
        offset += size
        if offset >= end:
            break
    if not window:
        return []
    skip = start - first_offset
    rows = rank_by_country(
        listed.filter(organization__country__in=window),
        window,
        "organization__normalized_name",
        "pk",
    ).values_list(*PUBLIC_FIELDS)[skip : skip + (end - start)]
    groups = {
        code: CountryGroup(
            country=Country(code=code), total=per_country[code], continued=i == 0 and skip > 0
        )
        for i, code in enumerate(window)
    }
    for row in rows:
        signatory = _public_signatory(row)
        groups[signatory.country.code].signatories.append(signatory)
    return [group for group in groups.values() if group.signatories]


def _page_link(query: str, country_code: str, number: int) -> str:
    """A page's address with the filters and nothing else: the list is cached and shared by
    every visitor, so a stray parameter of one (a tracking id) must not reach the others."""
    params = {"q": query, "country": country_code, "page": number if number > 1 else ""}
    return "?" + urlencode({name: value for name, value in params.items() if value})


@require_safe
def signatories(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _public_letter(slug)
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    country_code = _country_filter(request.GET.get("country", ""))
    listed = _listed(letter)
    folded = normalize_name(query)
    if folded:
        listed = listed.filter(organization__normalized_name__contains=folded)
        per_country = {
            row["organization__country"]: row["n"]
            for row in listed.values("organization__country").annotate(n=Count("id")).order_by()
        }
    else:
        per_country = listed_signatories_by_country(letter)
    count = signatory_count(letter)  # read second: a refresh above updated it too
    all_countries = _sorted_countries(per_country)
    shown = [code for code, _name in all_countries if code == country_code or not country_code]
    total = sum(per_country[code] for code in shown)
    # Page arithmetic only: the total is already known, so no COUNT over every signatory.
    paginator = Paginator(range(total), SIGNATORIES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    link = partial(_page_link, query, country_code)
    return render(
        request,
        "letters/signatories.html",
        {
            "letter": letter,
            "count": count,
            "query": query,
            "country": Country(code=country_code) if country_code else None,
            "countries": [
                (code, f"{name} ({number_format(per_country[code], force_grouping=True)})")
                for code, name in all_countries
            ],
            "listed_total": sum(per_country.values()),
            "total": total,
            "page": page,
            "page_links": [
                (number, "" if number == paginator.ELLIPSIS else link(number))
                for number in paginator.get_elided_page_range(
                    page.number, on_each_side=2, on_ends=1
                )
            ],
            "previous_link": link(page.number - 1) if page.has_previous() else "",
            "next_link": link(page.number + 1) if page.has_next() else "",
            # Called by the template only when the list is not in the fragment cache.
            "groups": partial(_page_groups, listed, shown, per_country, page) if total else [],
        },
    )


def _with_public_caching(response: HttpResponse | StreamingHttpResponse, max_age: int) -> None:
    patch_cache_control(response, public=True, max_age=max_age)
    response["Access-Control-Allow-Origin"] = "*"


@require_safe
def count_json(request: HttpRequest, slug: str) -> HttpResponse:
    count = signatory_count_for_slug(slug)
    if count is None:
        raise Http404
    response = JsonResponse(count)
    _with_public_caching(response, COUNT_MAX_AGE)
    return response


@require_safe
def count_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """The count sentence alone, in the reader's language, for the page's script to swap in
    when count.json changes: plural rules stay the server's business."""
    count = signatory_count_for_slug(slug)
    if count is None:
        raise Http404
    response = render(request, "letters/_count.html", {"count": count})
    patch_cache_control(response, no_cache=True)
    return response


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@require_safe
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The one page partner sites may frame."""
    letter = _public_letter(slug)
    response = render(
        request,
        "letters/embed.html",
        {"letter": letter, "state": letter.signing_state(), "count": signatory_count(letter)},
    )
    patch_cache_control(response, public=True, max_age=EMBED_MAX_AGE)
    return response


def _open_data_country(request: HttpRequest) -> str | None:
    """`?country=BR` narrows the open data to one country; a code that is not one is refused
    (None), not ignored: a program would otherwise take the whole list for that country's."""
    value = request.GET.get("country", "")
    code = _country_filter(value)
    return None if value and not code else code


def _unknown_country() -> HttpResponse:
    return HttpResponseBadRequest(
        _("Unknown country code: use an ISO 3166-1 alpha-2 code such as BR."),
        content_type="text/plain; charset=utf-8",
    )


def _open_data(letter: Letter, country_code: str = "") -> Iterator[dict[str, str]]:
    """The public fields of every approved and listed signatory (of one country when asked),
    oldest first, with country names in English so that the files read the same whatever the
    visitor's language. The query runs before the first byte is sent."""
    listed = _listed(letter)
    if country_code:
        listed = listed.filter(organization__country=country_code)
    rows = started(
        listed.order_by("signed_at", "pk").values_list(*PUBLIC_FIELDS).iterator(chunk_size=2000)
    )
    return _open_data_rows(rows)


def _open_data_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[dict[str, str]]:
    english_names: dict[str, str] = {}
    for row in rows:
        signatory = _public_signatory(row)
        code = signatory.country.code
        if code not in english_names:
            with translation.override("en"):
                english_names[code] = str(signatory.country.name)
        yield {
            "organisation": signatory.name,
            "country_code": code,
            "country_name": english_names[code],
            "city": signatory.city,
            "website": signatory.website,
            "type": signatory.kind,
            "date_signed": timezone.localdate(signatory.signed_at).isoformat(),
        }


def _csv_chunks(rows: Iterator[dict[str, str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(OPEN_DATA_FIELDS)
    for number, row in enumerate(rows, start=1):
        writer.writerow([neutralize_formula(row[name]) for name in OPEN_DATA_FIELDS])
        if number % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_failure_line() -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([export_failed_notice()])
    return buffer.getvalue()


@require_safe
def signatories_csv(request: HttpRequest, slug: str) -> HttpResponseBase:
    letter = _public_letter(slug)
    country_code = _open_data_country(request)
    if country_code is None:
        return _unknown_country()
    response = StreamingHttpResponse(
        guarded(_csv_chunks(_open_data(letter, country_code)), _csv_failure_line),
        content_type="text/csv; charset=utf-8",
    )
    filename = "-".join(filter(None, [letter.slug, country_code.lower(), "signatories.csv"]))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    _with_public_caching(response, OPEN_DATA_MAX_AGE)
    return response


@require_safe
def signatories_json(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _public_letter(slug)
    country_code = _open_data_country(request)
    if country_code is None:
        return _unknown_country()
    data = {
        "letter": {
            "slug": letter.slug,
            "title": letter.title,
            "url": absolute_url(letter.get_absolute_url()),
        },
        "generated_at": timezone.now().isoformat(),
        "country": country_code or None,
        "signatories": list(_open_data(letter, country_code)),
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    _with_public_caching(response, OPEN_DATA_MAX_AGE)
    return response
