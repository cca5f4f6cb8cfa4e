"""Pacing shared through a real redis-server: one budget for every host, process and trigger."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from airflow_provider_notion.client.pacing.buckets import (
    MAX_WAIT_SECONDS,
    FallbackBucket,
    PacingBucket,
    configured_backend,
    shared_bucket,
)
from airflow_provider_notion.client.pacing.redis import RedisTokenBucket, describe_url
from airflow_provider_notion.client.pacing.token_bucket import RATE_CLAIM_SECONDS
from airflow_provider_notion.exceptions import NotionInputError
from tests.helpers import free_port
from tests.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]


def _bucket(
    url: str, rate: float = 0.1, burst: int = 2, key: str = "airflow-notion:test"
) -> RedisTokenBucket:
    # A client of its own, as another process would have.
    return RedisTokenBucket(redis.Redis.from_url(url), key, rate, burst)


def test_clients_share_one_bucket_on_the_server(redis_url) -> None:
    first, second = _bucket(redis_url), _bucket(redis_url)
    assert [first.reserve(), second.reserve()] == [0.0, 0.0]  # the burst of 2, spent by two clients
    # 0.1 tokens/s: the next slots are 10 s and 20 s away (the server's clock; a few ms pass between calls).
    assert first.reserve() == pytest.approx(10.0, abs=0.5)
    assert second.reserve() == pytest.approx(20.0, abs=0.5)


def test_a_pause_holds_every_client(redis_url) -> None:
    first, second = _bucket(redis_url, rate=2.0, burst=5), _bucket(redis_url, rate=2.0, burst=5)
    first.pause(30.0)
    assert second.reserve() == pytest.approx(30.5, abs=0.1)
    first.pause(1e12)  # capped, like every wait
    assert second.reserve() <= MAX_WAIT_SECONDS


def test_callers_asking_different_rates_share_one_budget_at_the_lowest(redis_url) -> None:
    """Issue 21 item 12: the key is the token's, not the rate's; the lowest recent rate is in force for all."""
    token = "ntn_token_two_rates_redis_0001"
    slow, fast = shared_bucket(token, 1.0, backend=redis_url), shared_bucket(token, 4.0, backend=redis_url)
    assert slow.chain is fast.chain
    assert len(redis.Redis.from_url(redis_url).keys("airflow-notion:pacing:*")) == 0  # nothing reserved yet
    for _ in range(5):  # the burst, shared
        slow.reserve()
    assert fast.reserve() == pytest.approx(1.0, abs=0.1)  # 1/s, not 1/4 s: the slower caller's rate holds
    assert len(redis.Redis.from_url(redis_url).keys("airflow-notion:pacing:*")) == 1


def test_a_pause_seen_at_one_rate_holds_callers_at_another(redis_url) -> None:
    first = RedisTokenBucket.from_url(redis_url, "token-hash-rates", 2.85, 5)
    second = RedisTokenBucket.from_url(redis_url, "token-hash-rates", 3.0, 5)
    assert first.key == second.key
    first.reserve()
    second.pause(20.0)
    assert first.reserve() == pytest.approx(20.0 + 1 / 2.85, abs=0.1)


@pytest.mark.parametrize(
    ("tokens", "updated"),
    [("-1e30", None), ("nan", None), ("inf", None), ("1e9", None), ("0", "1e15"), ("garbage", "x")],
)
def test_impossible_state_in_redis_resets_the_bucket(redis_url, tokens, updated) -> None:
    client = redis.Redis.from_url(redis_url)
    bucket = _bucket(redis_url, rate=2.0, burst=3)
    bucket.reserve()
    server_now = client.time()
    client.hset(bucket.key, mapping={"tokens": tokens, "updated": updated or f"{server_now[0]}"})
    assert bucket.reserve() == 0.0


@pytest.mark.parametrize(
    ("rate", "since"), [("0", None), ("-2", None), ("nan", None), ("1e9", None), ("1", "1e15")]
)
def test_an_impossible_rate_in_redis_resets_the_bucket(redis_url, rate, since) -> None:
    client = redis.Redis.from_url(redis_url)
    bucket = _bucket(redis_url, rate=2.0, burst=3)
    bucket.reserve()
    server_now = client.time()
    client.hset(bucket.key, mapping={"tokens": "-2", "rate": rate, "rate_since": since or f"{server_now[0]}"})
    assert bucket.reserve() == 0.0  # afresh: a full bucket at the caller's rate


def test_the_key_is_a_hash_of_the_token_and_expires(redis_url) -> None:
    token = "ntn_secret_token_never_stored_in_redis"
    bucket = shared_bucket(token, 3.0, backend=redis_url)
    bucket.reserve()
    client = redis.Redis.from_url(redis_url)
    keys = [key.decode() for key in client.keys("*")]
    assert len(keys) == 1 and keys[0].startswith("airflow-notion:pacing:")
    stored = b"".join(b"".join(item) for item in client.hgetall(keys[0]).items())
    assert token not in keys[0] and token.encode() not in stored
    assert 0 < client.pttl(keys[0]) <= (max(MAX_WAIT_SECONDS, RATE_CLAIM_SECONDS) + 5 / 3.0 + 1) * 1000


def test_shared_bucket_puts_redis_in_front_of_the_machine_wide_bucket(redis_url) -> None:
    bucket = shared_bucket("ntn_token_redis_chain_test_0001", 3.0, backend=redis_url)
    assert isinstance(bucket, PacingBucket) and isinstance(bucket.chain, FallbackBucket)
    assert isinstance(bucket.chain.primary, RedisTokenBucket)
    assert isinstance(bucket.chain.fallback, FallbackBucket)  # the machine-wide file, then this process


def test_the_backend_comes_from_airflow_config_and_the_extra_overrides_it(redis_url, monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW__NOTION__PACING_BACKEND", redis_url)
    assert configured_backend() == redis_url
    assert configured_backend("local") == ""
    assert configured_backend("redis://other:6379/1") == "redis://other:6379/1"
    monkeypatch.delenv("AIRFLOW__NOTION__PACING_BACKEND")
    assert configured_backend() == ""


def test_a_bad_backend_value_names_the_field_not_the_value() -> None:
    with pytest.raises(NotionInputError, match="pacing_backend") as raised:
        configured_backend("http://user:s3cr3t-pw@redis.internal:6379")
    assert "s3cr3t-pw" not in str(raised.value)
    assert describe_url("redis://user:s3cr3t-pw@redis.internal:6379/2") == "redis://redis.internal:6379/2"


def test_the_hook_paces_through_redis_from_the_connection_extra(
    notion_conn, requests_mock, redis_url
) -> None:
    from airflow_provider_notion.hooks.notion import NotionHook

    notion_conn(password="ntn_token_hook_redis_extra_test", extra={"pacing_backend": redis_url})
    requests_mock.get("https://api.notion.com/v1/users/me", json={})
    hook = NotionHook(requests_per_second=3.0, sleep=lambda seconds: None)
    hook.get_current_user()
    keys = redis.Redis.from_url(redis_url).keys("airflow-notion:pacing:*")
    assert len(keys) == 1
    assert "pacing_backend" not in repr(hook.settings) and redis_url not in repr(hook.settings)


def test_an_unreachable_redis_paces_on_the_machine_and_never_fails() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    bucket = shared_bucket("ntn_token_unreachable_redis_test", 3.0, backend=url)
    assert [bucket.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert isinstance(bucket, PacingBucket) and isinstance(bucket.chain, FallbackBucket)
    assert bucket.chain.using_fallback


def _ask(driver: subprocess.Popen[str], command: str) -> dict[str, object]:
    assert driver.stdin is not None and driver.stdout is not None
    driver.stdin.write(command + "\n")
    driver.stdin.flush()
    return dict(json.loads(driver.stdout.readline()))


def test_redis_killed_mid_run_then_back(redis_server, redis_url, tmp_path) -> None:
    env = {**os.environ, "AIRFLOW_NOTION_PACING_DIR": str(tmp_path / "host")}
    drivers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.redis.pacing_driver", redis_url, "0.01", "2"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        for _ in range(2)
    ]
    try:
        # Shared: two processes spend one burst of 2, the third request waits for the next token.
        assert [_ask(d, "reserve")["fallback"] for d in drivers] == [False, False]
        assert _ask(drivers[0], "reserve")["wait"] == pytest.approx(100.0, abs=5)  # 0.01 tokens/s

        redis_server.kill()
        # Tasks go on, paced by the machine-wide bucket (their own host's file), without an error.
        answers = [_ask(d, "reserve") for d in drivers for _ in range(3)]
        assert all(answer["fallback"] for answer in answers)
        assert max(float(str(answer["wait"])) for answer in answers) > 0  # still paced, not unpaced

        redis_server.start()
        assert _ask(drivers[0], "reserve")["fallback"]  # within the retry period: Redis is left alone
        for driver in drivers:
            _ask(driver, "advance 30")
        assert [_ask(d, "reserve")["fallback"] for d in drivers] == [False, False]  # shared again
        assert redis.Redis.from_url(redis_url).keys("airflow-notion:pacing:*")
    finally:
        errors = []
        for driver in drivers:
            assert driver.stdin is not None
            driver.stdin.close()
            driver.wait(timeout=60)
            assert driver.stderr is not None
            errors.append(driver.stderr.read())
    for log in errors:
        warnings = [line for line in log.splitlines() if line.startswith("WARNING")]
        assert len(warnings) == 1, log  # one warning per process, not one per request
        assert "Redis pacing backend (redis://127.0.0.1:" in warnings[0]
        assert "through the Redis pacing backend" in log  # the return is logged too


def test_redis_server_fixture_is_a_real_server(redis_server: RedisServer) -> None:
    info = redis.Redis.from_url(redis_server.url).info("server")
    assert info["redis_version"] and info["tcp_port"] == redis_server.port


def test_a_429_seen_by_one_hook_pauses_every_host(notion_conn, requests_mock, redis_url) -> None:
    from airflow_provider_notion.hooks.notion import NotionHook

    token = "ntn_token_redis_429_pause_test"
    notion_conn(password=token, extra={"pacing_backend": redis_url})
    requests_mock.get(
        "https://api.notion.com/v1/users/me",
        [
            {
                "status_code": 429,
                "json": {"object": "error", "code": "rate_limited"},
                "headers": {"Retry-After": "7"},
            },
            {"status_code": 200, "json": {}},
        ],
    )
    hook = NotionHook(requests_per_second=3.0, sleep=lambda seconds: None)
    hook.get_current_user()
    # Another host: its own client, the same key (a hash of the same token), so the same pause.
    (key,) = redis.Redis.from_url(redis_url).keys("airflow-notion:pacing:*")
    other_host = _bucket(redis_url, rate=3.0, burst=5, key=key.decode())
    assert other_host.reserve() >= 6.0


def test_a_bad_pacing_backend_extra_fails_before_anything_is_sent(notion_conn, requests_mock) -> None:
    from airflow_provider_notion.hooks.notion import NotionHook

    notion_conn(password="ntn_token_bad_backend_extra_test", extra={"pacing_backend": "http://u:pw@host"})
    route = requests_mock.get("https://api.notion.com/v1/users/me", json={})
    with pytest.raises(NotionInputError, match="pacing_backend") as raised:
        NotionHook(requests_per_second=3.0).get_current_user()
    assert route.call_count == 0 and "pw@host" not in str(raised.value)
