"""A Redis cache that degrades instead of failing: when Redis is stopped or stalled, reads miss
and writes are dropped (logged), so pages still render and signing still works. After a
connection failure or a timeout the server's circuit breaker (coalition.breaker) opens, and
calls skip Redis for a few seconds instead of each waiting out its own timeout."""

from __future__ import annotations

import re
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .breaker import CircuitBreaker, redis_breaker

# What says the server is unreachable or stuck, rather than that one call went wrong.
SERVER_FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)


class ReusedRedisCacheClient(RedisCacheClient):
    """Django builds a new `redis.Redis` around the pool for every call, copying its table of
    response callbacks each time: ten cache calls of a sign POST spent ~2 ms there. A client
    is thread-safe and holds no connection of its own, so one per pool serves them all."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own private helpers, which its stubs do not describe.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
        # Writes go to the first server (Django's rule): a stalled one makes requests wait.
        self.primary = re.split("[;,]", server)[0] if isinstance(server, str) else server[0]

    @property
    def breaker(self) -> CircuitBreaker:
        return redis_breaker(self.primary)

    def _tolerate(self, operation: str, default: Any, *args: Any, **kwargs: Any) -> Any:
        method = getattr(super(), operation)
        return self.breaker.call(
            lambda: method(*args, **kwargs),
            lambda: default,
            what=f"Cache {operation}",
            failures=SERVER_FAILURES,
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._tolerate("get", default, key, default, version)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._tolerate("get_many", {}, keys, version)

    def set(self, *args: Any, **kwargs: Any) -> None:
        self._tolerate("set", None, *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> list[Any]:
        return self._tolerate("set_many", [], *args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> bool:
        # Reported as added, so that a lock taken through the cache never blocks forever.
        return self._tolerate("add", True, *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return self._tolerate("delete", False, *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        self._tolerate("delete_many", None, *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return self._tolerate("touch", False, *args, **kwargs)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._tolerate("incr", delta, key, delta, version)

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        return self._tolerate("has_key", False, *args, **kwargs)

    def clear(self) -> None:
        self._tolerate("clear", None)
