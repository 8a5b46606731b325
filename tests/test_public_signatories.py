"""The public list of signatories: by country, filtered, searched, paginated, and private
details never shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coalition.pagecache import public_pages_changed
from letters import views
from letters.models import Letter
from signatories import counts, tasks
from signatories.services import moderation

from .factories import EndorsementFactory, LetterFactory, UserFactory

pytestmark = pytest.mark.django_db

OnCommit = Callable[[], AbstractContextManager[list]]


def signatories_page(client: Client, letter: Letter, query: str = "", **headers: str) -> str:
    response = client.get(f"/letters/{letter.slug}/signatories/{query}", follow=True, **headers)
    assert response.status_code == 200
    return response.content.decode()


def headings(page: str) -> list[str]:
    """The country headings, in order, without their counts."""
    found = re.findall(r'<h2 id="country-\w\w">.*?</h2>', page, flags=re.S)
    return [re.sub(r"<[^>]+>|\(.*", "", h).strip() for h in found]


def names(page: str) -> list[str]:
    found = re.findall(
        r'<li class="signatory">\s*(?:<a [^>]*>|<span class="signatory-name">)([^<]+)', page
    )
    return [name.replace("&amp;", "&") for name in found]


def sign(
    letter: Letter, name: str, country: str, listed_publicly: bool = True, **organization: str
) -> None:
    EndorsementFactory(
        letter=letter,
        approved=True,
        listed_publicly=listed_publicly,
        organization__name=name,
        organization__country=country,
        **{f"organization__{key}": value for key, value in organization.items()},
    )


def test_signatories_are_grouped_by_country_then_sorted_by_name(
    client: Client, letter: Letter
) -> None:
    sign(letter, "Zebra Relief", "FR")
    sign(letter, "Amis de la Paix", "FR")
    sign(letter, "Ärzte für Frieden", "DE")
    sign(letter, "Coletivo Maré", "BR")
    page = signatories_page(client, letter)
    assert headings(page) == ["Brazil", "France", "Germany"]
    assert names(page) == ["Coletivo Maré", "Amis de la Paix", "Zebra Relief", "Ärzte für Frieden"]
    assert 'France <span class="meta">(2)' in page


def test_countries_follow_the_alphabet_of_the_readers_language(
    client: Client, letter: Letter, settings
) -> None:
    sign(letter, "Zebra Relief", "FR")
    sign(letter, "Ärzte für Frieden", "DE")
    sign(letter, "Coletivo Maré", "BR")
    page = signatories_page(client, letter, HTTP_ACCEPT_LANGUAGE="fr")
    assert headings(page) == ["Allemagne", "Brésil", "France"]
    prefixed = client.get(f"/fr/letters/{letter.slug}/signatories/").content.decode()
    assert headings(prefixed) == ["Allemagne", "Brésil", "France"]


def test_only_approved_organisations_that_agreed_to_be_listed_appear(
    client: Client, letter: Letter
) -> None:
    sign(letter, "Listed Alliance", "FR")
    EndorsementFactory(letter=letter, approved=True, organization__name="Quiet Friends",
                       listed_publicly=False)  # fmt: skip
    EndorsementFactory(letter=letter, organization__name="Pending Partners")
    EndorsementFactory(approved=True, organization__name="Other Letter Org")
    page = signatories_page(client, letter)
    assert names(page) == ["Listed Alliance"]
    assert "counted but not listed" in page


def test_the_page_never_shows_an_email_address_or_a_contact_person(
    client: Client, letter: Letter
) -> None:
    EndorsementFactory(
        letter=letter,
        approved=True,
        comment="Private note to moderators",
        organization__name="Open Hands",
        organization__contact_name="Secret Contact Person",
        organization__description="Our private description",
        organization__user__email="private-inbox@open-hands.example.org",
    )
    page = signatories_page(client, letter)
    assert "Open Hands" in page
    assert "Secret Contact Person" not in page
    assert "private-inbox" not in page
    assert "@open-hands" not in page
    assert "Private note" not in page


def test_names_link_to_the_website_without_passing_reputation(
    client: Client, letter: Letter
) -> None:
    sign(letter, "Open Hands", "FR", website="https://open-hands.example.org")
    sign(letter, "Sneaky Org", "FR", website="javascript:alert(1)")
    page = signatories_page(client, letter)
    assert (
        '<a href="https://open-hands.example.org" rel="nofollow noopener" dir="auto">Open Hands</a>'
        in page
    )
    assert "javascript:" not in page
    assert "Sneaky Org" in page


def test_each_country_shows_its_flag_and_its_count(client: Client, letter: Letter) -> None:
    sign(letter, "Coletivo Maré", "BR")
    page = signatories_page(client, letter)
    assert '<img class="flag" src="/static/flags/br.gif" alt=""' in page
    assert client.get("/static/flags/br.gif").status_code == 200


def test_filter_by_country_shows_only_that_country(client: Client, letter: Letter) -> None:
    sign(letter, "Coletivo Maré", "BR")
    sign(letter, "Instituto Ipê", "BR")
    sign(letter, "Amis de la Paix", "FR")
    page = signatories_page(client, letter, "?country=br")
    assert headings(page) == ["Brazil"]
    assert names(page) == ["Coletivo Maré", "Instituto Ipê"]
    assert '<option value="BR" selected>Brazil (2)</option>' in page
    assert '<option value="FR">France (1)</option>' in page


def not_in_the_list(client: Client, letter: Letter, query: str) -> str:
    response = client.get(f"/letters/{letter.slug}/signatories/{query}")
    assert response.status_code == 404
    return response.content.decode()


def test_a_country_without_listed_signatories_is_a_404_that_names_it(
    client: Client, letter: Letter
) -> None:
    sign(letter, "Amis de la Paix", "FR")
    sign(letter, "Quiet Japan Org", "JP", listed_publicly=False)
    page = not_in_the_list(client, letter, "?country=jp")
    assert "No organisation from Japan is listed among the signatories of this letter." in page
    assert f'<a href="/letters/{letter.slug}/signatories/">See all signatories</a>' in page
    assert "Quiet Japan Org" not in page


@pytest.mark.parametrize("query", ["?country=ZZ", "?country=Brazil", "?q=paix&country=QQ"])
def test_an_unknown_country_code_is_a_404_with_a_link_to_the_list(
    client: Client, letter: Letter, query: str
) -> None:
    sign(letter, "Amis de la Paix", "FR")
    page = not_in_the_list(client, letter, query)
    assert "There is no country with this code." in page
    assert "Amis de la Paix" not in page
    back = "?q=paix" if "q=" in query else ""
    assert f'<a href="/letters/{letter.slug}/signatories/{back}">See all signatories</a>' in page


@pytest.mark.parametrize("number", ["0", "-1", "1a", "²", "1_0", "99999999999", "2"])
def test_a_page_that_is_not_in_the_list_is_a_404_with_a_link_to_the_first(
    client: Client, letter: Letter, number: str
) -> None:
    sign(letter, "Amis de la Paix", "FR")
    page = not_in_the_list(client, letter, f"?country=FR&page={number}")
    assert "There is no such page: this list has 1 page." in page
    assert f'<a href="/letters/{letter.slug}/signatories/?country=FR">Go to the first page</a>' in (
        page
    )


@pytest.mark.parametrize("query", ["?page=1", "?page=01", "?page=", "?country=&q=", "?country=fr"])
def test_the_first_page_answers_under_each_of_its_spellings(
    client: Client, letter: Letter, query: str
) -> None:
    sign(letter, "Amis de la Paix", "FR")
    assert names(signatories_page(client, letter, query)) == ["Amis de la Paix"]


def test_search_finds_names_whatever_the_case_and_accents(client: Client, letter: Letter) -> None:
    sign(letter, "Médecins pour la Paix", "FR")
    sign(letter, "Friends of Peace", "GB")
    sign(letter, "Medical Aid Collective", "KE")
    page = signatories_page(client, letter, "?q=MEDECINS")
    assert names(page) == ["Médecins pour la Paix"]
    assert "matching “MEDECINS”" in page
    assert 'value="MEDECINS"' in page


def test_search_and_country_filter_combine(client: Client, letter: Letter) -> None:
    sign(letter, "Peace Now France", "FR")
    sign(letter, "Peace Now Kenya", "KE")
    sign(letter, "Amis de la Paix", "FR")
    assert names(signatories_page(client, letter, "?q=peace&country=FR")) == ["Peace Now France"]
    page = signatories_page(client, letter, "?q=nobody&country=FR")
    assert "No listed signatory from France matches “nobody”." in page


def test_long_lists_are_split_into_pages_that_keep_the_filters(
    client: Client, letter: Letter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "SIGNATORIES_PER_PAGE", 3)
    for name in ["Alpha", "Bravo", "Charlie", "Delta"]:
        sign(letter, f"{name} Peace", "FR")
    sign(letter, "Echo Peace", "DE")
    sign(letter, "Foxtrot Peace", "BR")

    first = signatories_page(client, letter, "?q=peace")
    assert names(first) == ["Foxtrot Peace", "Alpha Peace", "Bravo Peace"]
    assert "Showing 1–3 of 6" in first  # noqa: RUF001 -- the en dash of a range
    assert 'href="?q=peace&amp;page=2" rel="next"' in first

    second = signatories_page(client, letter, "?q=peace&page=2")
    assert headings(second) == ["France", "Germany"]
    assert names(second) == ["Charlie Peace", "Delta Peace", "Echo Peace"]
    assert "(4) · continued" in second
    assert 'aria-current="page"' in second

    beyond = not_in_the_list(client, letter, "?q=peace&page=99")
    assert "There is no such page: this list has 2 pages." in beyond
    assert f'<a href="/letters/{letter.slug}/signatories/?q=peace">Go to the first page</a>' in (
        beyond
    )


def test_page_links_carry_the_filters_and_nothing_else(
    client: Client, letter: Letter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "SIGNATORIES_PER_PAGE", 2)
    for name in ["Alpha", "Bravo", "Charlie"]:
        sign(letter, f"{name} Peace", "FR")
    first = signatories_page(client, letter, "?country=FR&fbclid=someone-s-tracking-id")
    second = signatories_page(client, letter, "?country=FR")  # from the shared cache
    for page in (first, second):
        links = page[page.index('<nav class="pagination"') :]
        links = links[: links.index("</nav>")]
        assert 'href="?country=FR&amp;page=2" rel="next"' in links
        assert "tracking" not in links


def test_a_letter_without_signatories_says_so(client: Client, letter: Letter) -> None:
    assert "No signatory is published yet." in signatories_page(client, letter)


def test_draft_letters_have_no_public_list(client: Client) -> None:
    draft = LetterFactory(status=Letter.Status.DRAFT)
    assert client.get(f"/letters/{draft.slug}/signatories/").status_code == 404


def test_a_newly_approved_signatory_is_listed_at_once(
    client: Client, letter: Letter, on_commit: OnCommit
) -> None:
    sign(letter, "Amis de la Paix", "FR")
    assert names(signatories_page(client, letter)) == ["Amis de la Paix"]
    endorsement = EndorsementFactory(letter=letter, organization__name="Brand New Alliance",
                                     organization__country="FR")  # fmt: skip
    moderator = UserFactory(is_staff=True)
    with on_commit():
        moderation.endorsement_approve(endorsement=endorsement, moderator=moderator)
    page = signatories_page(client, letter)
    assert names(page) == ["Amis de la Paix", "Brand New Alliance"]
    assert 'France <span class="meta">(2)' in page


def test_changes_made_behind_the_services_back_show_after_reconciliation(
    client: Client, letter: Letter
) -> None:
    sign(letter, "Amis de la Paix", "FR")
    signatories_page(client, letter)
    sign(letter, "Zebra Relief", "FR")  # e.g. a manual fix in SQL: no service refreshed the cache
    tasks.signatory_counts_reconcile.delay()
    assert names(signatories_page(client, letter)) == ["Amis de la Paix", "Zebra Relief"]


def queries_for(client: Client, letter: Letter, query: str) -> int:
    counts.signatory_count_refresh(letter=letter)  # the count is always cached in production
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/letters/{letter.slug}/signatories/{query}").status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("query", "bound"),
    [("", 2), ("?country=FR", 2), ("?page=3", 2), ("?q=peace", 3), ("?q=peace&page=2", 3)],
)
def test_the_page_costs_the_same_few_queries_however_many_signatories(
    client: Client, monkeypatch: pytest.MonkeyPatch, query: str, bound: int
) -> None:
    """The letter and one page of names; a search adds its per-country counts."""
    monkeypatch.setattr(views, "SIGNATORIES_PER_PAGE", 5)
    few, many = LetterFactory(), LetterFactory()
    for letter, size in ((few, 15), (many, 60)):
        for n in range(size):
            sign(letter, f"Peace Org {n:03}", ["FR", "KE", "BR", "JP"][n % 4])
    with_few = queries_for(client, few, query)
    with_many = queries_for(client, many, query)
    assert with_few == with_many <= bound


def test_a_second_visit_to_the_same_page_reads_the_list_from_the_cache(
    client: Client, letter: Letter, django_assert_num_queries: Callable
) -> None:
    sign(letter, "Amis de la Paix", "FR")
    first = signatories_page(client, letter)
    public_pages_changed()  # the page itself rendered again: the list still from the cache
    with django_assert_num_queries(1):  # the letter
        second = signatories_page(client, letter)
    assert names(second) == names(first) == ["Amis de la Paix"]


def description(page: str) -> str:
    found = re.findall(r'<meta name="description" content="([^"]*)">', page)
    assert len(found) == 1, found
    return found[0]


def test_the_list_of_an_open_letter_links_to_its_sign_form(client: Client, letter: Letter) -> None:
    page = signatories_page(client, letter)
    assert f'<a class="button primary large" href="/letters/{letter.slug}/sign/">' in page
    assert "Sign this letter" in page


@pytest.mark.parametrize(
    "state",
    [
        {"status": Letter.Status.CLOSED},
        {"closes_at": timezone.now() - timedelta(days=1)},
        {"opens_at": timezone.now() + timedelta(days=1)},
        {"delivered_on": date(2026, 3, 12), "delivered_to": "the Assembly"},
    ],
    ids=["closed", "past-its-closing-date", "not-yet-open", "delivered"],
)
def test_the_list_of_a_letter_that_takes_no_signatures_has_no_sign_link(
    client: Client, state: dict[str, object]
) -> None:
    letter = LetterFactory(**state)
    page = signatories_page(client, letter)
    assert "Sign this letter" not in page
    assert f"/letters/{letter.slug}/sign/" not in page


def test_the_list_is_described_by_the_letters_summary_in_the_readers_language(
    client: Client,
) -> None:
    letter = LetterFactory(title="Peace", summary="We call for peace.")
    letter.translations.create(
        language="fr",
        title="Paix & justice",
        summary='Nous appelons à la « paix » <script>alert("x")</script>.',
        body="Texte",
        recipients="États membres",
        published=True,
    )
    english = signatories_page(client, letter)
    assert description(english) == "The organisations that signed “Peace”. We call for peace."
    french = signatories_page(client, letter, HTTP_ACCEPT_LANGUAGE="fr")
    assert description(french) == (
        "Les organisations qui ont signé «\u202fPaix &amp; justice\u202f». Nous appelons à la "
        "« paix » &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;."
    )
    assert "<script>alert" not in french
