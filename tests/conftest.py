from __future__ import annotations

import contextlib
import email
import email.policy
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from coalition import breaker
from coalition.celery import app as celery_app
from letters import pdf as letter_pdf

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
def _default_language() -> Iterator[None]:
    """Each test starts in English: a request to /ar/... leaves Arabic active in the thread
    (Django activates a language per request and never resets it), and a URL reversed in
    the next test would otherwise carry the /ar/ prefix."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


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
def _pdfs_render_in_the_test(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a broker the web process renders PDFs in a thread of its own; that thread could
    not see a test's uncommitted rows, so the render runs where it was asked for, at once,
    unless the test is about that thread (marker `render_thread`)."""
    if request.node.get_closest_marker("render_thread"):
        return
    monkeypatch.setattr(letter_pdf.in_process, "submit", lambda job, args, *, delay: job(*args))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> list[str]:
    """Returns the project's own PASSWORD_HASHERS, for `production_password_hashers`."""
    production = list(settings.PASSWORD_HASHERS)
    # Speed only (PBKDF2 costs ~0.5 s a user); no test judges this hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return production


@pytest.fixture
def production_password_hashers(settings, _fast_password_hashing: list[str]) -> None:
    """For a test about the stored hash itself: the hashers production uses, not the fast one."""
    settings.PASSWORD_HASHERS = _fast_password_hashing


@pytest.fixture(autouse=True)
def _public_pages_fresh_at_once(settings) -> None:
    """A change shows on the cached public pages at the next read, not up to a second later:
    tests read right after they change something. tests/test_page_cache.py tests the window."""
    settings.PUBLIC_PAGE_STALE_SECONDS = 0


@pytest.fixture(autouse=True)
def _redis_presumed_healthy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with closed circuit breakers: a Redis that one test stopped must not
    make the next test skip the cache (ports are reused)."""
    monkeypatch.setattr(breaker, "_breakers", {})


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # A test that stops Redis on purpose cleans up after itself.
    with contextlib.suppress(Exception):
        cache.clear()
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
def letter(db: None):
    return LetterFactory()


# Real services: an SMTP server and a Celery worker, for the few tests that prove the wiring.


class Inbox:
    """What a real SMTP server (aiosmtpd) received."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        # aiosmtpd keeps one session per connection: how many connections delivered mail.
        self.sessions: list[object] = []

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        if not any(known is session for known in self.sessions):
            self.sessions.append(session)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[email.message.Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.messages


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def database_url_for_subprocess() -> str:
    """The URL of the database the tests are using right now (pytest-django's test_ one)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        skip_or_fail("a worker in another process needs PostgreSQL (set DATABASE_URL)")
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(
    redis_url: str, smtp_server: tuple[Inbox, int]
) -> Iterator[Callable[..., subprocess.Popen]]:
    """Starts `celery -A coalition worker` on Redis, sending mail to the test SMTP server.
    Without an argument it uses the broker the web side uses (REDIS_URL)."""
    workers: list[subprocess.Popen] = []

    def start(
        broker_url: str | None = None, *, queues: str = "celery", **extra_env: str
    ) -> subprocess.Popen:
        if broker_url is None and (
            not django_settings.REDIS_URL or celery_app.conf.task_always_eager
        ):
            skip_or_fail("the web side publishes to a real broker only when REDIS_URL is set")
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_subprocess(),
            "REDIS_URL": broker_url or django_settings.REDIS_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server[1]}",
            "SITE_URL": django_settings.SITE_URL,
            "SECRET_KEY": django_settings.SECRET_KEY,
            "DEBUG": "False",
            **extra_env,
        }
        worker = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "coalition",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                # The default queue sends mail; `pdf` is the PDF worker's (docs/deploy.md).
                "--queues",
                queues,
            ],
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own, which the test may really stop and start."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not is_listening(self.url):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if not shutil.which("redis-server"):
        skip_or_fail("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def point_celery_at() -> Iterator[Callable[[str], None]]:
    """Make the web side publish tasks to the given broker for real (not eagerly)."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)

    def point(url: str) -> None:
        celery_app.conf.broker_url = url
        celery_app.conf.task_always_eager = False
        celery_app._pool = None  # connections are pooled per broker URL
        celery_app.amqp._producer_pool = None

    yield point
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
