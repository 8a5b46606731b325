from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from urllib.parse import quote, urlencode

from csp.decorators import csp_replace
from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import (
    FileResponse,
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
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from django_countries import countries
from django_countries.fields import Country

from coalition.links import absolute_url
from signatories import public
from signatories.public import SignatoryCount

from . import cards, pdf, worldmap
from .models import Letter, LetterPdf

RECENT_SIGNATORIES = 10
SIGNATORIES_PER_PAGE = 100
SEARCH_MAX_LENGTH = 100
# Seconds a browser, proxy or CDN may reuse an answer. The count is polled every few seconds,
# so a short life keeps it live while a surge of identical requests is absorbed upstream.
COUNT_MAX_AGE = 5
EMBED_MAX_AGE = 60
OPEN_DATA_MAX_AGE = 300
# A change to the list reaches the stored PDF within PDF_CHANGE_DELAY_SECONDS and a render: a
# browser or proxy keeping it five minutes showed 32 signatories under a page that said 33.
PDF_MAX_AGE = 60
EMBED_HEIGHT = 230


def _public_letter(slug: str) -> Letter:
    """The letter as this page's reader reads it: in their language when translated."""
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    return letter.localized(get_language())


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
    language = get_language()
    letters = [letter.localized(language) for letter in Letter.objects.public().with_translations()]
    open_letters = [letter for letter in letters if letter.is_accepting_signatures]
    other_letters = [letter for letter in letters if not letter.is_accepting_signatures]
    return render(
        request,
        "letters/home.html",
        {"open_letters": open_letters, "other_letters": other_letters},
    )


def _recent_signatories(letter: Letter) -> list[public.PublicSignatory]:
    return public.recent_signatories(letter, RECENT_SIGNATORIES)


def _country_list_link(letter: Letter, code: str) -> str:
    return reverse("letters:signatories", kwargs={"slug": letter.slug}) + _page_link("", code, 1)


def _world_map(letter: Letter, selected: str = "") -> worldmap.WorldMap:
    """Every listed signatory's country, whatever the page's search: the map is the whole
    picture, and its links narrow the list."""
    return worldmap.world_map(
        public.listed_per_country(letter), partial(_country_list_link, letter), selected
    )


def _progress(letter: Letter, count: SignatoryCount) -> int | None:
    """How far to the target, in percent (at most 100), or None without a target."""
    if not letter.target:
        return None
    return min(100, count["signatories"] * 100 // letter.target)


def _share_image(letter: Letter) -> str:
    if letter.banner:
        return absolute_url(letter.banner.url)
    return absolute_url(reverse("letters:card", kwargs={"slug": letter.slug}))


@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _public_letter(slug)
    count = public.signatory_count(letter)
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
            "world_map": partial(_world_map, letter),
            # Read only when the initiators are not in the fragment cache.
            "initiators": partial(list, letter.initiators.all()),
            "progress": _progress(letter, count),
            "share_image": _share_image(letter),
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


def _page_link(query: str, country_code: str, number: int) -> str:
    """A page's address with the filters and nothing else: the list is cached and shared by
    every visitor, so a stray parameter of one (a tracking id) must not reach the others."""
    params = {"q": query, "country": country_code, "page": number if number > 1 else ""}
    return "?" + urlencode({name: value for name, value in params.items() if value})


def _page_number(value: str) -> int | None:
    """The page a `?page=` names (none: the first), or None for what is no page number."""
    value = value.strip()
    if not value:
        return 1
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


# How the page cache (coalition.pagecache) reads the list's parameters: as the page's own
# links write them, so that `?country=br` and `?page=01` are the same page as its link.


def canonical_country(value: str) -> str | None:
    """BR for `br` or ` BR `, as the list reads it; None for what cannot be a code. Whether a
    country with that code has signatories is the view's to say: it answers 404 for one that
    has none, and a 404 is never kept."""
    code = value.strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None


def canonical_page(value: str) -> str | None:
    """`007` is page 7 and page 1 is the list itself (`""`); None for what is no page. A page
    past the end is the view's 404, never kept."""
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 6) or int(value) == 0:
        return None
    return "" if int(value) == 1 else str(int(value))


def canonical_search(value: str) -> str | None:
    """A search is this reader's own: rendered afresh and not kept. An empty one (the filter
    form sends `q=`) is no search."""
    return None if value.strip() else ""


def _not_in_the_list(
    request: HttpRequest, letter: Letter, message: str, back_query: str, back_label: str
) -> HttpResponse:
    """404 for a list that does not exist (a country without signatories, a page past the
    end): only the pages that name real content are answered and kept in the page cache, so
    that no one can fill it with `?country=QQ` or `?page=7000`."""
    list_url = reverse("letters:signatories", kwargs={"slug": letter.slug})
    back = (list_url + back_query).removesuffix("?")
    return render(
        request,
        "letters/signatories_404.html",
        {"letter": letter, "message": message, "back_url": back, "back_label": back_label},
        status=404,
    )


@require_safe
def signatories(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _public_letter(slug)
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    asked_country = request.GET.get("country", "").strip()
    country_code = _country_filter(asked_country)
    per_country = public.listed_per_country(letter, query)
    count = public.signatory_count(letter)  # read second: a refresh above updated it too
    if asked_country and country_code not in (
        public.listed_per_country(letter) if query else per_country
    ):
        message = (
            _("No organisation from %(country)s is listed among the signatories of this letter.")
            % {"country": Country(code=country_code).name}
            if country_code
            else _("There is no country with this code.")
        )
        return _not_in_the_list(
            request, letter, message, _page_link(query, "", 1), _("See all signatories")
        )
    all_countries = public.countries_by_name(per_country)
    shown = [code for code, _name in all_countries if code == country_code or not country_code]
    total = sum(per_country[code] for code in shown)
    # Page arithmetic only: the total is already known, so no COUNT over every signatory.
    paginator = Paginator(range(total), SIGNATORIES_PER_PAGE)
    try:
        page = paginator.page(_page_number(request.GET.get("page", "")) or 0)
    except InvalidPage:
        pages = paginator.num_pages
        message = ngettext(
            "There is no such page: this list has %(count)s page.",
            "There is no such page: this list has %(count)s pages.",
            pages,
        ) % {"count": number_format(pages, force_grouping=True)}
        return _not_in_the_list(
            request, letter, message, _page_link(query, country_code, 1), _("Go to the first page")
        )
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
                (number, "" if number == paginator.ELLIPSIS else link(int(number)))
                for number in paginator.get_elided_page_range(
                    page.number, on_each_side=2, on_ends=1
                )
            ],
            "previous_link": link(page.number - 1) if page.has_previous() else "",
            "next_link": link(page.number + 1) if page.has_next() else "",
            "world_map": partial(_world_map, letter, country_code),
            # Called by the template only when the list is not in the fragment cache.
            "groups": partial(public.page_groups, letter, query, shown, per_country, page)
            if total
            else [],
        },
    )


