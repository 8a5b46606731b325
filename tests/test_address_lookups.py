"""A lookup by address stays as cheap at 10,000 accounts as at 10: PostgreSQL finds the row
through an index instead of reading the whole accounts table (issue 24)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext

from letters.models import Letter
from signatories.models import Organization, OutgoingMail, User, normalize_name

from .conftest import skip_or_fail
from .factories import OrganizationFactory
from .helpers import sign_form

ACCOUNTS = 10_000
# The tables that grow with the list: a scan of any of them grows with it.
GROWING = ("signatories_user", "account_emailaddress", "signatories_organization")
PASSWORD = "a long enough password 42"


@pytest.fixture
def ten_thousand_accounts(db: None) -> User:
    """10,000 confirmed accounts with their organisations, addresses and a mail each, in
    bulk; the planner's statistics as autovacuum would leave them. Returns one with a
    password."""
    if connection.vendor != "postgresql":
        skip_or_fail("the query plans are PostgreSQL's (set DATABASE_URL)")
    users = User.objects.bulk_create(
        User(email=f"crowd-{n}@org{n}.example.org", password="!") for n in range(ACCOUNTS)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users
    )
    Organization.objects.bulk_create(
        Organization(
            user=user,
            name=f"Crowd {n}",
            normalized_name=normalize_name(f"Crowd {n}"),
            country="FR",
        )
        for n, user in enumerate(users)
    )
    OutgoingMail.objects.bulk_create(
        OutgoingMail(kind="email_confirmation_signup", to=user.email, subject="Confirm")
        for user in users
    )
    member = users[4321]
    member.set_password(PASSWORD)
    member.save(update_fields=["password"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return member


def _whole_reads(plan: dict[str, Any]) -> list[str]:
    """The nodes of `plan` that read a growing table whole: a sequential scan, or a walk of
    an index with no condition on it (`.first()` orders by id, and PostgreSQL then walks the
    primary key, filtering every row: as costly as a scan, without saying "Seq Scan")."""
    found = []
    if plan.get("Relation Name") in GROWING and "Index Cond" not in plan:
        found.append(f"{plan['Node Type']} on {plan['Relation Name']}")
    for child in plan.get("Plans", []):
        found += _whole_reads(child)
    return found


def _whole_table_reads(queries: list[dict[str, str]]) -> list[str]:
    """Each SELECT of those `queries` that reads a growing table whole, with what it reads."""
    reads = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or not any(table in sql for table in GROWING):
                continue
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            (explained,) = cursor.fetchone()
            if found := _whole_reads(explained[0]["Plan"]):
                reads.append(f"{', '.join(found)}: {sql}")
    return reads


def _explained(client: Client, path: str, data: dict[str, str]) -> list[dict[str, str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(path, data)
    assert response.status_code in (200, 302), response.content.decode()[:500]
    selects = [q for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert any("signatories_user" in q["sql"] for q in selects)
    return captured.captured_queries


def test_signing_finds_accounts_by_address_through_an_index(
    ten_thousand_accounts: User, letter: Letter, client: Client
) -> None:
    path = f"/letters/{letter.slug}/sign/"
    queries = [
        # A new organisation, a second submission before the confirmation, and an address
        # that is confirmed already (its owner is mailed instead), typed in capitals.
        *_explained(client, path, sign_form(email="new@ngo.example.org")),
        *_explained(client, path, sign_form(email="new@ngo.example.org", city="Tripoli")),
        *_explained(client, path, sign_form(email="CROWD-77@ORG77.EXAMPLE.ORG")),
    ]

    assert _whole_table_reads(queries) == []
    assert User.objects.filter(email="new@ngo.example.org").exists()
    assert Organization.objects.get(user__email="new@ngo.example.org").city == "Tripoli"
    assert OutgoingMail.objects.filter(to="crowd-77@org77.example.org", kind="already-registered")


def test_signing_in_and_resetting_find_accounts_by_address_through_an_index(
    ten_thousand_accounts: User, client: Client
) -> None:
    member = ten_thousand_accounts
    typed = member.email.upper()
    queries = [
        *_explained(client, "/accounts/password/reset/", {"email": typed}),
        *_explained(client, "/accounts/login/code/", {"email": typed}),
        *_explained(Client(), "/accounts/login/", {"login": typed, "password": PASSWORD}),
    ]

    assert _whole_table_reads(queries) == []
    assert OutgoingMail.objects.filter(to=member.email, kind="password_reset_key").exists()
    assert OutgoingMail.objects.filter(to=member.email, kind="login_code").exists()


def test_erasing_by_command_finds_the_address_typed_in_capitals(db: None) -> None:
    member = OrganizationFactory(user__email="rania@friends-allies.example.org").user

    call_command(
        "erase_organisation", " Rania@Friends-Allies.EXAMPLE.org ", "--yes", stdout=StringIO()
    )

    member.refresh_from_db()
    assert member.email == f"erased-{member.pk}@erased.invalid"


def test_an_address_typed_in_capitals_in_the_admin_is_stored_lower_case(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        "/admin/signatories/user/add/",
        {"email": "Moderator@Coalition.EXAMPLE.org", "usable_password": "false"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.filter(email="moderator@coalition.example.org").exists()


def _migrate(targets: list[tuple[str, str]]) -> Any:
    """The database at `targets`, every other app at its latest; the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "signatories"]
    return executor.loader.project_state([*targets, *others]).apps


@pytest.mark.django_db(transaction=True)
def test_addresses_saved_in_capitals_before_are_found_after_the_migration() -> None:
    old = _migrate([("signatories", "0012_reasons_as_codes")])
    user = old.get_model("signatories", "User").objects.create(email="Rania@Friends.EXAMPLE.org")
    addresses = old.get_model("account", "EmailAddress").objects
    addresses.create(user_id=user.pk, email="Rania@Friends.EXAMPLE.org", verified=True)
    twin = addresses.create(user_id=user.pk, email="rania@other.example.org", verified=False)
    addresses.create(user_id=user.pk, email="RANIA@other.example.org", verified=False)

    _migrate([("signatories", "0013_addresses_lower_case")])

    assert User.objects.get(email="rania@friends.example.org").pk == user.pk
    assert EmailAddress.objects.filter(email="rania@friends.example.org", verified=True).exists()
    # The same user's lower-case twin is kept as the one found; its copy is not merged into it.
    assert list(EmailAddress.objects.filter(email="rania@other.example.org")) == [
        EmailAddress.objects.get(pk=twin.pk)
    ]
