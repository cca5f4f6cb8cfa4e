"""The token bucket's edges (client/pacing/token_bucket.py), written to kill the mutants that survived
``make mutate`` (docs/contributing.md): each test fails with a one-line change to the rule it names."""

from __future__ import annotations

import fcntl
import logging
import math
import os
import struct
import threading
import time
from pathlib import Path

import pytest

from airflow_provider_notion.client.pacing.token_bucket import (
    CLOCK_SKEW_SECONDS,
    MAX_RATE,
    RATE_CLAIM_SECONDS,
    HostTokenBucket,
    PacingUnavailableError,
    TokenBucket,
)
from tests.helpers import FakeClock

LOGGER = "airflow_provider_notion.client.pacing.token_bucket"


@pytest.mark.parametrize(
    ("rate", "burst"), [(0.0, 1), (-1.0, 1), (math.inf, 1), (math.nan, 1), (MAX_RATE * 2, 1), (2.0, 0)]
)
def test_impossible_rates_and_bursts_are_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError, match=r"rate must be a number > 0 and <= 1000, and burst >= 1"):
        TokenBucket(rate, burst)


def test_the_highest_rate_is_allowed() -> None:
    assert TokenBucket(MAX_RATE, 1).rate == MAX_RATE


def test_the_buckets_own_rate_is_a_claim_from_its_creation() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=1, clock=clock)
    assert bucket.reserve(4.0) == 0.0
    assert bucket.reserve(4.0) == pytest.approx(0.5)  # 2/s: created at 2/s a moment ago


def test_a_claim_expires_exactly_after_the_claim_period() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=1.0, burst=1, clock=clock)
    bucket.reserve()
    clock.now += RATE_CLAIM_SECONDS
    assert bucket.reserve(4.0) == 0.0
    assert bucket.reserve(4.0) == pytest.approx(0.25)


def test_a_fraction_of_a_token_left_means_no_wait() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=2, clock=clock)
    bucket.reserve()
    clock.now += 0.25  # 1.5 tokens
    assert bucket.reserve() == 0.0  # 0.5 left: this request goes now
    assert bucket.reserve() == pytest.approx(0.25)


@pytest.mark.parametrize("seconds", [math.inf, math.nan, 0.0, -5.0])
def test_a_pause_that_is_not_a_positive_finite_time_is_ignored(seconds: float) -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=1, clock=clock)
    bucket.pause(seconds)
    assert bucket.reserve() == 0.0


def test_a_pause_under_a_second_holds_the_bucket() -> None:
    bucket = TokenBucket(rate=2.0, burst=1, clock=FakeClock())
    bucket.pause(0.5)
    assert bucket.reserve() == pytest.approx(1.0)


# --- the machine-wide file -------------------------------------------------------------------------------------


def test_the_state_file_is_created_private(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        HostTokenBucket(tmp_path / "bucket", 2.0, 1).reserve()
    finally:
        os.umask(old)
    assert (tmp_path / "bucket").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("mode", [0o620, 0o602])
def test_a_state_file_others_may_write_is_refused_saying_so(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "bucket"
    path.write_bytes(b"")
    path.chmod(mode)
    with pytest.raises(PacingUnavailableError, match=r"is not safe to use: group or others may write to it$"):
        HostTokenBucket(path, 2.0, 1).reserve()


def test_a_state_file_that_is_not_a_regular_file_is_refused_saying_so(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "bucket", 0o600)  # opened read-write, a FIFO does not block
    with pytest.raises(PacingUnavailableError, match=r"is not safe to use: it is not a regular file$"):
        HostTokenBucket(tmp_path / "bucket", 2.0, 1).reserve()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_state_file_of_another_user_is_refused_saying_whose(tmp_path: Path) -> None:
    path = tmp_path / "bucket"
    path.write_bytes(b"")
    path.chmod(0o600)
    os.chown(path, 4242, 4242)
    with pytest.raises(PacingUnavailableError, match=r"it belongs to uid 4242, not to this user$"):
        HostTokenBucket(path, 2.0, 1).reserve()


def test_a_lock_held_briefly_is_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "bucket"
    bucket = HostTokenBucket(path, 2.0, 1, lock_timeout=2.0)
    bucket.reserve()
    holder = os.open(path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    release = threading.Timer(0.2, lambda: os.close(holder))
    release.start()
    started = time.monotonic()
    bucket.pause(1.0)  # waits for the lock instead of giving up at once
    assert time.monotonic() - started >= 0.15
    release.join()


def test_a_full_bucket_written_by_check_usable_is_read_back_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bucket = HostTokenBucket(tmp_path / "bucket", 2.0, 3, clock=FakeClock())
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        bucket.check_usable()
        assert struct.unpack("dddd", (tmp_path / "bucket").read_bytes())[0] == 3.0
        assert [bucket.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert caplog.records == []


def test_state_at_the_edges_of_possible_is_kept(tmp_path: Path) -> None:
    now = 1_000_000.0
    path = tmp_path / "bucket"
    path.write_bytes(struct.pack("dddd", 0.0, now + CLOCK_SKEW_SECONDS, MAX_RATE, now + CLOCK_SKEW_SECONDS))
    bucket = HostTokenBucket(path, 2.0, 3, clock=lambda: now)
    bucket.reserve(MAX_RATE)
    # Kept (not reset to a full bucket at 2/s): one token taken, the claim of the highest rate renewed.
    assert struct.unpack("dddd", path.read_bytes()) == (-1.0, now, MAX_RATE, now)


def test_only_impossible_state_is_reported_and_the_report_names_the_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fresh, garbage = tmp_path / "fresh", tmp_path / "garbage"
    garbage.write_bytes(struct.pack("dddd", math.nan, 0.0, 2.0, 0.0))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        HostTokenBucket(fresh, 2.0, 1).reserve()  # a new, empty file is not "impossible"
        HostTokenBucket(garbage, 2.0, 1).reserve()
    assert [r.getMessage() for r in caplog.records] == [
        f"Pacing file {garbage} held impossible values; starting its bucket afresh"
    ]


def test_a_state_file_made_again_after_its_folder_vanished_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "pacing"
    folder.mkdir(mode=0o700)
    bucket = HostTokenBucket(folder / "bucket", 2.0, 1)
    bucket.reserve()
    (folder / "bucket").unlink()
    folder.rmdir()  # a temp reaper removed it while the process ran
    old = os.umask(0)
    try:
        bucket.reserve()
    finally:
        os.umask(old)
    assert (folder / "bucket").stat().st_mode & 0o777 == 0o600
