"""/healthz/ for load balancers and operators: can we reach the database and the broker?"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

OK = "ok"
UNAVAILABLE = "unavailable"
EAGER = "eager"


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return UNAVAILABLE
    return OK


def _broker_state() -> str:
    if not settings.REDIS_URL:
        return EAGER
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_TIMEOUT_SECONDS,
        socket_timeout=settings.REDIS_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError:
        return UNAVAILABLE
    finally:
        client.close()
    return OK


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    state = {"database": _database_state(), "broker": _broker_state()}
    healthy = all(value in (OK, EAGER) for value in state.values())
    return JsonResponse(state, status=200 if healthy else 503)