def _with_public_caching(response: HttpResponse | StreamingHttpResponse, max_age: int) -> None:
    patch_cache_control(response, public=True, max_age=max_age)
    response["Access-Control-Allow-Origin"] = "*"


@require_safe
def card(request: HttpRequest, slug: str) -> HttpResponse:
    """The picture a social network shows when the letter is shared: the title and the count,
    in the reader's language."""
    letter = _public_letter(slug)
    png = cards.letter_card(letter, public.signatory_count(letter))
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, public=True, max_age=cards.CARD_MAX_AGE)
    return response


@require_safe
def count_json(request: HttpRequest, slug: str) -> HttpResponse:
    count = public.signatory_count_for_slug(slug)
    if count is None:
        raise Http404
    response = JsonResponse(count)
    _with_public_caching(response, COUNT_MAX_AGE)
    return response


@require_safe
def count_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """The count sentence alone, in the reader's language, for the page's script to swap in
    when count.json changes: plural rules stay the server's business."""
    count = public.signatory_count_for_slug(slug)
    if count is None:
        raise Http404
    response = render(request, "letters/_count.html", {"count": count})
    patch_cache_control(response, no_cache=True)
    return response


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # type: ignore[arg-type]
@require_safe
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The one page partner sites may frame."""
    letter = _public_letter(slug)
    response = render(
        request,
        "letters/embed.html",
        {
            "letter": letter,
            "state": letter.signing_state(),
            "count": public.signatory_count(letter),
        },
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


OpenDataView = Callable[[HttpRequest, Letter, str], HttpResponseBase]


def _open_data(view: OpenDataView) -> Callable[[HttpRequest, str], HttpResponseBase]:
    """A view of the open data: the public letter and the `?country=` it is filtered by ("":
    none), or the 400 for a country code that names no country."""

    @require_safe
    @wraps(view)
    def open_data_view(request: HttpRequest, slug: str) -> HttpResponseBase:
        letter = _public_letter(slug)
        country_code = _open_data_country(request)
        if country_code is None:
            return _unknown_country()
        return view(request, letter, country_code)

    return open_data_view


@_open_data
def signatories_csv(request: HttpRequest, letter: Letter, country_code: str) -> HttpResponseBase:
    response = StreamingHttpResponse(
        public.open_data_csv(letter, country_code), content_type="text/csv; charset=utf-8"
    )
    filename = "-".join(filter(None, [letter.slug, country_code.lower(), "signatories.csv"]))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    _with_public_caching(response, OPEN_DATA_MAX_AGE)
    return response


@_open_data
def signatories_json(request: HttpRequest, letter: Letter, country_code: str) -> HttpResponseBase:
    envelope = {
        "letter": {
            "slug": letter.slug,
            "title": letter.title,
            "url": absolute_url(letter.get_absolute_url()),
        },
        "generated_at": timezone.now().isoformat(),
        "country": country_code or None,
    }
    response = StreamingHttpResponse(
        public.open_data_json(letter, envelope, country_code),
        content_type="application/json",
    )
    _with_public_caching(response, OPEN_DATA_MAX_AGE)
    return response


def stored_pdf_response(
    request: HttpRequest, *, letter: Letter, language: str, audience: str
) -> HttpResponseBase:
    """The stored PDF, or the "being prepared" page after asking the worker for it: a request
    never renders a PDF. Shared by the public view and the letter's admin page."""
    stored = LetterPdf.objects.filter(letter=letter, language=language, audience=audience).first()
    if stored is not None:
        try:
            return pdf_file_response(stored, letter.slug)
        except FileNotFoundError:
            pass  # the row outlived its file (a restored database): render it again
    return pdf_preparing(request, letter=letter, language=language, audience=audience)


