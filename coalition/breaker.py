"""A circuit breaker per Redis server, shared by the cache and by Celery's publishing.

A stalled Redis (it accepts connections and never answers) costs every call its full socket
timeout, and a sign-up makes a dozen cache calls and one publish: it waited some 20 s. After one
failure the breaker opens and callers skip that server for REDIS_CIRCUIT_BREAK_SECONDS, taking
their degraded answer at once (a cache miss, a mail left to the outbox sweep). Then one call
probes: the breaker closes if it succeeds and stays open for another interval if it fails.

The state lives in the process: each web worker pays one timeout to learn that Redis is stuck,
and threads share what it learnt (behind a lock)."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

T = TypeVar("T")


class CircuitBreaker:
    def __init__(self, name: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.clock = clock
        self._lock = threading.Lock()
        self._opened_at: float | None = None

    def allow(self) -> bool:
        """Whether to call the server now: always while closed; once open, only the one call
        that probes after each interval."""
        with self._lock:
            if self._opened_at is None:
                return True
            now = self.clock()
            if now - self._opened_at < settings.REDIS_CIRCUIT_BREAK_SECONDS:
                return False
            # The probe restarts the interval, so the other callers keep skipping while it
            # waits on its timeout, and a probe that never reports back blocks nobody for long.
            self._opened_at = now
            return True

    def call(
        self,
        operation: Callable[[], T],
        fallback: Callable[[], T],
        *,
        what: str,
        failures: tuple[type[BaseException], ...] = (Exception,),
    ) -> T:
        """`operation()`, or `fallback()` when the server is being skipped or the operation
        raises: a caller of the cache, the rate limits or the broker never fails with Redis.
        Only `failures` (what says the server is down or stuck) open the breaker; any other
        error is one call's, logged as `what` failing, and leaves the server trusted."""
        if not self.allow():
            return fallback()
        try:
            result = operation()
        except failures as exc:
            # Logged by `failed` once as the breaker opens, not once per call.
            self.failed(exc)
            return fallback()
        except Exception as exc:
            logger.warning("%s failed (%s); carrying on without it", what, exc)
            return fallback()
        self.succeeded()
        return result

    def succeeded(self) -> None:
        with self._lock:
            was_open = self._opened_at is not None
            self._opened_at = None
        if was_open:
            logger.info("%s answers again; calling it again", self.name)

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            opening = self._opened_at is None
            self._opened_at = self.clock()
        if opening:
            logger.warning(
                "%s failed (%s); skipping it for %s s at a time until it answers",
                self.name,
                exc,
                settings.REDIS_CIRCUIT_BREAK_SECONDS,
            )
        else:
            logger.debug("%s still failing (%s)", self.name, exc)


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


@functools.lru_cache(maxsize=64)
def _server(url: str) -> str:
    parts = urlsplit(url)
    return parts.path if parts.scheme == "unix" else f"{parts.hostname}:{parts.port or 6379}"


def redis_breaker(url: str) -> CircuitBreaker:
    """The breaker of the Redis server at `url`, whatever its database number: the cache and
    the broker on one server share it, so a publish after a failed cache call (or the other
    way round) does not pay a second timeout."""
    server = _server(url)
    breaker = _breakers.get(server)
    if breaker is None:
        with _breakers_lock:
            breaker = _breakers.setdefault(server, CircuitBreaker(f"Redis at {server}"))
    return breaker
