"""What the benchmarks share: the database they fill, created if missing."""

from __future__ import annotations

import os
from urllib.parse import urlsplit


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
