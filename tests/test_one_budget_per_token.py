"""One pacing budget per integration token, whatever rate each caller asks for (issue 21, item 12).

Callers of one token share one bucket state (one file on the machine; one Redis key in tests/redis); the lowest
rate asked for within RATE_CLAIM_SECONDS is in force for all of them, and a 429 pause holds every one.
"""

from __future__ import annotations

import pytest

from airflow_provider_notion.client.pacing.buckets import shared_bucket
from airflow_provider_notion.client.pacing.token_bucket import (
    RATE_CLAIM_SECONDS,
    HostTokenBucket,
    TokenBucket,
)
from tests.helpers import FakeClock


def test_two_rates_on_one_file_share_the_budget_at_the_lowest_rate(tmp_path) -> None:
    clock = FakeClock()
    slow = HostTokenBucket(tmp_path / "bucket", rate=1.0, burst=1, clock=clock)
    fast = HostTokenBucket(tmp_path / "bucket", rate=4.0, burst=1, clock=clock)
    assert slow.reserve() == 0.0  # the burst
    assert fast.reserve() == pytest.approx(1.0)  # the slower caller's rate holds: 1 s, not 1/4 s
    assert slow.reserve() == pytest.approx(2.0)


def test_a_pause_seen_at_one_rate_holds_the_caller_at_another(tmp_path) -> None:
    clock = FakeClock()
    first = HostTokenBucket(tmp_path / "bucket", rate=2.85, burst=5, clock=clock)
    second = HostTokenBucket(tmp_path / "bucket", rate=3.0, burst=5, clock=clock)
    first.reserve()
    second.pause(10.0)
    assert first.reserve() == pytest.approx(10.0 + 1 / 2.85)


def test_the_faster_rate_returns_once_the_slower_caller_has_been_quiet_for_the_claim_period() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=4.0, burst=1, clock=clock)
    bucket.reserve(1.0)  # a slow caller
    clock.now += RATE_CLAIM_SECONDS - 1
    bucket.reserve(4.0)  # the slow rate still holds: a full token was refilled, then spent
    assert bucket.reserve(4.0) == pytest.approx(1.0)
    clock.now += 2  # now the slow caller's last request is older than the claim period
    bucket.reserve(4.0)
    assert bucket.reserve(4.0) == pytest.approx(0.25)


def test_a_slower_caller_takes_over_at_once() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=4.0, burst=1, clock=clock)
    bucket.reserve(4.0)
    assert bucket.reserve(0.5) == pytest.approx(2.0)


def test_shared_buckets_of_one_token_at_two_rates_use_one_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW_NOTION_PACING_DIR", str(tmp_path))
    token = "ntn_token_for_two_rates_0000001"
    trigger_side, hook_side = shared_bucket(token, 2.85), shared_bucket(token, 3.0)
    assert trigger_side is not hook_side and trigger_side.rate == 2.85 and hook_side.rate == 3.0
    assert trigger_side.chain is hook_side.chain
    assert len(list(tmp_path.iterdir())) == 1  # one state file for the token, not one per rate
    hook_side.pause(30.0)
    assert trigger_side.reserve() > 29.0
