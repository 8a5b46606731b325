"""Cheaper statements, from the environment: psycopg's server-side binding and prepared
statements reach the connection when set, and stay off (as Django ships) when not, because
PgBouncer in transaction mode needs its max_prepared_statements for them (docs/scale.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from .conftest import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
# Three runs of one lookup by address, then what the server holds prepared for this session.
SCRIPT = """
import django; django.setup()
from django.db import connection
from signatories.models import User
for _ in range(3):
    User.objects.filter(email="nobody@ngo.example.org").first()
raw = connection.connection
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_prepared_statements")
    prepared = cursor.fetchone()[0]
print(raw.cursor_factory.__name__, raw.prepare_threshold, prepared)
"""


def _connection_as_configured(**variables: str) -> list[str]:
    database = connection.settings_dict
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DATABASE_") and k not in {"DEBUG", "SECRET_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="coalition.settings",
        DEBUG="True",
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        **variables,
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.fixture
def postgresql(db: None) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("binding and prepared statements are PostgreSQL's (set DATABASE_URL)")


@pytest.mark.usefixtures("postgresql")
def test_statements_are_bound_on_the_client_and_never_prepared_by_default() -> None:
    assert _connection_as_configured() == ["Cursor", "None", "0"]


@pytest.mark.usefixtures("postgresql")
def test_server_side_binding_and_prepared_statements_follow_the_environment() -> None:
    configured = _connection_as_configured(
        DATABASE_SERVER_SIDE_BINDING="True", DATABASE_PREPARE_THRESHOLD="2"
    )

    assert configured[:2] == ["ServerBindingCursor", "2"]
    assert int(configured[2]) >= 1  # the lookup run three times is prepared on the server


@pytest.mark.usefixtures("postgresql")
def test_prepared_statements_can_be_switched_off_by_name() -> None:
    configured = _connection_as_configured(
        DATABASE_SERVER_SIDE_BINDING="True", DATABASE_PREPARE_THRESHOLD="off"
    )

    assert configured == ["ServerBindingCursor", "None", "0"]
