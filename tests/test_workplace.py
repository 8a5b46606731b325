"""The moderators' workplace: a queue of few, dense columns without the navigation sidebar, the
country filter as one select that keeps the other filters, filters by updates consent,
language and source, the admin home's table of letters by status, and the review page: what
a moderator needs side by side, decisions that move on to the next in the queue."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from letters.models import Letter
from signatories.models import Endorsement, Organization, User
from signatories.services import moderation

from .factories import EndorsementFactory, LetterFactory, OrganizationFactory
from .helpers import make_moderator

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]
CHANGELIST = "/admin/signatories/endorsement/"
Status = Endorsement.Status


@pytest.fixture
def moderator(db: None) -> User:
    return make_moderator()


@pytest.fixture
def moderator_client(client: Client, moderator: User) -> Client:
    client.force_login(moderator)
    return client


def pending(letter: Letter, name: str, *, minutes_ago: int = 0, **organization: object):
    endorsement = EndorsementFactory(
        letter=letter, organization=OrganizationFactory(name=name, **organization)
    )
    Endorsement.objects.filter(pk=endorsement.pk).update(
        signed_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    endorsement.refresh_from_db()
    return endorsement


def shown_names(response) -> list[str]:
    return [e.organization.name for e in response.context["cl"].result_list]


def review_url(endorsement: Endorsement, filters: str = "") -> str:
    url = f"{CHANGELIST}{endorsement.pk}/change/"
    return f"{url}?{urlencode({'_changelist_filters': filters})}" if filters else url


# The queue -------------------------------------------------------------------------------


def test_the_queue_has_few_columns_and_no_navigation_sidebar(
    moderator_client: Client, letter: Letter
) -> None:
    pending(letter, "Amal Relief", country="LB", kind=Organization.Kind.FOUNDATION)
    page = moderator_client.get(CHANGELIST).content.decode()
    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert headers == [
        "organization_summary",
        "hints",
        "letter_title",
        "status",
        "signed",
        "decision",
    ]
    assert 'id="nav-sidebar"' not in page
    # The organisation, its flag, type and country on one line.
    assert re.search(
        r'flags/lb\.gif"[^>]*> <span dir="auto">Amal Relief</span> '
        r'<span class="queue-meta">Foundation · Lebanon</span>',
        page,
    )


def test_a_hostile_name_is_shown_as_text_in_the_queue(
    moderator_client: Client, letter: Letter
) -> None:
    pending(letter, "<script>alert(1)</script>")
    page = moderator_client.get(CHANGELIST).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_country_filter_is_one_select_that_keeps_the_other_filters_and_the_search(
    moderator_client: Client, letter: Letter
) -> None:
    for name, country in [("Dakar Forum", "SN"), ("Lyon Forum", "FR"), ("Recife Forum", "BR")]:
        pending(letter, name, country=country)
    page = moderator_client.get(
        CHANGELIST, {"status__exact": "all", "q": "forum", "country": "FR", "p": "1"}
    ).content.decode()
    form = page[page.index('class="select-filter"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="status__exact" value="all">' in form
    assert '<input type="hidden" name="q" value="forum">' in form
    assert 'name="p"' not in form
    assert 'name="country"' not in form.split("<select", 1)[0]
    options = re.findall(r'<option value="(\w*)"( selected)?>([^<]+)</option>', form)
    assert options == [
        ("", "", "All"),
        ("BR", "", "Brazil"),
        ("FR", " selected", "France"),
        ("SN", "", "Senegal"),
    ]
    # The page holds no column of links for the countries any more.
    assert "?country=SN" not in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"updates": "yes"}, ["Wants News"]),
        ({"updates": "no"}, ["Imported Union", "Arabic Signer"]),
        ({"language": "ar"}, ["Arabic Signer"]),
        ({"language": "fr"}, ["Wants News"]),
        ({"language": "none"}, ["Imported Union"]),
        ({"source": "imported"}, ["Imported Union"]),
        ({"source": "online"}, ["Wants News", "Arabic Signer"]),
        ({"source": "online", "updates": "yes", "language": "fr"}, ["Wants News"]),
    ],
)
def test_staff_filter_by_updates_consent_language_and_source(
    moderator_client: Client, letter: Letter, params: dict[str, str], expected: list[str]
) -> None:
    for name, minutes_ago, fields in [
        ("Wants News", 3, {"wants_updates": True, "language": "fr"}),
        ("Imported Union", 2, {"imported": True}),
        ("Arabic Signer", 1, {"language": "ar"}),
    ]:
        endorsement = pending(letter, name, minutes_ago=minutes_ago)
        Endorsement.objects.filter(pk=endorsement.pk).update(**fields)
    assert shown_names(moderator_client.get(CHANGELIST, params)) == expected


def test_the_admin_home_counts_letters_by_status_with_links_to_the_queue(
    moderator_client: Client,
) -> None:
    letter = LetterFactory(title="Ceasefire Now")
    pending(letter, "One")
    pending(letter, "Two")
    EndorsementFactory(letter=letter, approved=True)
    page = moderator_client.get("/admin/").content.decode()
    table = page[page.index('id="moderation-counts"') :]
    table = table[: table.index("</table>")]
    headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert headers == [
        "Letter",
        "Email not yet verified",
        "Awaiting review",
        "Published",
        "Not accepted",
        "Withdrawn",
        "All",
    ]
    assert (
        f'<td class="moderation-pending"><a href="{CHANGELIST}?letter__id__exact={letter.pk}'
        '&amp;status__exact=pending">2</a></td>'
    ) in table
    assert f'?letter__id__exact={letter.pk}&amp;status__exact=all">3</a>' in table
    queue = moderator_client.get(
        CHANGELIST, {"letter__id__exact": letter.pk, "status__exact": "pending"}
    )
    assert sorted(shown_names(queue)) == ["One", "Two"]


# The review page -------------------------------------------------------------------------


def test_the_review_page_shows_details_checks_candidates_and_history_side_by_side(
    moderator_client: Client, moderator: User, letter: Letter, on_commit: OnCommit
) -> None:
    original = pending(letter, "Peace Brigades", website="https://pbi.example.org", minutes_ago=9)
    with on_commit():
        moderation.endorsement_approve(endorsement=original, moderator=moderator)
    endorsement = pending(
        letter,
        "Peace Brigades Intl",
        website="https://www.pbi.example.org/en/",
        user__email="someone@gmail.example.com",
        city="Beirut",
    )
    Endorsement.objects.filter(pk=endorsement.pk).update(
        held_reasons=[{"code": "over-network-limit", "params": {}}],
        comment="We stand with Syrian civil society.",
        wants_updates=True,
        language="ar",
    )
    Organization.objects.filter(pk=endorsement.organization_id).update(
        possible_duplicate=True,
        duplicate_reasons=[
            {
                "code": "same-website",
                "params": {"domain": "pbi.example.org", "other": "Peace Brigades"},
            }
        ],
    )

    page = unescape(moderator_client.get(review_url(endorsement)).content.decode())

    assert "<title>Review an endorsement" in page
    assert (
        '<a href="https://www.pbi.example.org/en/" rel="noopener noreferrer" target="_blank">'
        "pbi.example.org</a>"
    ) in page
    assert "someone@gmail.example.com" in page
    assert "differs from the website (pbi.example.org)" in page
    assert "More signatures from this network than the sign form allows." in page
    assert "Same website domain (pbi.example.org) as “Peace Brigades”." in page
    assert "We stand with Syrian civil society." in page
    assert "Beirut" in page
    assert "Arabic" in page
    # The other candidate, linked to its own review, with its status on this letter.
    candidates = page[page.index('class="review-candidates"') :]
    candidates = candidates[: candidates.index("</table>")]
    assert f'href="{CHANGELIST}{original.pk}/change/"' in candidates
    assert "Peace Brigades</a>" in candidates
    assert "same website" in candidates
    assert "Published" in candidates
    # The audit trail of this endorsement only.
    history = page[page.index('id="review-history"') :]
    assert "No status change recorded yet." in history
    assert moderator.email not in history
    assert f'formaction="{CHANGELIST}{endorsement.pk}/approve/"' in page
    assert f'formaction="{CHANGELIST}{endorsement.pk}/reject/"' in page
    assert 'name="reason"' in page


def test_the_review_page_says_when_email_and_website_agree(
    moderator_client: Client, letter: Letter
) -> None:
    endorsement = pending(
        letter,
        "Agreeing Org",
        website="https://agree.example.org",
        user__email="a@agree.example.org",
    )
    page = moderator_client.get(review_url(endorsement)).content.decode()
    assert "matches the website" in page
    assert "review-candidates" not in page


def test_the_review_page_escapes_what_organisations_typed(
    moderator_client: Client, letter: Letter
) -> None:
    endorsement = pending(letter, '<img src=x onerror="alert(1)">')
    Endorsement.objects.filter(pk=endorsement.pk).update(comment="<b>bold</b>")
    page = moderator_client.get(review_url(endorsement)).content.decode()
    assert "<img src=x" not in page
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_approving_from_the_review_page_moves_on_to_the_next_in_the_queue(
    moderator_client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    first = pending(letter, "First", minutes_ago=3)
    second = pending(letter, "Second", minutes_ago=2)
    third = pending(letter, "Third", minutes_ago=1)

    page = moderator_client.get(review_url(first)).content.decode()
    assert "Next in queue (2 others)" in page
    with on_commit():
        response = moderator_client.post(
            f"{CHANGELIST}{first.pk}/approve/", {"seen_status": "pending"}
        )
    # Opened from elsewhere than the list: the work queue, pending first.
    assert response["Location"] == review_url(second)

    with on_commit():
        response = moderator_client.post(
            f"{CHANGELIST}{second.pk}/reject/?_changelist_filters={quote('status__exact=pending')}",
            {"apply": "1", "reason": "Not an organisation.", "seen_status": "pending"},
        )
    assert response["Location"] == review_url(third, "status__exact=pending")
    second.refresh_from_db()
    assert (second.status, second.rejection_reason) == (Status.REJECTED, "Not an organisation.")

    with on_commit():
        response = moderator_client.post(
            f"{CHANGELIST}{third.pk}/approve/?_changelist_filters={quote('status__exact=pending')}",
            {"seen_status": "pending"},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == f"{CHANGELIST}?status__exact=pending"
    assert "Nothing is left in this queue." in response.content.decode()
    assert "1 endorsement approved." in response.content.decode()
    assert list(
        Endorsement.objects.filter(letter=letter).order_by("signed_at").values_list("status")
    ) == [(Status.APPROVED,), (Status.REJECTED,), (Status.APPROVED,)]


def test_the_next_in_queue_keeps_to_the_filtered_list_the_moderator_came_from(
    moderator_client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    dakar = pending(letter, "Dakar Forum", country="SN", minutes_ago=4)
    pending(letter, "Lyon Forum", country="FR", minutes_ago=3)
    thies = pending(letter, "Thiès Forum", country="SN", minutes_ago=2)
    other_letter = pending(LetterFactory(), "Saint-Louis Forum", country="SN", minutes_ago=1)
    filters = f"country=SN&letter__id__exact={letter.pk}"

    page = moderator_client.get(review_url(dakar, filters)).content.decode()
    assert f'href="{review_url(thies, filters).replace("&", "&amp;")}"' in page
    approve = f"{CHANGELIST}{dakar.pk}/approve/?{urlencode({'_changelist_filters': filters})}"
    assert f'formaction="{approve.replace("&", "&amp;")}"' in page
    with on_commit():
        response = moderator_client.post(approve, {"seen_status": "pending"})
    assert response["Location"] == review_url(thies, filters)
    other_letter.refresh_from_db()
    assert other_letter.status == Status.PENDING


def test_a_decided_endorsement_offers_only_the_decisions_left(
    moderator_client: Client, moderator: User, letter: Letter, on_commit: OnCommit
) -> None:
    endorsement = pending(letter, "Already Published")
    with on_commit():
        moderation.endorsement_approve(endorsement=endorsement, moderator=moderator)
    page = moderator_client.get(review_url(endorsement)).content.decode()
    assert "/approve/" not in page
    assert f'formaction="{CHANGELIST}{endorsement.pk}/reject/"' in page
    assert f"Last decided by {moderator.email}." in page


def test_staff_who_may_only_view_see_the_review_page_without_decisions(
    client: Client, letter: Letter
) -> None:
    from django.contrib.auth.models import Permission

    viewer = User.objects.create_user(email="viewer@coalition.example.org", password="x" * 20)
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.add(Permission.objects.get(codename="view_endorsement"))
    client.force_login(viewer)
    endorsement = pending(letter, "Viewed Only")
    page = client.get(review_url(endorsement)).content.decode()
    assert "Viewed Only" in page
    assert "formaction" not in page
    assert client.post(f"{CHANGELIST}{endorsement.pk}/approve/").status_code == 403


def test_the_review_page_costs_the_same_few_queries_with_many_candidates(
    moderator_client: Client, letter: Letter, django_assert_max_num_queries
) -> None:
    for n in range(12):
        pending(letter, f"Same Site {n}", website="https://shared.example.org", minutes_ago=20 + n)
    endorsement = pending(letter, "Same Site", website="https://shared.example.org")
    with django_assert_max_num_queries(25):
        page = moderator_client.get(review_url(endorsement, "status__exact=pending"))
    assert page.content.decode().count("same website") == 10


# Dates a team on several continents reads the same way ----------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_queue_and_the_review_page_write_dates_year_first_in_every_language(
    moderator_client: Client, moderator: User, letter: Letter, on_commit: OnCommit, language: str
) -> None:
    moderator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    endorsement = pending(letter, "Amal Relief")
    # 12 August: the day a month-first reader and a day-first reader would tell apart.
    signed_at = datetime(2026, 8, 12, 9, 30, tzinfo=UTC)
    Endorsement.objects.filter(pk=endorsement.pk).update(signed_at=signed_at)
    endorsement.refresh_from_db()
    with on_commit():
        moderation.endorsement_approve(endorsement=endorsement, moderator=moderator)

    queue = moderator_client.get(f"{CHANGELIST}?status__exact=all").content.decode()
    signed_cell = re.search(r'<td class="field-signed">(.*?)</td>', queue)
    assert signed_cell is not None
    assert ">2026-08-12</time>" in signed_cell.group(1)
    review = moderator_client.get(review_url(endorsement)).content.decode()
    assert "2026-08-12 09:30" in review
    for page in (queue, review):
        assert "08/12/2026" not in page
        assert "12/08/2026" not in page


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt-br", "ar"])
def test_the_admin_date_fields_write_and_read_dates_year_first(
    admin_client: Client, letter: Letter, language: str
) -> None:
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    Letter.objects.filter(pk=letter.pk).update(opens_at=datetime(2026, 8, 12, 9, 30, tzinfo=UTC))
    page = admin_client.get(f"/admin/letters/letter/{letter.pk}/change/").content.decode()
    assert re.search(r'name="opens_at_0" value="2026-08-12"', page)
    # The calendar writes what the field reads: the first input format, in the page's script.
    catalog = admin_client.get("/admin/jsi18n/").content.decode()
    first_input_format = re.search(r'"DATE_INPUT_FORMATS": \[\s*"([^"]+)"', catalog)
    assert first_input_format is not None
    assert first_input_format.group(1) == "%Y-%m-%d"


# The admin names the site ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "header", "index_title"),
    [
        ("en", "Syria Coalition administration", "Syria Coalition: letters and signatures"),
        ("fr", "Administration de Syria Coalition", "Syria Coalition\u00a0: lettres et signatures"),
        ("ar", "إدارة Syria Coalition", "Syria Coalition: الرسائل والتوقيعات"),
    ],
)
def test_the_admin_header_and_title_name_the_site_in_the_staff_language(
    moderator_client: Client, settings, language: str, header: str, index_title: str
) -> None:
    settings.SITE_NAME = "Syria Coalition"
    moderator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    home = unescape(moderator_client.get("/admin/").content.decode())
    assert f'<div id="site-name"><a href="/admin/">{header}</a></div>' in home
    assert f"<title>{index_title} | {header}</title>" in home
    assert f"<h1>{index_title}</h1>" in home
    assert "Django" not in home
    queue = unescape(moderator_client.get(CHANGELIST).content.decode())
    assert f"| {header}</title>" in queue
