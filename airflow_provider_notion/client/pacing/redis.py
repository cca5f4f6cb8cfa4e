"""Pacing in Redis: one budget per token for every worker, triggerer and sensor of a deployment.

Needs the ``redis`` extra (``pip install 'airflow-notion-provider[redis]'``). The token bucket is one Lua script,
so a reserve or a pause is one atomic server-side operation and one network round trip; it reads the server's
clock (``TIME``), so the hosts' clocks need not agree. The key is a hash of the integration token alone (never the
token, and not the rate: callers asking different rates share the budget, the lowest recent rate in force, as
in :mod:`.token_bucket`). The OAuth refresh lock uses the same client
(:mod:`airflow_provider_notion.oauth.refresh_lock`).

The client is the synchronous redis-py one with short socket timeouts, also from the triggerer's event loop: a
reserve is one round trip on the local network (well under a millisecond, docs/deployment.md), and when Redis is
unreachable the caller (``FallbackBucket`` in :mod:`.buckets`) stops asking it for a while,
so the loop is held for at most one short timeout per retry period. A separate asyncio client would need its own
connection pool per event loop and make every sync caller's interface async, for no gain at this cost.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from airflow_provider_notion.client.pacing.token_bucket import (
    MAX_RATE,
    MAX_WAIT_SECONDS,
    RATE_CLAIM_SECONDS,
    TokenBucket,
)
from airflow_provider_notion.exceptions import PacingUnavailableError

# Short enough that an unreachable Redis costs one request little before the machine-wide bucket takes over.
SOCKET_TIMEOUT_SECONDS = 0.25
KEY_PREFIX = "airflow-notion"

# One reserve (ARGV[4] == "reserve", ARGV[1] the caller's rate) or pause (ARGV[4] == "pause", ARGV[5] seconds) of
# the bucket in KEYS[1]. The rate in force is the lowest asked for within ARGV[6] seconds (TokenBucket's rule).
# State that this script could not have written (not numbers, out of range, from the future) starts afresh.
_BUCKET_SCRIPT = """
local asked = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local claim = tonumber(ARGV[6])
local max_rate = tonumber(ARGV[7])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated', 'rate', 'rate_since')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
local rate = tonumber(state[3])
local since = tonumber(state[4])
if tokens == nil or updated == nil or rate == nil or since == nil
    or tokens ~= tokens or updated ~= updated or rate ~= rate or since ~= since
    or rate <= 0 or rate > max_rate or tokens < -max_wait * rate or tokens > burst
    or updated > now + 1 or since > now + 1 then
  tokens = burst
  updated = now
  rate = asked
  since = now
end
if ARGV[4] == 'reserve' and (asked <= rate or now - since >= claim) then
  rate = asked
  since = now
end
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local wait = 0
if ARGV[4] == 'reserve' then
  tokens = math.max(-max_wait * rate, tokens - 1)
  if tokens < 0 then wait = -tokens / rate end
else
  tokens = math.min(tokens, -math.min(tonumber(ARGV[5]), max_wait) * rate)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'updated', string.format('%.17g', now),
  'rate', string.format('%.17g', rate), 'rate_since', string.format('%.17g', since))
redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(max_wait, claim) + burst / rate + 1) * 1000))
return string.format('%.17g', wait)
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
        key = f"{KEY_PREFIX}:pacing:{token_hash}:{burst}"
        return cls(redis_client(url), key, rate, burst, where=describe_url(url))

    def _call(self, operation: str, seconds: float = 0.0, rate: float | None = None) -> float:
        try:
            answer: Any = self._script(
                keys=[self.key],
                args=[
                    repr(self.rate if rate is None else rate),
                    self.burst,
                    repr(MAX_WAIT_SECONDS),
                    operation,
                    repr(seconds),
                    repr(RATE_CLAIM_SECONDS),
                    repr(MAX_RATE),
                ],
            )
        except redis.RedisError as error:
            raise PacingUnavailableError(f"{type(error).__name__}: {error}") from None
        wait = float(answer)
        return min(max(wait, 0.0), MAX_WAIT_SECONDS)

    def reserve(self, rate: float | None = None) -> float:
        return self._call("reserve", rate=rate)

    def pause(self, seconds: float) -> None:
        if seconds > 0 and seconds == seconds:
            self._call("pause", min(seconds, MAX_WAIT_SECONDS))
