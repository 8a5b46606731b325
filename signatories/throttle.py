"""The sign form's rate limits, checked and recorded in one round trip.

The limits are allauth's (`ACCOUNT_RATE_LIMITS`: "sign" per network, "sign_domain" per email
domain, each a list of rates such as "20/10m/ip,60/h/ip"), and so are their semantics: a
sliding window per rate, the rates of one action consumed in order until one refuses. But
allauth keeps each window as a list in the cache, read and written under a lock taken through
the cache: four round trips per rate, sixteen for the sign form's four rates. On Redis the
same windows live in sorted sets, and one Lua script, which Redis runs atomically (no lock),
checks and records them all. Without Redis (a laptop, the SQLite test runs) allauth does the
work itself.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Sequence
from typing import Any

from allauth.core import ratelimit
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import caches
from django.http import HttpRequest

from coalition.cache import SERVER_FAILURES, ResilientRedisCache

ALLAUTH_APP = "allauth.account"  # where allauth.core.ratelimit reads its rates from

# KEYS: one sorted set per rate. ARGV: now, a unique member, then per key its amount, window
# (seconds) and action. Returns the actions refused.
CONSUME = """
local now = tonumber(ARGV[1])
local member = ARGV[2]
local refused, skipped = {}, {}
for i, key in ipairs(KEYS) do
  local at = 3 * i
  local amount, window, action = tonumber(ARGV[at]), tonumber(ARGV[at + 1]), ARGV[at + 2]
  if not skipped[action] then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    if redis.call('ZCARD', key) >= amount then
      skipped[action] = true
      table.insert(refused, action)
    else
      redis.call('ZADD', key, now, member)
      redis.call('EXPIRE', key, math.ceil(window))
    end
  end
end
return refused
"""

_scripts: dict[int, Any] = {}


def consume(request: HttpRequest, limits: Sequence[tuple[str, str | None]]) -> set[str]:
    """Spend one use of each (action, key) limit; the actions that were over their limit."""
    cache = caches["default"]
    if not isinstance(cache, ResilientRedisCache):
        return {
            action
            for action, key in limits
            if not ratelimit.consume(request, action=action, key=key)
        }
    keys, args = [], []
    for action, key in limits:
        for rate in allauth_ratelimit.get_rates(app=ALLAUTH_APP, action=action):
            name = allauth_ratelimit.get_cache_key(
                request, app=ALLAUTH_APP, action=action, rate=rate, key=key
            )
            keys.append(cache.make_and_validate_key(f"window:{name}"))
            args += [rate.amount, rate.duration, action]
    if not keys:
        return set()
    return _run(cache, keys, [time.time(), secrets.token_hex(8), *args])


def _run(cache: ResilientRedisCache, keys: list[str], args: list[Any]) -> set[str]:
    # Like every cache read, a Redis that is down or stalled lets the signature through
    # unthrottled rather than refusing it (coalition.cache): it is held by nothing else.
    refused = cache.breaker.call(
        lambda: _script(cache)(keys=keys, args=args),
        list,
        what="Checking the rate limits",
        failures=SERVER_FAILURES,
    )
    return {value.decode() if isinstance(value, bytes) else value for value in refused}


def _script(cache: ResilientRedisCache) -> Any:
    """CONSUME, registered once per client: the script then runs by its digest (EVALSHA)."""
    client = cache._cache.get_client(write=True)
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(CONSUME)
    return functools.partial(script, client=client)
