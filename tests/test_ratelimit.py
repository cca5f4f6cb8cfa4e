"""Client-side pacing: a token bucket per token, shared across hooks in a process."""

from __future__ import annotations

import pytest

from airflow_provider_notion.ratelimit import TokenBucket, shared_bucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_average_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=3.0, burst=2, clock=clock)
    assert [bucket.reserve() for _ in range(2)] == [0.0, 0.0]
    waits = [bucket.reserve() for _ in range(3)]
    assert waits == pytest.approx([1 / 3, 2 / 3, 1.0])
    clock.now += 10  # idle time refills only up to the burst
    assert [bucket.reserve() for _ in range(2)] == [0.0, 0.0]
    assert bucket.reserve() == pytest.approx(1 / 3)


def test_pause_holds_every_user_of_the_bucket() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=5, clock=clock)
    bucket.pause(4.0)
    assert bucket.reserve() == pytest.approx(4.5)


def test_buckets_are_shared_per_token_and_do_not_keep_the_token() -> None:
    first = shared_bucket("ntn_token_one_abcdef", 3.0)
    assert shared_bucket("ntn_token_one_abcdef", 3.0) is first
    assert shared_bucket("ntn_token_two_abcdef", 3.0) is not first
    from airflow_provider_notion import ratelimit

    assert not any("ntn_token" in key[0] for key in ratelimit._buckets)


def test_hook_paces_requests_through_the_shared_bucket(default_conn, requests_mock) -> None:
    from airflow_provider_notion.hooks.notion import NotionHook

    requests_mock.get("https://api.notion.com/v1/users/me", json={})
    slept: list[float] = []
    hook = NotionHook(requests_per_second=1.0)
    hook._sleep = slept.append
    for _ in range(13):
        hook.get_current_user()
    assert len(slept) >= 2  # a burst of 10, then paced at about one a second
    assert all(0 < wait <= 3.1 for wait in slept)
