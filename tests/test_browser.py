"""The public side in a real browser (Playwright driving Debian's Chromium, headless): signing,
confirming, moderation and the live count; small and large screens; keyboard only; axe-core.

Without /usr/bin/chromium these tests skip and say why; with COALITION_REQUIRE_SERVICES set
(CI) they fail instead."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from letters.models import Letter
from signatories.models import Endorsement, Organization, Update, UpdateTranslation

from .conftest import skip_or_fail
from .factories import EndorsementFactory, LetterFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AXE_URL = "/static/vendor/axe/axe.min.js"
# The page polls every 7 s; a change must show within about 10 s, with some slack for CI.
LIVE_COUNT_TIMEOUT_MS = 12_000

NewPage = Callable[..., Any]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        skip_or_fail(f"no Chromium at {CHROMIUM} (apt-get install chromium) for the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright's Python package is missing (pip install -e '.[dev]')")
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an event loop in this thread, which makes Django refuse
        # the tests' own (synchronous) ORM calls; the module is torn down before other tests.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer, settings: Settings) -> Iterator[NewPage]:
    """Opens pages on the live server, each in a fresh browser profile."""
    settings.SITE_URL = live_server.url
    settings.SIGN_MIN_SECONDS = 0
    contexts = []

    def open_page(width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def confirmation_link(live_server: LiveServer, to: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [to]]
    match = re.search(rf"{re.escape(live_server.url)}(/accounts/confirm-email/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def sign_in_to_admin(page: Any, live_server: LiveServer, email: str, password: str) -> None:
    """Staff sign in to the admin through allauth's login page, with their password."""
    page.goto("/admin/")
    # Coming from the admin, the password option is open already.
    page.get_by_label("Email").nth(1).fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in with password").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")


def approve_as_moderator(
    new_page: NewPage, live_server: LiveServer, endorsement: Endorsement
) -> None:
    """A staff member signs in to the admin and approves with the bulk action."""
    password = "a long moderator password 42"
    moderator = UserFactory(
        email="moderator@coalition.example.org",
        password=password,
        is_staff=True,
        is_superuser=True,
    )
    page = new_page()
    sign_in_to_admin(page, live_server, moderator.email, password)
    page.goto("/admin/signatories/endorsement/")
    page.locator(f"input.action-select[value='{endorsement.pk}']").check()
    page.locator("select[name=action]").select_option("approve")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 endorsement approved.")