def pdf_file_response(stored: LetterPdf, slug: str) -> FileResponse:
    response = FileResponse(stored.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slug}-{stored.language}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_preparing(
    request: HttpRequest, *, letter: Letter, language: str, audience: str
) -> HttpResponse:
    pdf.letter_pdf_request(letter=letter, language=language, audience=audience)
    response = render(
        request,
        "letters/pdf_preparing.html",
        {"letter": letter.localized(language), "retry_after": settings.PDF_RETRY_AFTER},
        status=503,
    )
    response["Retry-After"] = str(settings.PDF_RETRY_AFTER)
    patch_cache_control(response, no_store=True)
    return response


@require_safe
def letter_pdf(request: HttpRequest, slug: str) -> HttpResponseBase:
    language = get_language()
    # A hit is one query: the stored file with its letter, still public.
    stored = (
        LetterPdf.objects.filter(
            letter__slug=slug, language=language, audience=LetterPdf.Audience.PUBLIC
        )
        .exclude(letter__status=Letter.Status.DRAFT)
        .first()
    )
    if stored is not None:
        try:
            response = pdf_file_response(stored, slug)
        except FileNotFoundError:
            pass
        else:
            patch_cache_control(response, public=True, max_age=PDF_MAX_AGE)
            return response
    letter = get_object_or_404(Letter.objects.public().with_translations(), slug=slug)
    return pdf_preparing(
        request, letter=letter, language=language, audience=LetterPdf.Audience.PUBLIC
    )
