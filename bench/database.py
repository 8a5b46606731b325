"""What the benchmarks share: the settings of those that run Django in their own process,
and the database they fill, created if missing."""

from __future__ import annotations

import os
from urllib.parse import urlsplit


def in_process_environment(database: str) -> None:
    """The environment of a benchmark that drives Django in its own process (the test
    client): its own database on the local server (unless DATABASE_URL names one), DEBUG off,
    no Redis (the cache in memory, Celery tasks run at once). Call before Django is set up."""
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}")
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    )
    os.environ["DEBUG"] = "False"  # DEBUG would keep every query in memory
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SITE_URL", "http://testserver")
    os.environ["REDIS_URL"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "coalition.settings"


def ensure_database() -> None:
    """Create the database DATABASE_URL names, on the same server, if it does not exist."""
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    server = url._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


CROWD_PREFIX = "bench-crowd-"
CROWD_BATCH = 10_000


def accounts_fill(total: int, keep: str) -> int:
    """Bring the accounts table to `total` rows (those whose address starts with `keep`, the
    run in progress, aside) with confirmed organisations that signed nothing: the list a
    letter signs against after a few campaigns. Each batch of 10,000 is one INSERT per table.
    Returns the accounts now on record, the crowd included."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from signatories.models import Organization, User, normalize_name

    others = User.objects.exclude(email__startswith=CROWD_PREFIX).exclude(email__startswith=keep)
    crowd = User.objects.filter(email__startswith=CROWD_PREFIX)
    wanted = max(total - others.count(), 0)
    have = crowd.count()
    if have > wanted:
        surplus = crowd.order_by("-pk").values("pk")[: have - wanted]
        with transaction.atomic():
            Organization.objects.filter(user__in=surplus).delete()
            EmailAddress.objects.filter(user__in=surplus).delete()
            User.objects.filter(pk__in=surplus).delete()
    unusable = make_password(None)
    for start in range(have, wanted, CROWD_BATCH):
        numbers = range(start, min(start + CROWD_BATCH, wanted))
        with transaction.atomic():
            users = User.objects.bulk_create(
                (
                    User(email=f"{CROWD_PREFIX}{n}@crowd{n}.example.org", password=unusable)
                    for n in numbers
                ),
                batch_size=CROWD_BATCH,
            )
            EmailAddress.objects.bulk_create(
                (EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users),
                batch_size=CROWD_BATCH,
            )
            Organization.objects.bulk_create(
                (
                    Organization(
                        user=user,
                        name=f"Crowd organisation {n}",
                        normalized_name=normalize_name(f"Crowd organisation {n}"),
                        country="FR",
                        website=f"https://crowd{n}.example.org",
                        website_domain=f"crowd{n}.example.org",
                    )
                    for n, user in zip(numbers, users, strict=True)
                ),
                batch_size=CROWD_BATCH,
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would soon: plans for the real row counts
    return User.objects.exclude(email__startswith=keep).count()