def test_a_new_organisation_signs_confirms_is_approved_and_an_open_page_counts_it(
    new_page: NewPage, live_server: LiveServer
) -> None:
    letter = LetterFactory(title="Protect civilians in Aleppo")
    watcher = new_page()
    watcher.goto(letter.get_absolute_url())
    count = watcher.locator(".letter-actions .count")
    expect(count).to_have_text("No organisation has signed yet.")
    watcher.evaluate("window.openedBeforeApproval = true")

    visitor = new_page()
    visitor.goto(letter.get_absolute_url())
    visitor.locator(".letter-actions").get_by_role("link", name="Sign this letter").click()
    visitor.get_by_label("Organisation name").fill("Friends & Allies of Aleppo")
    visitor.get_by_label("Country").select_option("LB")
    visitor.get_by_label("City").fill("Beirut")
    visitor.get_by_label("Website").fill("https://friends-allies.example.org")
    visitor.get_by_label("Contact person").fill("Rania Haddad")
    visitor.get_by_label("Contact email").fill("rania@friends-allies.example.org")
    visitor.get_by_role("button", name="Sign the letter").click()
    expect(visitor.get_by_role("heading", name="Check your inbox")).to_be_visible()

    visitor.goto(confirmation_link(live_server, "rania@friends-allies.example.org"))
    expect(visitor.locator("main")).to_contain_text(
        "Confirm that Friends & Allies of Aleppo (Lebanon) signs Protect civilians in Aleppo."
    )
    expect(visitor.locator("main")).to_contain_text("https://friends-allies.example.org")
    SCREENSHOTS.mkdir(exist_ok=True)
    visitor.screenshot(path=SCREENSHOTS / "confirm-signature.png", full_page=True)
    visitor.get_by_role("button", name="Confirm and sign").click()
    # Signed in, on the organisation's own page.
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Friends & Allies of Aleppo")
    expect(visitor.get_by_role("status")).to_contain_text(
        "Confirmed: Friends & Allies of Aleppo signs “Protect civilians in Aleppo”."
    )
    expect(visitor.get_by_role("button", name="Sign out")).to_be_visible()
    endorsement = Endorsement.objects.get(organization__name="Friends & Allies of Aleppo")
    assert endorsement.status == Endorsement.Status.PENDING
    expect(count).to_have_text("No organisation has signed yet.")

    approve_as_moderator(new_page, live_server, endorsement)

    expect(count).to_have_text(
        "1 organisation from 1 country on 1 continent", timeout=LIVE_COUNT_TIMEOUT_MS
    )
    assert watcher.evaluate("window.openedBeforeApproval") is True  # the page never reloaded
    watcher.reload()
    expect(watcher.locator("#recent-heading + .signatory-list")).to_contain_text(
        "Friends & Allies of Aleppo"
    )


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_letter_page_fits_small_and_large_screens(
    new_page: NewPage, width: int, letter: Letter
) -> None:
    for country in ["FR", "KE", "BR", "JP", "AU"]:
        EndorsementFactory(
            letter=letter,
            approved=True,
            organization__country=country,
            organization__name=f"Organisation with a rather long name from {country}",
        )
    page = new_page(width=width)
    page.goto(letter.get_absolute_url())
    expect(page.locator(".letter-actions .count")).to_contain_text("5 organisations")
    sign = page.locator(".letter-actions").get_by_role("link", name="Sign this letter")
    expect(sign).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"letter-{width}.png", full_page=True)
    page.goto(f"/letters/{letter.slug}/signatories/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=SCREENSHOTS / f"signatories-{width}.png", full_page=True)


def tab_to(page: Any, selector: str, presses: int = 80) -> None:
    """Press Tab until the element is focused, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(presses):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def test_a_visitor_signs_with_the_keyboard_alone(new_page: NewPage, letter: Letter) -> None:
    page = new_page()
    page.goto(letter.get_absolute_url())
    tab_to(page, ".letter-actions a.button")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focused control can be seen
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign on behalf of your organisation")

    for selector, keys in [
        ("#id_name", "Keyboard Peace Network"),
        ("#id_country", "Kenya"),
        ("#id_city", "Nairobi"),
        ("#id_contact_name", "Wanjiru Kamau"),
        ("#id_email", "wanjiru@keyboard-peace.example.org"),
    ]:
        tab_to(page, selector)
        page.keyboard.type(keys)
    tab_to(page, "#id_wants_updates")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    organization = Organization.objects.get(name="Keyboard Peace Network")
    assert (organization.country.code, organization.city) == ("KE", "Nairobi")
    endorsement = organization.endorsements.get()
    assert endorsement.wants_updates is True
    assert endorsement.status == Endorsement.Status.UNVERIFIED


def axe_violations(page: Any) -> list[str]:
    page.add_script_tag(url=AXE_URL)  # served by the site itself: the CSP allows it
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/letters/{slug}/",
        "/letters/{slug}/sign/",
        "/letters/{slug}/signatories/",
        "/letters/{slug}/signatories/?country=BR&q=zzz",
        "/letters/{slug}/embed/",
        "/ar/letters/{slug}/",
        "/ar/letters/{slug}/sign/",
        "/ar/letters/{slug}/signatories/",
    ],
    ids=[
        "letter", "sign", "signatories", "signatories-empty-search", "embed",
        "letter-ar", "sign-ar", "signatories-ar",
    ],
)  # fmt: skip
def test_public_pages_have_no_serious_accessibility_violation(
    new_page: NewPage, letter: Letter, path: str
) -> None:
    EndorsementFactory(letter=letter, approved=True, organization__country="BR")
    EndorsementFactory(letter=letter, approved=True, organization__country="FR",
                       organization__website="")  # fmt: skip
    page = new_page()
    page.goto(path.format(slug=letter.slug))
    assert axe_violations(page) == []


def test_the_sign_form_with_errors_has_no_serious_accessibility_violation(
    new_page: NewPage, letter: Letter
) -> None:
    page = new_page()
    page.goto(f"/letters/{letter.slug}/sign/")
    page.get_by_role("button", name="Sign the letter").click()
    expect(page.locator(".errors").first).to_be_visible()
    assert axe_violations(page) == []


@pytest.fixture
def partner_site() -> Iterator[Callable[[str], str]]:
    """A partner's web site on another loopback origin; returns the URL of a page with this
    HTML. (Chromium blocks a page from outside the local network framing a local server, so
    the partner must really be served locally, not answered by Playwright.)"""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def publish(html: str) -> str:
        pages["/partner.html"] = html.encode()
        return f"http://127.0.0.1:{server.server_port}/partner.html"

    yield publish
    server.shutdown()
    server.server_close()


def test_a_partner_site_can_frame_the_embed_but_not_the_letter_page(
    new_page: NewPage,
    live_server: LiveServer,
    letter: Letter,
    partner_site: Callable[[str], str],
) -> None:
    EndorsementFactory.create_batch(2, letter=letter, approved=True)
    partner = new_page()
    letter_url = f"{live_server.url}{letter.get_absolute_url()}"
    partner.goto(
        partner_site(
            f'<h1>Partner</h1><iframe id="embed" src="{letter_url}embed/"></iframe>'
            f'<iframe id="letter" src="{letter_url}"></iframe>'
        ),
        wait_until="load",  # every frame has loaded, or failed to
    )
    embed = partner.frame_locator("#embed")
    expect(embed.locator(".count")).to_contain_text("2 organisations")
    expect(embed.get_by_role("link", name="Sign this letter")).to_be_visible()
    framed_letter = partner.frame_locator("#letter").locator("body")
    assert letter.title not in framed_letter.inner_text()


def test_the_embed_code_is_copied_with_one_click(
    new_page: NewPage, live_server: LiveServer, letter: Letter
) -> None:
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(letter.get_absolute_url())
    copy = page.locator("button[data-copy-target=embed-code]")
    expect(copy).to_have_text("Copy the code")
    copy.click()
    expect(copy).to_have_text("Code copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f'<iframe src="{live_server.url}/letters/{letter.slug}/embed/"')


def test_an_arabic_ngo_signs_confirms_and_lands_on_its_page_on_a_phone(
    new_page: NewPage, live_server: LiveServer
) -> None:
    letter = LetterFactory(title="Protect civilians in Aleppo")
    with translation.override("ar"):
        sign_label = translation.gettext("Sign this letter")
        name_label = translation.gettext("organisation name")
        submit = translation.gettext("Sign the letter")
        confirm = translation.gettext("Confirm and sign")
    page = new_page(width=375, height=800)
    page.goto(f"/ar/letters/{letter.slug}/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator(".letter-actions").get_by_role("link", name=sign_label).click()
    page.get_by_label(name_label, exact=False).first.fill("منظمة السلام في حلب")
    page.locator("select[name=country]").select_option("SY")
    page.locator("input[name=city]").fill("حلب")
    page.locator("input[name=contact_name]").fill("رنا")
    page.locator("input[name=email]").fill("salam@aleppo.example.org")
    page.get_by_role("button", name=submit).click()
    expect(page.locator("h1")).not_to_have_text("")
    page.goto(confirmation_link(live_server, "salam@aleppo.example.org"))
    assert page.evaluate("document.documentElement.dir") == "rtl"
    expect(page.locator("main")).to_contain_text("منظمة السلام في حلب")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "confirm-ar-375.png", full_page=True)
    page.get_by_role("button", name=confirm).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("منظمة السلام في حلب")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=SCREENSHOTS / "dashboard-ar-375.png", full_page=True)


@pytest.mark.parametrize("language", ["ar", "pt-br"])
@pytest.mark.parametrize("width", [375, 1280])
def test_the_letter_page_in_arabic_and_portuguese_fits_and_is_mirrored(
    new_page: NewPage, letter: Letter, language: str, width: int
) -> None:
    for country in ["SY", "BR", "FR", "LB"]:
        EndorsementFactory(letter=letter, approved=True, organization__country=country)
    page = new_page(width=width)
    page.goto(f"/{language}/letters/{letter.slug}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    heading = page.locator("h1").bounding_box()
    if language == "ar":
        # Mirrored: the heading starts at the right-hand edge of its column.
        assert heading["x"] + heading["width"] > width / 2
    if language == "ar" and width == 1280:
        # The page is mirrored even when the letter itself is in English: the count and
        # the sign button sit to the left of the letter's column.
        actions = page.locator(".letter-actions").bounding_box()
        assert actions["x"] + actions["width"] <= heading["x"]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"letter-{language}-{width}.png", full_page=True)


# The moderators' workplace ---------------------------------------------------------------


def signed_in_moderator(new_page: NewPage, live_server: LiveServer, width: int = 1280) -> Any:
    password = "a long moderator password 42"
    moderator = UserFactory(
        email="moderator@coalition.example.org",
        password=password,
        is_staff=True,
        is_superuser=True,
    )
    page = new_page(width=width)
    sign_in_to_admin(page, live_server, moderator.email, password)
    return page


def queue_of(letter: Letter, count: int) -> list[Endorsement]:
    """Endorsements awaiting review, oldest first, with what makes a queue wide: long names,
    duplicate hints, held signatures, imported rows, 40 countries."""
    countries = ["FR", "KE", "BR", "JP", "AU", "SY", "LB", "SN", "CI", "DE"] * 4
    endorsements = []
    for n in range(count):
        endorsement = EndorsementFactory(
            letter=letter,
            organization__country=countries[n % len(countries)],
            organization__name=f"International Federation of Human Rights Leagues, chapter {n}",
            organization__kind=Organization.Kind.NETWORK,
            organization__possible_duplicate=n % 3 == 0,
            organization__duplicate_reasons=[
                {"code": "same-website", "params": {"domain": "fidh.example", "other": "FIDH"}}
            ],
            held_reasons=[{"code": "over-network-limit", "params": {}}] if n % 4 else [],
            imported=n % 5 == 0,
        )
        Endorsement.objects.filter(pk=endorsement.pk).update(
            signed_at=endorsement.signed_at.replace(microsecond=0) - timedelta(minutes=count - n)
        )
        endorsements.append(endorsement)
    return endorsements


@pytest.mark.parametrize("width", [1280, 1600])
def test_the_queue_fits_a_laptop_screen_with_every_column_in_view(
    new_page: NewPage, live_server: LiveServer, width: int
) -> None:
    letter = LetterFactory(title="Call for an Emergency Special Session of the UN General Assembly")
    queue_of(letter, 30)
    page = signed_in_moderator(new_page, live_server, width)
    page.goto("/admin/signatories/endorsement/")
    expect(page.locator("#result_list tbody tr")).to_have_count(30)
    assert page.locator("#nav-sidebar").count() == 0
    table, container = page.evaluate(
        """() => [document.querySelector('#result_list').scrollWidth,
                  document.querySelector('#changelist-form .results').clientWidth]"""
    )
    assert table <= container, f"the queue is {table} px wide in a {container} px column"
    for header in ["Organisation", "To check", "Letter", "Status", "Signed", "Decided"]:
        cell = page.locator("#result_list thead th", has_text=header).bounding_box()
        assert cell is not None and cell["x"] >= 0 and cell["x"] + cell["width"] <= width, header
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"admin-queue-{width}.png", full_page=True)


def test_the_admin_home_status_table_keeps_its_headers_readable(
    new_page: NewPage, live_server: LiveServer
) -> None:
    letter = LetterFactory()
    queue_of(letter, 3)
    page = signed_in_moderator(new_page, live_server)
    headers = page.locator("#moderation-counts thead th")
    expect(headers).to_have_count(7)
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#moderation-counts th')).lineHeight)"
        " || 16"
    )
    for index in range(7):
        box = headers.nth(index).bounding_box()
        # "Email not yet verified" may take three lines, never one letter per line.
        assert box["height"] <= 3.5 * line + 16, headers.nth(index).inner_text()
    page.locator("#moderation-counts td.moderation-pending a").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)


def test_a_moderator_clears_three_endorsements_from_the_review_page_with_the_keyboard_alone(
    new_page: NewPage, live_server: LiveServer, letter: Letter, mailoutbox: list
) -> None:
    first, second, third = queue_of(letter, 3)
    page = signed_in_moderator(new_page, live_server)
    page.goto("/admin/signatories/endorsement/")
    tab_to(page, f"#result_list a[href*='/{first.pk}/change/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Decision")).to_be_visible()
    expect(page.locator(".review-head h2")).to_have_text(first.organization.name)

    # The Approve button has the focus as the page opens: Enter approves and moves on.
    expect(page.get_by_role("button", name="Approve")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator(".review-head h2")).to_have_text(second.organization.name)
    expect(page.locator(".messagelist")).to_contain_text("1 endorsement approved.")

    # Rejecting: one Tab to the reason, one to the Reject button. (Each new page's focus is
    # on Approve once the browser has applied `autofocus`, as a keyboard user sees it.)
    expect(page.get_by_role("button", name="Approve")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_reason")).to_be_focused()
    page.keyboard.type("Not an organisation: a person's blog.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Reject")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".review-head h2")).to_have_text(third.organization.name)
    expect(page.locator(".messagelist")).to_contain_text("1 endorsement rejected.")

    expect(page.get_by_role("button", name="Approve")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("Nothing is left in this queue.")
    assert page.url == f"{live_server.url}/admin/signatories/endorsement/"
    statuses = [
        Endorsement.objects.values_list("status", "rejection_reason").get(pk=e.pk)
        for e in (first, second, third)
    ]
    assert statuses == [
        (Endorsement.Status.APPROVED, ""),
        (Endorsement.Status.REJECTED, "Not an organisation: a person's blog."),
        (Endorsement.Status.APPROVED, ""),
    ]


def test_the_review_page_fits_a_phone(
    new_page: NewPage, live_server: LiveServer, letter: Letter
) -> None:
    [endorsement] = queue_of(letter, 1)
    page = signed_in_moderator(new_page, live_server, width=375)
    page.goto(f"/admin/signatories/endorsement/{endorsement.pk}/change/")
    expect(page.get_by_role("button", name="Approve")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-review-375.png", full_page=True)


def test_the_queue_on_a_phone_keeps_organisation_hints_and_status_without_sideways_scroll(
    new_page: NewPage, live_server: LiveServer
) -> None:
    queue_of(LetterFactory(), 5)
    page = signed_in_moderator(new_page, live_server, width=375)
    page.goto("/admin/signatories/endorsement/")
    expect(page.locator("#result_list tbody tr")).to_have_count(5)
    table, container = page.evaluate(
        """() => [document.querySelector('#result_list').scrollWidth,
                  document.querySelector('#changelist-form .results').clientWidth]"""
    )
    assert table <= container, f"the queue is {table} px wide in a {container} px column"
    for header in ["Organisation", "To check", "Status"]:
        expect(page.locator("#result_list thead th", has_text=header)).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-queue-375.png", full_page=True)


def outside(inner: dict[str, float], outer: dict[str, float]) -> float:
    """How many pixels `inner` reaches past `outer` on either side (0 when it fits)."""
    return max(
        0.0,
        outer["x"] - inner["x"],
        inner["x"] + inner["width"] - (outer["x"] + outer["width"]),
    )


def test_no_review_card_is_overrun_by_the_organisations_to_compare(
    new_page: NewPage, live_server: LiveServer, letter: Letter
) -> None:
    website = "https://international-federation-for-human-rights-leagues.example.org"
    for n in range(4):
        EndorsementFactory(
            letter=letter,
            status=Endorsement.Status.APPROVED,
            organization=OrganizationFactory(
                name=f"International Federation for Human Rights Leagues, chapter {n}",
                website=website,
                country="LB",
            ),
        )
    [endorsement] = queue_of(letter, 1)
    # Its own address is elsewhere: the "differs from the website" badge names the long domain.
    organization = endorsement.organization
    organization.website = website
    organization.derive_fields()
    organization.save()
    page = signed_in_moderator(new_page, live_server)
    page.goto(f"/admin/signatories/endorsement/{endorsement.pk}/change/")
    expect(page.locator(".review-candidates tbody tr")).to_have_count(4)
    overruns = page.evaluate(
        """() => [...document.querySelectorAll('.review-panel')].flatMap(card => {
            const box = card.getBoundingClientRect();
            return [...card.querySelectorAll('*')].map(child => {
                const inner = child.getBoundingClientRect();
                if (!inner.width && !inner.height) return [null, null, 0];
                const past = Math.max(box.left - inner.left, inner.right - box.right);
                return [card.querySelector('h3').textContent, child.outerHTML.slice(0, 80),
                        Math.round(past)];
            }).filter(([, , past]) => past > 0);
        })"""
    )
    assert overruns == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-review-1280.png", full_page=True)


@pytest.mark.parametrize("width", [1280, 1440, 1920])
def test_the_update_page_gives_preview_and_send_a_panel_staff_can_use(
    new_page: NewPage, live_server: LiveServer, letter: Letter, width: int
) -> None:
    for n, language in enumerate(["en", "en", "ar"]):
        EndorsementFactory(
            letter=letter,
            status=Endorsement.Status.APPROVED,
            wants_updates=True,
            language=language,
            organization__name=f"Recipient {n}",
        )
    page = signed_in_moderator(new_page, live_server, width)
    update = Update.objects.create(
        letter=letter,
        subject="The letter was delivered",
        body="We handed the letter to the General Assembly today.",
        created_by=UserFactory(),
    )
    UpdateTranslation.objects.create(
        update=update, language="ar", subject="تم تسليم الرسالة", body="سلّمنا الرسالة اليوم."
    )
    page.goto(f"/admin/signatories/update/{update.pk}/change/")
    panel = page.locator("#update-send").bounding_box()
    assert panel is not None and panel["width"] >= 250, f"the panel is {panel} at {width} px"
    for control in [
        page.get_by_role("link", name="Arabic"),
        page.get_by_label("Send a test copy to myself, in"),
        page.get_by_role("button", name="Send a test copy"),
        page.get_by_role("button", name="Send the update"),
    ]:
        expect(control).to_be_visible()
        assert outside(control.bounding_box(), panel) == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"admin-update-{width}.png", full_page=True)

    page.get_by_role("button", name="Send the update").click()
    expect(page.locator("#content-main")).to_contain_text(
        "This will send the update to 3 organisations:"
    )
    expect(page.locator("#content-main li")).to_have_text(["English: 2", "Arabic: 1"])
    update.refresh_from_db()
    assert update.state == Update.State.DRAFT
    if width == 1280:
        assert axe_violations(page) == []
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(f"{live_server.url}/admin/signatories/update/{update.pk}/change/")
    update.refresh_from_db()
    assert update.state == Update.State.DRAFT


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/signatories/endorsement/",
        "/admin/signatories/endorsement/?status__exact=all&country=SY",
        "/admin/signatories/endorsement/{pk}/change/",
        "/admin/signatories/endorsement/import/",
    ],
    ids=["home", "queue", "queue-filtered", "review", "import"],
)
def test_the_workplace_has_no_serious_accessibility_violation(
    new_page: NewPage, live_server: LiveServer, letter: Letter, path: str
) -> None:
    first, *_others = queue_of(letter, 6)
    page = signed_in_moderator(new_page, live_server)
    page.goto(path.format(pk=first.pk))
    assert axe_violations(page) == []


# A page a campaign can be proud of: banner, initiators, target, the map, logos.


def _picture(size: tuple[int, int], colour: str, text: str = "") -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], max(1, size[0] // 12)):
        draw.ellipse((i, size[1] * 0.55, i + size[0] // 8, size[1] * 0.9), fill="#ffbf47")
    if text:
        draw.text((size[0] // 4, size[1] // 3), text, fill="white", font_size=size[1] // 3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("picture.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def campaign(settings: Settings, tmp_path: Path) -> Letter:
    from coalition.images import BANNER, LOGO, image_process

    settings.MEDIA_ROOT = tmp_path
    letter = LetterFactory(
        title="Call for an Emergency Special Session of the UN General Assembly on Syria",
        target=60,
    )
    banner = image_process(_picture((2000, 1000), "#0b3d6e"), BANNER)
    letter.banner.save(banner.name, banner)
    for position, (name, colour) in enumerate(
        [("Syria Relief Network", "#0b5cad"), ("Réseau Euro-Méditerranéen", "#1d6b35")]
    ):
        initiator = letter.initiators.create(
            name=name, position=position, website="https://example.org"
        )
        logo = image_process(_picture((300, 300), colour, name[:2]), LOGO)
        initiator.logo.save(logo.name, logo)
    for country, n in [("BR", 9), ("FR", 5), ("SY", 4), ("LB", 3), ("KE", 2), ("JP", 1)]:
        for i in range(n):
            endorsement = EndorsementFactory(
                letter=letter,
                approved=True,
                organization__country=country,
                organization__name=f"Civil Society Forum {country} {i + 1}",
            )
            if i == 0:
                logo = image_process(_picture((200, 200), "#3182bd", country), LOGO)
                endorsement.organization.logo.save(logo.name, logo)
    return letter


def load_every_image(page: Any) -> None:
    """Lazy images below the fold, loaded before a full-page screenshot."""
    page.evaluate(
        """() => Promise.all([...document.images].map((img) => {
          img.loading = "eager";
          return img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; });
        }))"""
    )


@pytest.mark.parametrize("width", [375, 1280])
def test_the_campaign_page_and_its_map_fit_and_link_each_country_to_its_list(
    new_page: NewPage, campaign: Letter, width: int
) -> None:
    page = new_page(width=width)
    page.goto(campaign.get_absolute_url())
    expect(page.locator(".letter-banner")).to_be_visible()
    expect(page.locator(".initiators")).to_contain_text("Syria Relief Network")
    expect(page.locator(".count.headline strong")).to_have_text("24")
    expect(page.locator("#target-progress")).to_have_attribute("value", "24")
    brazil = page.get_by_role("link", name="Brazil: 9 organisations")
    expect(brazil).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(exist_ok=True)
    load_every_image(page)
    page.screenshot(path=SCREENSHOTS / f"campaign-letter-{width}.png", full_page=True)
    brazil.click()
    expect(page).to_have_url(re.compile(r"/signatories/\?country=BR$"))
    expect(page.locator(".results")).to_contain_text("of 9 from Brazil")
    expect(page.locator(".signatory-logo").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"/letters/{campaign.slug}/signatories/")
    load_every_image(page)
    page.screenshot(path=SCREENSHOTS / f"campaign-signatories-{width}.png", full_page=True)


def test_each_map_country_is_reached_with_the_keyboard_and_named_with_its_count(
    new_page: NewPage, campaign: Letter
) -> None:
    page = new_page()
    page.goto(f"/letters/{campaign.slug}/signatories/")
    tab_to(page, "a[data-country='KE']")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Kenya: 2 organisations"
    )
    page.keyboard.press("Enter")
    expect(page.locator(".results")).to_contain_text("from Kenya")


@pytest.mark.parametrize("path", ["/letters/{slug}/", "/ar/letters/{slug}/signatories/"])
def test_the_campaign_page_with_its_map_has_no_serious_accessibility_violation(
    new_page: NewPage, campaign: Letter, path: str
) -> None:
    page = new_page()
    page.goto(path.format(slug=campaign.slug))
    expect(page.locator(".world-map svg")).to_be_visible()
    assert axe_violations(page) == []


def test_the_map_in_arabic_is_not_mirrored(new_page: NewPage, campaign: Letter) -> None:
    page = new_page()
    page.goto(f"/ar/letters/{campaign.slug}/signatories/")
    brazil = page.locator("a[data-country='BR']").bounding_box()
    japan = page.locator("a[data-country='JP']").bounding_box()
    assert brazil["x"] < japan["x"]  # the Americas stay in the west
    SCREENSHOTS.mkdir(exist_ok=True)
    load_every_image(page)
    page.screenshot(path=SCREENSHOTS / "campaign-signatories-ar-1280.png", full_page=True)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_on_a_phone_checkboxes_sit_beside_their_labels_and_focus_goes_to_the_first_error(
    new_page: NewPage, letter: Letter, language: str
) -> None:
    page = new_page(width=375)
    prefix = "" if language == "en" else f"/{language}"
    page.goto(f"{prefix}/letters/{letter.slug}/sign/")
    box = page.locator("#id_listed_publicly").bounding_box()
    label = page.locator("label[for=id_listed_publicly]").bounding_box()
    assert label["y"] < box["y"] + box["height"]  # on the same line, not below
    if language == "en":
        assert label["x"] > box["x"] + box["width"]
    else:
        assert label["x"] + label["width"] < box["x"]
    page.locator("#id_email").fill("rania@example.org")
    page.locator("form button[type=submit]").click()
    expect(page.locator("#id_name")).to_be_focused()
    expect(page.locator("#id_name")).to_be_in_viewport()


def test_printing_the_letter_page_gives_the_letter_alone(new_page: NewPage, letter: Letter) -> None:
    EndorsementFactory(letter=letter, approved=True, organization__name="Lanternfield Rights")
    page = new_page()
    page.goto(letter.get_absolute_url())
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    for chrome in [
        ".site-header",
        ".site-footer",
        ".languages",
        ".letter-actions",
        ".letter-actions .count",
        ".letter-footer",
        ".share",
        "#embed-code",
        ".signatory-list",
    ]:
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.get_by_role("link", name="Sign this letter").first).to_be_hidden()
    expect(page.locator("#letter-title")).to_be_visible()
    expect(page.locator(".letter-body")).to_be_visible()
    expect(page.locator(".letter-body")).to_contain_text("act now")
    expect(page.locator(".facts")).to_contain_text(letter.recipients)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "letter-print.png", full_page=True)
    page.emulate_media(media="screen")
    expect(page.locator(".share")).to_be_visible()


def fonts_fetched(page: Any, path: str) -> list[str]:
    """The web fonts the browser downloaded to show this page, once every face it needed has
    loaded."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(path)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    return [url for url in requested if ".woff" in url]


