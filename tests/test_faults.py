"""Faults: Redis stopped or stalled, a worker killed mid-send, PostgreSQL unreachable. Nothing
is lost, nobody sees a server error, and every mail goes out exactly once after recovery."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.test.utils import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from coalition.breaker import CircuitBreaker
from coalition.cache import ResilientRedisCache
from letters.models import Letter
from signatories import emails, outbox
from signatories.models import Endorsement, OutgoingMail

from .conftest import Inbox, PrivateRedis, free_port
from .factories import EndorsementFactory
from .helpers import sign_form

ROOT = Path(__file__).resolve().parent.parent


def redis_cache_at(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "coalition.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A server that accepts connections and never answers: a stalled Redis."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_pages_render_signing_works_and_mail_goes_out_once_it_is_back(
    letter: Letter,
    private_redis: PrivateRedis,
    point_celery_at,
    smtp_server: tuple[Inbox, int],
    start_worker,
    settings,
) -> None:
    inbox, _port = smtp_server
    EndorsementFactory(letter=letter, approved=True, organization__name="Already Listed")
    with override_settings(CACHES=redis_cache_at(private_redis.url)):
        point_celery_at(private_redis.url)
        private_redis.stop()

        page = Client().get(f"/letters/{letter.slug}/")
        assert page.status_code == 200
        assert "Already Listed" in page.content.decode()
        response = Client().post(f"/letters/{letter.slug}/sign/", sign_form())
        assert response.status_code == 302
        assert Endorsement.objects.filter(status="unverified").count() == 1
        assert OutgoingMail.objects.get().status == OutgoingMail.Status.QUEUED

        private_redis.start()
        start_worker(private_redis.url)
        settings.OUTBOX_STALE_SECONDS = 0
        settings.REDIS_CIRCUIT_BREAK_SECONDS = 0  # as if the breaker's few seconds had passed
        assert outbox.outgoing_mail_sweep() == 1
        messages = inbox.wait_for(1, timeout=60)
        time.sleep(1)  # a second delivery, if there were one, would have arrived by now
    assert [m["To"] for m in messages] == ["rania@friends-allies.example.org"]
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_under_a_stalled_redis_a_sign_up_takes_one_timeout_not_one_per_cache_call(
    letter: Letter, black_hole: str, point_celery_at
) -> None:
    with override_settings(CACHES=redis_cache_at(black_hole)):
        point_celery_at(black_hole)
        started = time.monotonic()
        response = Client().post(f"/letters/{letter.slug}/sign/", sign_form())
        elapsed = time.monotonic() - started
        page = Client().get(f"/letters/{letter.slug}/")
    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert endorsement.organization.name == "Friends & Allies of Aleppo"
    assert endorsement.status == Endorsement.Status.UNVERIFIED
    mail = OutgoingMail.objects.get()
    assert (mail.to, mail.status) == (
        "rania@friends-allies.example.org",
        OutgoingMail.Status.QUEUED,
    )
    # The first cache call waits out its 1 s timeout; the breaker then skips the other cache
    # calls and the publish of the mail (the sweep sends it). Without it: some 17 s.
    assert elapsed < 2
    assert page.status_code == 200
    assert letter.title in page.content.decode()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def cache_at(url: str) -> ResilientRedisCache:
    return ResilientRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})


def test_after_a_failure_the_cache_skips_redis_for_the_interval_then_uses_it_again(
    private_redis: PrivateRedis, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.REDIS_CIRCUIT_BREAK_SECONDS = 5
    cache = cache_at(private_redis.url)
    clock = FakeClock()
    monkeypatch.setattr(cache.breaker, "clock", clock)
    private_redis.stop()
    assert cache.get("greeting") is None
    private_redis.start()

    # Redis is back, but the breaker is open: the value never reaches it.
    cache.set("greeting", "hello")
    assert cache.get("greeting") is None
    assert cache.add("lock", 1) is True
    clock.advance(4.9)
    assert cache.get("greeting") is None

    clock.advance(0.1)
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    assert cache.add("lock", 1) is True
    assert cache.add("lock", 1) is False


def test_a_breaker_lets_one_call_probe_after_the_interval_while_the_others_keep_skipping(
    settings,
) -> None:
    settings.REDIS_CIRCUIT_BREAK_SECONDS = 5
    clock = FakeClock()
    breaker = CircuitBreaker("Redis at test", clock=clock)
    assert breaker.allow()
    breaker.failed(RedisTimeoutError("Timeout reading from socket"))
    assert [breaker.allow() for _ in range(3)] == [False, False, False]

    clock.advance(5)
    assert [breaker.allow() for _ in range(3)] == [True, False, False]
    breaker.failed(RedisTimeoutError("Timeout reading from socket"))
    clock.advance(4)
    assert not breaker.allow()  # a failed probe starts another full interval

    clock.advance(1)
    assert breaker.allow()
    breaker.succeeded()
    assert [breaker.allow() for _ in range(3)] == [True, True, True]


def test_a_probe_that_never_reports_back_does_not_keep_the_breaker_shut(settings) -> None:
    settings.REDIS_CIRCUIT_BREAK_SECONDS = 5
    clock = FakeClock()
    breaker = CircuitBreaker("Redis at test", clock=clock)
    breaker.failed(RedisConnectionError("Connection refused"))
    clock.advance(5)
    assert breaker.allow()  # this probe's caller vanishes without a word
    clock.advance(5)
    assert breaker.allow()


def test_an_outage_is_logged_when_the_breaker_opens_not_once_per_call(
    settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings.REDIS_CIRCUIT_BREAK_SECONDS = 5
    cache = cache_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens: refused at once
    clock = FakeClock()
    monkeypatch.setattr(cache.breaker, "clock", clock)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            for n in range(10):
                cache.get(f"key{n}")
                cache.set(f"key{n}", n)
            clock.advance(5)  # each round starts with a probe that fails again
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "skipping it for 5" in warnings[0].getMessage()


class StallFirstDelivery(Inbox):
    """An SMTP server that holds the first message without answering, as a worker is killed."""

    def __init__(self) -> None:
        super().__init__()
        self.first_started = threading.Event()

    async def handle_DATA(self, server: object, session: object, envelope) -> str:
        if not self.first_started.is_set():
            self.first_started.set()
            await asyncio.sleep(15)
            return "451 the worker was killed before this answer"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def stalling_smtp_server() -> Iterator[tuple[StallFirstDelivery, int]]:
    from aiosmtpd.controller import Controller

    inbox = StallFirstDelivery()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_leaves_the_mail_to_be_sent_exactly_once(
    letter: Letter,
    private_redis: PrivateRedis,
    point_celery_at,
    stalling_smtp_server: tuple[StallFirstDelivery, int],
    start_worker,
    settings,
) -> None:
    inbox, port = stalling_smtp_server
    point_celery_at(private_redis.url)
    smtp = {"EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    first = start_worker(private_redis.url, **smtp)
    with override_settings(CACHES=redis_cache_at(private_redis.url)):
        assert Client().post(f"/letters/{letter.slug}/sign/", sign_form()).status_code == 302
    assert inbox.first_started.wait(timeout=60)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENDING

    start_worker(private_redis.url, **smtp)
    settings.OUTBOX_STALE_SECONDS = 0
    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 0
    outbox.outgoing_mail_sweep()
    messages = inbox.wait_for(1, timeout=60)
    outbox.outgoing_mail_sweep()  # a later sweep finds nothing left to send
    time.sleep(2)
    assert [m["To"] for m in messages] == ["rania@friends-allies.example.org"]
    mail = OutgoingMail.objects.get()
    assert (mail.status, mail.attempts) == (OutgoingMail.Status.SENT, 2)


class StallSecondDelivery(Inbox):
    """Takes the first message, then holds the second without answering, as a worker is
    killed in the middle of a batch."""

    def __init__(self) -> None:
        super().__init__()
        self.second_started = threading.Event()

    async def handle_DATA(self, server: object, session: object, envelope) -> str:
        if len(self.messages) == 1 and not self.second_started.is_set():
            self.second_started.set()
            await asyncio.sleep(15)
            return "451 the worker was killed before this answer"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_each_mail_to_be_sent_exactly_once(
    private_redis: PrivateRedis, point_celery_at, start_worker, settings
) -> None:
    from aiosmtpd.controller import Controller

    inbox = StallSecondDelivery()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        point_celery_at(private_redis.url)
        mails = [
            emails.send_endorsement_received(EndorsementFactory(approved=True)) for _ in range(3)
        ]
        smtp = {"EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        first = start_worker(private_redis.url, **smtp)
        assert inbox.second_started.wait(timeout=60)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        statuses = dict(OutgoingMail.objects.values_list("pk", "status"))
        # What the killed worker sent is marked sent; the rest of its batch stays claimed.
        assert [statuses[mail.pk] for mail in mails] == ["sent", "sending", "sending"]

        start_worker(private_redis.url, **smtp)
        settings.OUTBOX_STALE_SECONDS = 0
        settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 0
        outbox.outgoing_mail_sweep()
        messages = inbox.wait_for(3, timeout=60)
        outbox.outgoing_mail_sweep()  # a later sweep finds nothing left to send
        time.sleep(2)
    finally:
        controller.stop()
    assert sorted(m["To"] for m in messages) == sorted(mail.to for mail in mails)
    rows = OutgoingMail.objects.order_by("created_at")
    assert [(row.status, row.attempts) for row in rows] == [("sent", 1), ("sent", 2), ("sent", 2)]


def run_with_database_down(code: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coalition.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/coalition",
        "REDIS_URL": "",
    }
    script = (
        "import django; django.setup(); from django.test import Client; "
        "c = Client(raise_request_exception=False); " + code
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_postgresql_unreachable_gives_a_plain_503_page_without_a_stack_trace() -> None:
    result = run_with_database_down(
        "r = c.get('/letters/any/'); print(r.status_code, r['Retry-After']); "
        "print(r.content.decode())"
    )
    status, _, page = result.stdout.partition("\n")
    assert status == "503 30", result.stderr[-2000:]
    assert "temporarily unavailable" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_postgresql_unreachable_refuses_a_signature_with_503_and_health_names_the_database() -> (
    None
):
    result = run_with_database_down(
        "r = c.post('/letters/any/sign/', {'name': 'X'}); print(r.status_code); "
        "h = c.get('/healthz/'); print(h.status_code, h.content.decode())"
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "503", result.stderr[-2000:]
    assert lines[1] == '503 {"database": "unavailable", "broker": "eager"}'
