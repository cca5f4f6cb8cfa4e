"""Client-side pacing: a token bucket per token, shared across hooks in a process."""

from __future__ import annotations

import pytest

from airflow_provider_notion.client.pacing.buckets import shared_bucket
from airflow_provider_notion.client.pacing.token_bucket import DEFAULT_BURST, TokenBucket
from tests.helpers import FakeClock


def test_burst_then_average_rate() -> None:
    clock = FakeClock(100.0)
    bucket = TokenBucket(rate=3.0, burst=2, clock=clock)
    assert [bucket.reserve() for _ in range(2)] == [0.0, 0.0]
    waits = [bucket.reserve() for _ in range(3)]
    assert waits == pytest.approx([1 / 3, 2 / 3, 1.0])
    clock.now += 10  # idle time refills only up to the burst
    assert [bucket.reserve() for _ in range(2)] == [0.0, 0.0]
    assert bucket.reserve() == pytest.approx(1 / 3)


def test_pause_holds_every_user_of_the_bucket() -> None:
    clock = FakeClock(100.0)
    bucket = TokenBucket(rate=2.0, burst=5, clock=clock)
    bucket.pause(4.0)
    assert bucket.reserve() == pytest.approx(4.5)


def test_buckets_are_shared_per_token_and_do_not_keep_the_token() -> None:
    first = shared_bucket("ntn_token_one_abcdef", 3.0)
    assert shared_bucket("ntn_token_one_abcdef", 3.0) is first
    assert shared_bucket("ntn_token_two_abcdef", 3.0) is not first
    from airflow_provider_notion.client.pacing import buckets as ratelimit

    assert not any("ntn_token" in part for key in ratelimit._buckets for part in map(str, key))


def test_hook_paces_requests_through_the_shared_bucket(default_conn, requests_mock) -> None:
    from airflow_provider_notion.hooks.notion import NotionHook

    requests_mock.get("https://api.notion.com/v1/users/me", json={})
    slept: list[float] = []
    hook = NotionHook(requests_per_second=1.0, sleep=slept.append)
    for _ in range(DEFAULT_BURST + 3):
        hook.get_current_user()
    # The burst goes at once; each later request gets the next free second (sleeps are recorded, not slept; the
    # bucket's clock is wall time, so a loaded machine's slowness between requests shortens the later waits).
    assert slept == pytest.approx([1.0, 2.0, 3.0], abs=0.4)


def test_host_buckets_on_one_file_share_their_budget(tmp_path) -> None:
    from airflow_provider_notion.client.pacing.token_bucket import HostTokenBucket

    clock = FakeClock(100.0)
    first = HostTokenBucket(tmp_path / "bucket", rate=2.0, burst=2, clock=clock)
    second = HostTokenBucket(tmp_path / "bucket", rate=2.0, burst=2, clock=clock)
    assert [first.reserve(), second.reserve()] == [0.0, 0.0]  # the burst, spent by two users
    assert second.reserve() == pytest.approx(0.5)
    assert first.reserve() == pytest.approx(1.0)
    second.pause(3.0)
    assert first.reserve() == pytest.approx(3.5)


def _reserve_many(path: str, count: int, now: float) -> list[float]:
    """The waits this process is handed for ``count`` requests, all asked for at the (frozen) moment ``now``."""
    from pathlib import Path

    from airflow_provider_notion.client.pacing.token_bucket import HostTokenBucket

    bucket = HostTokenBucket(Path(path), rate=20.0, burst=1, clock=lambda: now)
    return [bucket.reserve() for _ in range(count)]


def test_processes_on_one_machine_take_distinct_slots(tmp_path) -> None:
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(4) as pool:
        waits = pool.starmap(_reserve_many, [(str(tmp_path / "bucket"), 5, 1_800_000_000.0)] * 4)
    # Four processes, one budget of 20 requests a second, time standing still: every request got its own slot,
    # 1/20 s after the previous one, whichever process asked (separate budgets would hand out 0.0 four times).
    assert sorted(wait for process in waits for wait in process) == pytest.approx([n / 20 for n in range(20)])


def test_shared_bucket_uses_the_host_file_under_the_pacing_dir(tmp_path, monkeypatch) -> None:
    from airflow_provider_notion.client.pacing import buckets as ratelimit

    monkeypatch.setenv("AIRFLOW_NOTION_PACING_DIR", str(tmp_path))
    bucket = shared_bucket("ntn_token_for_the_file_test_123", 3.0)
    assert isinstance(bucket, ratelimit.PacingBucket)
    assert isinstance(bucket.chain, ratelimit.FallbackBucket)
    host = bucket.chain.primary
    assert isinstance(host, ratelimit.HostTokenBucket)
    assert host.path.parent == tmp_path
    assert "ntn_token" not in host.path.name and host.path.read_bytes()


def test_an_unusable_pacing_dir_falls_back_to_pacing_in_process(tmp_path, monkeypatch) -> None:
    from airflow_provider_notion.client.pacing import buckets as ratelimit

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("AIRFLOW_NOTION_PACING_DIR", str(blocker / "sub"))
    bucket = shared_bucket("ntn_token_for_the_fallback_test_1", 3.0)
    assert isinstance(bucket, ratelimit.PacingBucket)
    assert type(bucket.chain) is ratelimit.TokenBucket
