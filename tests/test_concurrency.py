"""Many simultaneous sign requests for the same organisation and letter make one endorsement
and no server error (PostgreSQL: real row locks and unique indexes under contention)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from letters.models import Letter
from signatories.models import Endorsement, Organization, User

from .conftest import skip_or_fail
from .factories import OrganizationFactory
from .helpers import sign_form

pytestmark = pytest.mark.django_db(transaction=True)
REQUESTS = 12


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("concurrency is tested on PostgreSQL (set DATABASE_URL)")


def run_at_once(request: Callable[[], int]) -> list[int]:
    barrier = threading.Barrier(REQUESTS)
    statuses: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            statuses.append(request())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_simultaneous_signups_for_one_new_organisation_make_one_endorsement(letter: Letter) -> None:
    def sign() -> int:
        return Client().post(f"/letters/{letter.slug}/sign/", sign_form()).status_code

    statuses = run_at_once(sign)
    assert statuses == [302] * REQUESTS
    assert User.objects.count() == 1
    assert Organization.objects.count() == 1
    assert Endorsement.objects.count() == 1


def test_simultaneous_signatures_of_a_signed_in_organisation_make_one_endorsement(
    letter: Letter,
) -> None:
    organization = OrganizationFactory()

    def sign() -> int:
        client = Client()
        client.force_login(organization.user)
        return client.post(f"/letters/{letter.slug}/sign/", {"listed_publicly": "on"}).status_code

    statuses = run_at_once(sign)
    assert set(statuses) <= {200, 302}
    assert statuses.count(302) >= 1
    assert Endorsement.objects.filter(organization=organization, letter=letter).count() == 1
