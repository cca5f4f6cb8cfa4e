"""The deployment-wide OAuth refresh lock in Redis: SET NX PX, a TTL, a release that checks its token."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest
import redis

from airflow_provider_notion.client.pacing.redis import redis_client
from airflow_provider_notion.exceptions import NotionRefreshLockTimeoutError
from airflow_provider_notion.oauth.refresh_lock import (
    REDIS_LOCK_TTL_SECONDS,
    lock_file_name,
    redis_refresh_lock,
    refresh_lock,
)
from tests.helpers import FakeClock, free_port

KEY = "conn-hash-for-tests"
NAME = f"airflow-notion:refresh-lock:{KEY}"
TIMEOUT = 120.0


def _hold(url: str, journal: str, rounds: int) -> None:
    for _ in range(rounds):
        with redis_refresh_lock(redis_client(url), KEY, ttl=30, timeout=120):
            with open(journal, "a") as out:
                out.write(f"in {os.getpid()}\n")
            time.sleep(0.02)  # a refresh takes a moment; another holder would write in between
            with open(journal, "a") as out:
                out.write(f"out {os.getpid()}\n")


def test_one_holder_at_a_time_across_processes(redis_url, tmp_path) -> None:
    journal = tmp_path / "journal"
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_hold, args=(redis_url, str(journal), 3)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=240)
        assert process.exitcode == 0
    lines = journal.read_text().splitlines()
    assert len(lines) == 4 * 3 * 2
    for enter, leave in zip(lines[::2], lines[1::2], strict=True):
        assert enter.startswith("in ") and leave == "out " + enter[3:]  # never interleaved


def _take_and_die(url: str) -> None:
    with redis_refresh_lock(redis_client(url), KEY, ttl=0.5, timeout=TIMEOUT):
        os._exit(0)  # the holder crashes mid-refresh: no release


def test_a_crashed_holder_frees_the_lock_after_its_ttl(redis_url) -> None:
    process = multiprocessing.get_context("fork").Process(target=_take_and_die, args=(redis_url,))
    process.start()
    process.join(timeout=120)
    with redis_refresh_lock(redis_client(redis_url), KEY, ttl=5, timeout=60):
        assert redis.Redis.from_url(redis_url).exists(NAME)


def test_a_holder_past_its_ttl_does_not_free_the_next_holders_lock(redis_url) -> None:
    client = redis.Redis.from_url(redis_url)
    with redis_refresh_lock(redis_client(redis_url), KEY, ttl=0.05, timeout=TIMEOUT):
        client.delete(NAME)  # its TTL ran out (made certain here) ...
        client.set(NAME, "the-next-holder")  # ... and another process took the lock
    assert client.get(NAME) == b"the-next-holder"


def test_the_lock_is_released_on_exit_and_on_error(redis_url) -> None:
    client = redis.Redis.from_url(redis_url)
    held: list[int] = []

    def refresh_that_fails() -> None:
        with redis_refresh_lock(redis_client(redis_url), KEY, ttl=30, timeout=TIMEOUT):
            held.append(client.exists(NAME))
            raise RuntimeError("the refresh failed")

    with pytest.raises(RuntimeError):
        refresh_that_fails()
    assert held == [1] and not client.exists(NAME)
    with redis_refresh_lock(redis_client(redis_url), KEY, ttl=30, timeout=TIMEOUT):
        assert client.exists(NAME)
    assert not client.exists(NAME)


def test_waiting_longer_than_the_timeout_raises_after_the_timeout_not_the_ttl(redis_url) -> None:
    clock = FakeClock()
    redis.Redis.from_url(redis_url).set(NAME, "someone-else", px=60_000)
    with (
        pytest.raises(NotionRefreshLockTimeoutError, match="within 2 s"),
        redis_refresh_lock(redis_client(redis_url), KEY, ttl=30, timeout=2, clock=clock, sleep=clock.sleep),
    ):
        pass
    # It polled (with the injected sleep) for the caller's 2 s, not the lock's 30 s lifetime.
    assert len(clock.sleeps) > 3
    assert sum(clock.sleeps) == pytest.approx(2.0)


def test_the_redis_lock_outlives_a_refresh_even_with_a_short_timeout(redis_url) -> None:
    """A holder's lock must not expire mid-refresh: its TTL is never shorter than REDIS_LOCK_TTL_SECONDS."""
    client = redis.Redis.from_url(redis_url)
    name = f"airflow-notion:refresh-lock:{lock_file_name('notion_oauth').removesuffix('.lock')}"
    with refresh_lock("notion_oauth", timeout=0.5, backend=redis_url):
        left = client.pttl(name) / 1000
    assert REDIS_LOCK_TTL_SECONDS - 5 < left <= REDIS_LOCK_TTL_SECONDS
    with refresh_lock("notion_oauth", timeout=600, backend=redis_url):
        assert 595 < client.pttl(name) / 1000 <= 600  # a caller willing to wait longer gets a longer TTL


def test_a_lock_held_elsewhere_in_the_deployment_times_out_with_the_one_error(redis_url) -> None:
    clock = FakeClock()
    name = f"airflow-notion:refresh-lock:{lock_file_name('c').removesuffix('.lock')}"
    redis.Redis.from_url(redis_url).set(name, "another-host", px=60_000)
    with (
        pytest.raises(NotionRefreshLockTimeoutError, match="of the deployment .* for more than 3 s"),
        refresh_lock("c", timeout=3, clock=clock, sleep=clock.sleep, backend=redis_url),
    ):
        pass
    assert sum(clock.sleeps) == pytest.approx(3.0)


def test_unreachable_redis_is_reported_so_callers_use_the_host_lock(tmp_path: Path) -> None:
    with (
        pytest.raises(redis.ConnectionError),
        redis_refresh_lock(redis_client(f"redis://127.0.0.1:{free_port()}"), KEY, ttl=1, timeout=TIMEOUT),
    ):
        pass
