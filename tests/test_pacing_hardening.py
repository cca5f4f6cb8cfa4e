"""The machine-wide pacing state resists tampering, stuck locks and vanished folders."""

from __future__ import annotations

import fcntl
import logging
import math
import os
import shutil
import struct
import tempfile
import threading
import time
from pathlib import Path

import pytest

from airflow_provider_notion.client.pacing import buckets as ratelimit
from airflow_provider_notion.client.pacing.buckets import (
    MAX_WAIT_SECONDS,
    FallbackBucket,
    HostTokenBucket,
    PacingBucket,
    TokenBucket,
    shared_bucket,
)
from airflow_provider_notion.exceptions import UnsafeStateDirError
from airflow_provider_notion.utils.state_dir import default_state_dir, private_state_dir

LOGGER = "airflow_provider_notion.client.pacing.buckets"


def _host(bucket: ratelimit.TokenBucket) -> HostTokenBucket:
    assert isinstance(bucket, PacingBucket) and isinstance(bucket.chain, FallbackBucket)
    host = bucket.chain.primary
    assert isinstance(host, HostTokenBucket)
    return host


# --- the folder ------------------------------------------------------------------------------------------------


def test_the_state_dir_is_created_private(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW_NOTION_PACING_DIR", str(tmp_path / "a" / "pacing"))
    folder = private_state_dir("pacing")
    assert folder == tmp_path / "a" / "pacing"
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700


def test_the_default_is_per_user_not_a_guessable_name_in_the_temp_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("AIRFLOW_NOTION_PACING_DIR", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_state_dir("pacing") == tmp_path / "home" / ".cache" / "airflow-notion-provider" / "pacing"
    assert ratelimit.pacing_dir().parent.parent != Path(tempfile.gettempdir())  # not /tmp/<guessable name>
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    folder = private_state_dir("pacing")
    assert folder == runtime / "airflow-notion-provider" / "pacing"
    assert (folder.parent.stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize("problem", ["symlink", "group-writable", "not-a-dir"])
def test_a_state_dir_others_could_tamper_with_is_refused(tmp_path, monkeypatch, problem) -> None:
    target = tmp_path / "pacing"
    if problem == "symlink":
        real = tmp_path / "elsewhere"
        real.mkdir(mode=0o700)
        target.symlink_to(real)
    elif problem == "group-writable":
        target.mkdir()
        target.chmod(0o777)
    else:
        target.write_text("x")
    monkeypatch.setenv("AIRFLOW_NOTION_PACING_DIR", str(target))
    with pytest.raises(UnsafeStateDirError, match="is not safe to use"):
        private_state_dir("pacing")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the folder to another user")
def test_a_state_dir_of_another_user_is_refused(tmp_path, monkeypatch) -> None:
    target = tmp_path / "pacing"
    target.mkdir(mode=0o700)
    os.chown(target, 65534, 65534)
    monkeypatch.setenv("AIRFLOW_NOTION_PACING_DIR", str(target))
    with pytest.raises(UnsafeStateDirError, match="owned by another user"):
        private_state_dir("pacing")


def test_an_unsafe_pacing_dir_paces_in_process_and_never_uses_it(tmp_path, monkeypatch, caplog) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # another local user could plant files here
    monkeypatch.setenv("AIRFLOW_NOTION_PACING_DIR", str(shared))
    bucket = shared_bucket("ntn_token_unsafe_dir_test_0001", 3.0)
    assert isinstance(bucket, PacingBucket) and type(bucket.chain) is TokenBucket
    assert bucket.reserve() == 0.0
    assert list(shared.iterdir()) == []


# --- the file ---------------------------------------------------------------------------------------------------


def test_a_state_file_swapped_for_a_symlink_is_not_followed(tmp_path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious content of the victim, unchanged")
    folder = tmp_path / "pacing"
    folder.mkdir(mode=0o700)
    bucket = HostTokenBucket(folder / "bucket", rate=3.0, burst=2)
    (folder / "bucket").symlink_to(victim)
    with pytest.raises(OSError):
        bucket.reserve()
    assert victim.read_bytes() == b"precious content of the victim, unchanged"


def test_a_state_file_that_is_not_a_regular_file_is_refused(tmp_path) -> None:
    folder = tmp_path / "pacing"
    folder.mkdir(mode=0o700)
    os.mkfifo(folder / "bucket", 0o600)
    with pytest.raises(ratelimit.PacingUnavailableError, match="not a regular file"):
        HostTokenBucket(folder / "bucket", rate=3.0, burst=2).reserve()


@pytest.mark.parametrize(
    ("tokens", "updated_offset"),
    [
        (-1e12, 0.0),  # a debt of years
        (-math.inf, 0.0),  # OverflowError in the old code
        (math.nan, 0.0),
        (1e9, 0.0),  # more than the burst
        (0.0, 1e8),  # "updated" far in the future: no refill for years
        (0.0, math.inf),
    ],
)
def test_impossible_state_values_reset_the_bucket(tmp_path, tokens, updated_offset) -> None:
    now = 1_000_000.0
    path = tmp_path / "bucket"
    path.write_bytes(struct.pack("dd", tokens, now + updated_offset))
    bucket = HostTokenBucket(path, rate=2.0, burst=3, clock=lambda: now)
    assert bucket.reserve() == 0.0  # a fresh, full bucket
    assert struct.unpack("dd", path.read_bytes()) == (2.0, now)


def test_every_wait_is_bounded_even_after_huge_pauses(tmp_path) -> None:
    now = [1_000_000.0]
    bucket = HostTokenBucket(tmp_path / "bucket", rate=2.0, burst=3, clock=lambda: now[0])
    bucket.pause(1e12)
    bucket.pause(math.inf)  # ignored, no OverflowError
    waits = [bucket.reserve() for _ in range(50)]
    assert max(waits) <= MAX_WAIT_SECONDS
    assert waits[0] == pytest.approx(MAX_WAIT_SECONDS)


def test_a_pause_is_still_shared_through_the_file(tmp_path) -> None:
    now = [1_000_000.0]
    first = HostTokenBucket(tmp_path / "bucket", rate=2.0, burst=3, clock=lambda: now[0])
    second = HostTokenBucket(tmp_path / "bucket", rate=2.0, burst=3, clock=lambda: now[0])
    first.pause(4.0)
    assert second.reserve() == pytest.approx(4.5)


# --- the lock -----------------------------------------------------------------------------------------------------


def test_a_lock_held_forever_costs_a_bounded_wait_then_paces_in_process(tmp_path, caplog) -> None:
    folder = tmp_path / "pacing"
    folder.mkdir(mode=0o700)
    path = folder / "bucket"
    host = HostTokenBucket(path, rate=2.0, burst=3, lock_timeout=0.05)
    bucket = FallbackBucket(
        host, TokenBucket(2.0, 3, clock=lambda: 0.0), describe="the test's pacing file (lock)"
    )
    holder = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another process (here: another open file) never lets go
    waits: list[float] = []
    try:
        worker = threading.Thread(
            target=lambda: waits.extend(bucket.reserve() for _ in range(4)), daemon=True
        )
        with caplog.at_level(logging.WARNING, logger=LOGGER):
            worker.start()
            worker.join(timeout=30)  # the old blocking flock never returned
        assert not worker.is_alive()
    finally:
        os.close(holder)
    assert waits == pytest.approx([0.0, 0.0, 0.0, 0.5])  # paced in-process, not left unpaced
    assert bucket.using_fallback
    warnings = [r for r in caplog.records if "stayed locked" in r.getMessage()]
    assert len(warnings) == 1  # the lock was tried once, then left alone until the retry period ends


def test_the_machine_wide_bucket_is_used_again_after_the_retry_period(tmp_path) -> None:
    now = [0.0]
    host = HostTokenBucket(tmp_path / "bucket", rate=2.0, burst=3, lock_timeout=0.01)
    bucket = FallbackBucket(
        host, TokenBucket(2.0, 3), describe="the test's pacing file", clock=lambda: now[0]
    )
    holder = os.open(tmp_path / "bucket", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)
    bucket.reserve()
    os.close(holder)
    assert bucket.using_fallback
    now[0] += bucket.retry_after
    bucket.reserve()
    assert not bucket.using_fallback


# --- the folder disappears ----------------------------------------------------------------------------------------


def test_a_pacing_dir_removed_while_running_is_recreated(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "pacing"
    monkeypatch.setenv("AIRFLOW_NOTION_PACING_DIR", str(folder))
    bucket = shared_bucket("ntn_token_removed_dir_test_0001", 3.0)
    host = _host(bucket)
    bucket.reserve()
    shutil.rmtree(folder)  # a tmp cleaner, an operator tidying up
    assert bucket.reserve() == 0.0
    assert host.path.is_file() and (folder.stat().st_mode & 0o777) == 0o700
    assert not bucket.chain.using_fallback  # type: ignore[attr-defined]


def test_a_pacing_dir_that_cannot_be_recreated_falls_back(tmp_path) -> None:
    folder = tmp_path / "pacing"
    folder.mkdir(mode=0o700)
    host = HostTokenBucket(folder / "bucket", rate=2.0, burst=3)
    bucket = FallbackBucket(host, TokenBucket(2.0, 3), describe="the test's pacing file (gone)")
    shutil.rmtree(folder)
    folder.parent.joinpath("pacing").write_text("now a file")  # recreating it is impossible
    assert bucket.reserve() == 0.0  # no raw FileNotFoundError / NotADirectoryError
    assert bucket.using_fallback


# --- waits are visible --------------------------------------------------------------------------------------------


def test_pacing_waits_over_a_second_are_logged_once_with_the_total(
    notion_conn, requests_mock, caplog
) -> None:
    from airflow_provider_notion.hooks.notion import NotionHook

    notion_conn(password="ntn_token_of_the_visible_waits_test")  # a bucket of its own

    requests_mock.get("https://api.notion.com/v1/users/me", json={})
    slept: list[float] = []
    hook = NotionHook(requests_per_second=1.0, sleep=slept.append)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        for _ in range(ratelimit.DEFAULT_BURST + 4):
            hook.get_current_user()
    assert slept == pytest.approx(
        [1.0, 2.0, 3.0, 4.0], abs=0.4
    )  # wall-clock bucket: a slow machine waits less
    reports = [
        r for r in caplog.records if "so far for the integration's Notion request budget" in r.getMessage()
    ]
    assert len(reports) == 1 and reports[0].levelno == logging.INFO
    # The first wait (<= 1 s) does not pass the threshold; with the second the total does, and is logged.
    assert f"Waited {slept[0] + slept[1]:.1f} s" in reports[0].getMessage()


def test_short_waits_are_not_logged(tmp_path, caplog) -> None:
    bucket = PacingBucket(TokenBucket(rate=10.0, burst=1, clock=lambda: 5.0))
    with caplog.at_level(logging.INFO, logger=LOGGER):
        waits = [bucket.reserve() for _ in range(5)]
    assert sum(waits) == pytest.approx(1.0)
    assert bucket.waited == pytest.approx(1.0)
    assert not [r for r in caplog.records if "request budget" in r.getMessage()]


def test_the_sync_hooks_429_pauses_every_user_of_the_token(notion_conn, requests_mock) -> None:
    from airflow_provider_notion.hooks.notion import NotionHook

    notion_conn(password="ntn_token_of_the_429_pause_test")
    token_bucket = shared_bucket(
        "ntn_token_of_the_429_pause_test", 3.0
    )  # another task of the same integration
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
    started = time.time()
    hook.get_current_user()
    assert token_bucket.reserve() >= 7.0 - (time.time() - started) - 0.5
