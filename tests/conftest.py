from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from coalition.celery import app as celery_app

from .factories import LetterFactory

REQUIRE_SERVICES = bool(os.environ.get("COALITION_REQUIRE_SERVICES"))
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def skip_or_fail(reason: str) -> None:
    """Without a service a developer's run skips; CI (COALITION_REQUIRE_SERVICES) fails."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def is_listening(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _tasks_run_in_the_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run in-process unless a test starts a real worker (marker `worker`)."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    try:
        cache.clear()
    except Exception:  # noqa: S110 -- a test that stopped Redis cleans up after itself
        pass
    yield


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    if not is_listening(url):
        skip_or_fail(f"no Redis at {url}")
    return url


@pytest.fixture
def on_commit(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[list]],
) -> Callable[[], AbstractContextManager[list]]:
    """Run what the code under test defers to after commit (mail, counts), as production does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def letter(db: None):  # noqa: ANN201
    return LetterFactory()
