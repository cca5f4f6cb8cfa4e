"""Notion's clock from its Date header (rules/server_clock.py): the bound never overstates Notion's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from airflow_provider_notion.rules.server_clock import clock_offset, parse_http_date


def test_an_http_date_is_read_as_utc() -> None:
    assert parse_http_date("Mon, 07 Dec 2026 09:21:35 GMT") == datetime(2026, 12, 7, 9, 21, 35, tzinfo=UTC)


@pytest.mark.parametrize("value", [None, "", "  ", "yesterday", "Mon, 99 Foo 2026 99:99:99 GMT"])
def test_an_unusable_date_gives_no_bound(value: str | None) -> None:
    assert parse_http_date(value) is None
    assert clock_offset(value, datetime(2026, 12, 7, tzinfo=UTC)) is None


def test_the_offset_is_notions_time_minus_the_local_reading_after_the_answer() -> None:
    local = datetime(2026, 12, 7, 9, 22, 5, 500_000, tzinfo=UTC)  # 30.5 s ahead of Notion's 09:21:35
    offset = clock_offset("Mon, 07 Dec 2026 09:21:35 GMT", local)
    assert offset == timedelta(seconds=-30.5)
    assert local + offset == datetime(2026, 12, 7, 9, 21, 35, tzinfo=UTC)


def test_a_date_without_a_zone_is_gmt_and_every_date_comes_back_in_utc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Kolkata")  # a local zone that is not UTC: nothing may be read in it
    time.tzset()
    try:
        naive = parse_http_date("Mon, 07 Dec 2026 09:21:35 -0000")  # RFC 2822's "zone unknown"
        offset = parse_http_date("Mon, 07 Dec 2026 11:21:35 +0200")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert naive == offset == datetime(2026, 12, 7, 9, 21, 35, tzinfo=UTC)
    assert naive is not None and offset is not None
    assert naive.tzinfo is UTC and offset.tzinfo is UTC
