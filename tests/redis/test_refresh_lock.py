"""The deployment-wide OAuth refresh lock in Redis: SET NX PX, a TTL, a release that checks its token."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest
import redis

from airflow_provider_notion.client.pacing.redis import RefreshLockTimeoutError, redis_refresh_lock
from airflow_provider_notion.exceptions import PacingUnavailableError
from tests.redis_server import free_port

KEY = "conn-hash-for-tests"
NAME = f"airflow-notion:refresh-lock:{KEY}"


def _hold(url: str, journal: str, rounds: int) -> None:
    for _ in range(rounds):
        with redis_refresh_lock(url, KEY, ttl=30, timeout=120):
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
    with redis_refresh_lock(url, KEY, ttl=0.5):
        os._exit(0)  # the holder crashes mid-refresh: no release


def test_a_crashed_holder_frees_the_lock_after_its_ttl(redis_url) -> None:
    process = multiprocessing.get_context("fork").Process(target=_take_and_die, args=(redis_url,))
    process.start()
    process.join(timeout=120)
    with redis_refresh_lock(redis_url, KEY, ttl=5, timeout=60):
        assert redis.Redis.from_url(redis_url).exists(NAME)


def test_a_holder_past_its_ttl_does_not_free_the_next_holders_lock(redis_url) -> None:
    client = redis.Redis.from_url(redis_url)
    with redis_refresh_lock(redis_url, KEY, ttl=0.05):
        client.delete(NAME)  # its TTL ran out (made certain here) ...
        client.set(NAME, "the-next-holder")  # ... and another process took the lock
    assert client.get(NAME) == b"the-next-holder"


def test_the_lock_is_released_on_exit_and_on_error(redis_url) -> None:
    client = redis.Redis.from_url(redis_url)
    held: list[int] = []

    def refresh_that_fails() -> None:
        with redis_refresh_lock(redis_url, KEY, ttl=30):
            held.append(client.exists(NAME))
            raise RuntimeError("the refresh failed")

    with pytest.raises(RuntimeError):
        refresh_that_fails()
    assert held == [1] and not client.exists(NAME)
    with redis_refresh_lock(redis_url, KEY, ttl=30):
        assert client.exists(NAME)
    assert not client.exists(NAME)


def test_waiting_longer_than_the_timeout_raises(redis_url) -> None:
    slept: list[float] = []
    redis.Redis.from_url(redis_url).set(NAME, "someone-else", px=60_000)
    with (
        pytest.raises(RefreshLockTimeoutError),
        redis_refresh_lock(redis_url, KEY, ttl=30, timeout=0.2, sleep=slept.append),
    ):
        pass
    assert slept  # it polled, with the injected sleep


def test_unreachable_redis_is_reported_so_callers_use_the_host_lock(tmp_path: Path) -> None:
    with (
        pytest.raises(PacingUnavailableError),
        redis_refresh_lock(f"redis://127.0.0.1:{free_port()}", KEY, ttl=1),
    ):
        pass