def test_an_english_page_downloads_no_arabic_font_and_an_arabic_page_does(
    new_page: NewPage, letter: Letter
) -> None:
    """Before, the switcher's "العربية" alone made every English page fetch the 48 kB Arabic
    face."""
    EndorsementFactory(letter=letter, approved=True, organization__country="BR")
    english = fonts_fetched(new_page(), f"/letters/{letter.slug}/")
    assert not [url for url in english if "arabic" in url]
    arabic = fonts_fetched(new_page(), f"/ar/letters/{letter.slug}/")
    assert [url for url in arabic if "noto-sans-arabic" in url]


# The signatories page of an Arabic phone: what the eye sees of names, flags and the licence.
LINE_ENDS_JS = """(text) => {
    const node = [...document.querySelectorAll('.signatory-list a')]
        .find((a) => a.textContent === text).firstChild;
    const range = document.createRange();
    range.selectNodeContents(node);
    return [...range.getClientRects()].map((r) => [Math.round(r.left), Math.round(r.right)]);
}"""
ROW_EDGES_JS = """(text) => {
    const row = [...document.querySelectorAll('.signatory-list li')]
        .find((li) => li.textContent.includes(text));
    const r = row.getBoundingClientRect();
    return [Math.round(r.left), Math.round(r.right)];
}"""
FLAG_SIZE_JS = """(code) => {
    const r = document.querySelector(`h2#country-${code} img.flag`).getBoundingClientRect();
    return [Math.round(r.width), Math.round(r.height)];
}"""
LICENCE_LINES_JS = """() => document.querySelector('.map-credit a[href*="creativecommons"]')
    .getClientRects().length"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_arabic_phone_keeps_latin_names_aligned_flags_in_shape_and_the_licence_whole(
    new_page: NewPage, letter: Letter
) -> None:
    long_name = "International Federation for Human Rights and Friends of the Earth Geneva"
    for name, country, city in [
        (long_name, "CH", "Genève"),
        ("Amis de la Paix", "FR", "Paris"),
        ("جمعية الأمل", "LB", "بيروت"),
    ]:
        EndorsementFactory(
            letter=letter,
            approved=True,
            organization__name=name,
            organization__country=country,
            organization__city=city,
        )
    page = new_page(width=375)
    page.goto(f"/ar/letters/{letter.slug}/signatories/")
    lines = page.evaluate(LINE_ENDS_JS, long_name)
    row_left, row_right = page.evaluate(ROW_EDGES_JS, long_name)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "signatories-ar-375.png", full_page=True)
    assert len(lines) > 1  # the name wraps at this width
    # Every line of the Latin name ends at the right-hand edge of the Arabic row, as the
    # city below it does (before: the wrapped lines hung from the left edge).
    assert [right for _left, right in lines] == [row_right] * len(lines)
    assert all(left >= row_left for left, _right in lines)
    # Each flag at its own proportions: the Swiss one square, the French one 16 x 11.
    assert page.evaluate(FLAG_SIZE_JS, "CH") == [11, 11]
    assert page.evaluate(FLAG_SIZE_JS, "FR") == [16, 11]
    assert page.evaluate(LICENCE_LINES_JS) == 1  # "CC BY 4.0" on one line
