"""Pacing and the OAuth refresh lock in Redis: one budget for every worker, triggerer and sensor of a deployment.

Needs the ``redis`` extra (``pip install 'airflow-notion-provider[redis]'``). The token bucket is one Lua script,
so a reserve or a pause is one atomic server-side operation and one network round trip; it reads the server's
clock (``TIME``), so the hosts' clocks need not agree. The key is a hash of the integration token, never the token.

The client is the synchronous redis-py one with short socket timeouts, also from the triggerer's event loop: a
reserve is one round trip on the local network (well under a millisecond, docs/deployment.md), and when Redis is
unreachable the caller (:class:`~.buckets.FallbackBucket`) stops asking it for a while,
so the loop is held for at most one short timeout per retry period. A separate asyncio client would need its own
connection pool per event loop and make every sync caller's interface async, for no gain at this cost.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from airflow_provider_notion.client.pacing.buckets import MAX_WAIT_SECONDS, TokenBucket
from airflow_provider_notion.exceptions import PacingUnavailableError

# Short enough that an unreachable Redis costs one request little before the machine-wide bucket takes over.
SOCKET_TIMEOUT_SECONDS = 0.25
KEY_PREFIX = "airflow-notion"

# One reserve (ARGV[4] == "reserve") or pause (ARGV[4] == "pause", ARGV[5] seconds) of the bucket in KEYS[1].
# State that this script could not have written (not numbers, out of range, from the future) starts afresh.
_BUCKET_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local floor = -max_wait * rate
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil or tokens ~= tokens or updated ~= updated
    or tokens < floor or tokens > burst or updated > now + 1 then
  tokens = burst
  updated = now
end
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local wait = 0
if ARGV[4] == 'reserve' then
  tokens = math.max(floor, tokens - 1)
  if tokens < 0 then wait = -tokens / rate end
else
  tokens = math.min(tokens, -math.min(tonumber(ARGV[5]), max_wait) * rate)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'updated', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((max_wait + burst / rate + 1) * 1000))
return string.format('%.17g', wait)
"""

# Deletes the lock only if it still holds our token: a holder whose TTL ran out must not free its successor's.
_RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def redis_client(url: str) -> redis.Redis:
    """The process's client for ``url``: short timeouts, no retries of its own (we fall back instead)."""
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = redis.Redis.from_url(
                url,
                socket_timeout=SOCKET_TIMEOUT_SECONDS,
                socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
                retry=Retry(NoBackoff(), 0),
            )
        return client


def describe_url(url: str) -> str:
    """``url`` without credentials, for messages (``redis://host:port/db``)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class RedisTokenBucket(TokenBucket):
    """A token bucket in Redis, shared by every process that uses the same server and token hash.

    :raises PacingUnavailableError: from ``reserve``/``pause`` when Redis cannot be reached or answers an error.
    """

    def __init__(self, client: redis.Redis, key: str, rate: float, burst: int, *, where: str = "") -> None:
        super().__init__(rate, burst)
        self.key = key
        self.where = where
        self._script = client.register_script(_BUCKET_SCRIPT)

    @classmethod
    def from_url(cls, url: str, token_hash: str, rate: float, burst: int) -> RedisTokenBucket:
        """The bucket for a token hash (never the token) on the server at ``url``."""
        key = f"{KEY_PREFIX}:pacing:{token_hash}:{rate:g}:{burst}"
        return cls(redis_client(url), key, rate, burst, where=describe_url(url))

    def _call(self, operation: str, seconds: float = 0.0) -> float:
        try:
            answer: Any = self._script(
                keys=[self.key],
                args=[repr(self.rate), self.burst, repr(MAX_WAIT_SECONDS), operation, repr(seconds)],
            )
        except redis.RedisError as error:
            raise PacingUnavailableError(f"{type(error).__name__}: {error}") from None
        wait = float(answer)
        return min(max(wait, 0.0), MAX_WAIT_SECONDS)

    def reserve(self) -> float:
        return self._call("reserve")

    def pause(self, seconds: float) -> None:
        if seconds > 0 and seconds == seconds:
            self._call("pause", min(seconds, MAX_WAIT_SECONDS))


class RefreshLockTimeoutError(TimeoutError):
    """Another process held the refresh lock for longer than the caller was willing to wait."""


@contextlib.contextmanager
def redis_refresh_lock(
    url: str,
    key: str,
    ttl: float,
    *,
    timeout: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold a deployment-wide lock named ``key`` (e.g. a hash of the connection id) while refreshing a token.

    ``SET key <random> NX PX ttl``: one holder at a time, and a holder that dies frees the lock after ``ttl``
    seconds. Released with a Lua script that deletes the key only while it still holds our random value, so a
    holder that overran its TTL never frees the next holder's lock.

    :param timeout: how long to wait for the lock (default: ``ttl``).
    :raises RefreshLockTimeoutError: the lock was not free within ``timeout``.
    :raises PacingUnavailableError: Redis cannot be reached (callers use the per-host lock instead).
    """
    client = redis_client(url)
    name = f"{KEY_PREFIX}:refresh-lock:{key}"
    value = secrets.token_hex(16)
    start = clock()
    deadline = start + (ttl if timeout is None else timeout)
    pause = 0.01
    try:
        while not client.set(name, value, nx=True, px=max(1, round(ttl * 1000))):
            if clock() >= deadline:
                raise RefreshLockTimeoutError(
                    f"the refresh lock {key!r} was not free within {deadline - start:g} s"
                )
            sleep(pause)
            pause = min(pause * 2, 0.2)
    except redis.RedisError as error:
        raise PacingUnavailableError(f"{type(error).__name__}: {error}") from None
    try:
        yield
    finally:
        with contextlib.suppress(redis.RedisError):  # unreachable now: the TTL frees the lock
            client.register_script(_RELEASE_SCRIPT)(keys=[name], args=[value])
