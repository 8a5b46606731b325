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
