"""A real redis-server for the Redis pacing tests (started once per module, stopped afterwards)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.redis_server import RedisServer


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    import redis

    if not redis_server.answers():  # a test of this module killed it: bring it back
        redis_server.start()
    redis.Redis.from_url(redis_server.url).flushall()
    return redis_server.url
