"""The edited/created window: minute rounding, partition of consecutive intervals, filter combination."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from airflow_provider_notion.client.large_query import and_window
from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.query_window import QueryWindow
from airflow_provider_notion.rules.timestamps import floor_minute, notion_instant, parse_instant


def row(edited: datetime, created: datetime | None = None, row_id: str = "r") -> dict[str, str]:
    """A row as Notion returns it: timestamps rounded down to the minute."""
    return {
        "id": row_id,
        "last_edited_time": notion_instant(floor_minute(edited)),
        "created_time": notion_instant(floor_minute(created or edited)),
    }


def test_parse_instant_accepts_datetimes_dates_and_iso_strings() -> None:
    aware = datetime(2026, 1, 31, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert parse_instant(aware, "f") == datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
    assert parse_instant(datetime(2026, 1, 31, 10, 0), "f") == datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
    assert parse_instant("2026-01-31T10:00:30Z", "f") == datetime(2026, 1, 31, 10, 0, 30, tzinfo=UTC)
    assert parse_instant(date(2026, 1, 31), "f") == datetime(2026, 1, 31, tzinfo=UTC)
    for unset in (None, "", "None", " null "):
        assert parse_instant(unset, "f") is None


def test_parse_instant_names_the_field_on_garbage() -> None:
    with pytest.raises(NotionInputError, match="edited_after"):
        parse_instant("yesterday", "edited_after")
    with pytest.raises(NotionInputError, match="created_after"):
        parse_instant(12345, "created_after")


def test_pendulum_values_from_templates_are_accepted() -> None:
    import pendulum

    start = pendulum.datetime(2026, 1, 31, 10, 0, 45, tz="Europe/Paris")
    assert parse_instant(start, "edited_after") == datetime(2026, 1, 31, 9, 0, 45, tzinfo=UTC)


def test_window_is_minute_aligned_and_sent_as_timestamp_filters() -> None:
    window = QueryWindow.build(edited_after="2026-01-31T10:00:45Z", edited_before="2026-01-31T11:00:00Z")
    assert window.conditions() == [
        {"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": "2026-01-31T10:00:00.000Z"}},
        {"timestamp": "last_edited_time", "last_edited_time": {"before": "2026-01-31T11:00:00.000Z"}},
    ]


def test_end_before_start_is_refused() -> None:
    with pytest.raises(NotionInputError, match="edited_before"):
        QueryWindow.build(edited_after="2026-01-31T11:00:00Z", edited_before="2026-01-31T10:00:00Z")


@pytest.mark.parametrize(
    "boundaries",
    [
        # Minute-aligned hourly runs (cron).
        ["2026-01-31T10:00:00Z", "2026-01-31T11:00:00Z", "2026-01-31T12:00:00Z"],
        # Boundaries inside a minute (timedelta schedules started at an odd second).
        ["2026-01-31T10:00:45Z", "2026-01-31T10:07:12.5Z", "2026-01-31T10:13:59Z"],
    ],
)
def test_consecutive_intervals_see_every_row_exactly_once(boundaries: list[str]) -> None:
    a, b, c = (parse_instant(value, "x") for value in boundaries)
    assert a is not None and b is not None and c is not None
    rng = random.Random(7)
    span = (c - a).total_seconds()
    edits = [a + timedelta(seconds=rng.uniform(-120, span + 120)) for _ in range(2000)]
    rows = [row(edit, row_id=str(i)) for i, edit in enumerate(edits)]
    first = QueryWindow.build(edited_after=a, edited_before=b)
    second = QueryWindow.build(edited_after=b, edited_before=c)
    seen_first = {r["id"] for r in first.keep(rows)}
    seen_second = {r["id"] for r in second.keep(rows)}
    assert not seen_first & seen_second, "a row was reported by both runs"
    # Every row whose minute lies in [floor(a), floor(c)) is seen by one of the runs: nothing falls between.
    expected = {r["id"] for r, edit in zip(rows, edits, strict=True) if floor_minute(a) <= floor_minute(edit)}
    expected &= {r["id"] for r, edit in zip(rows, edits, strict=True) if floor_minute(edit) < floor_minute(c)}
    assert seen_first | seen_second == expected
    # No run reports a row that may have been edited after the run's interval ended (i.e. after it looked).
    for r, edit in zip(rows, edits, strict=True):
        if r["id"] in seen_first:
            assert edit < b


def test_aligned_interval_keeps_exactly_the_rows_edited_inside_it() -> None:
    start = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
    window = QueryWindow.build(edited_after=start, edited_before=start + timedelta(hours=1))
    inside = [row(start), row(start + timedelta(minutes=59, seconds=59))]
    outside = [row(start - timedelta(seconds=1)), row(start + timedelta(hours=1))]
    assert window.keep(inside + outside) == inside


def test_rows_without_a_timestamp_are_not_kept() -> None:
    window = QueryWindow.build(created_after="2026-01-31T10:00:00Z")
    assert window.keep([{"id": "x"}, {"id": "y", "created_time": "not a date"}]) == []


def test_no_window_keeps_everything_and_leaves_the_filter_alone() -> None:
    window = QueryWindow.build()
    assert not window
    assert window.keep([{"id": "x"}]) == [{"id": "x"}]
    user = {"property": "Status", "status": {"equals": "Ready"}}
    assert window.combine(user) == user
    assert window.combine(None) is None


LEAF = {"property": "Status", "status": {"equals": "Ready"}}
EDITED = {"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": "2026-01-31T10:00:00.000Z"}}


def test_combine_without_user_filter_uses_the_condition_alone() -> None:
    assert QueryWindow.build(edited_after="2026-01-31T10:00:00Z").combine(None) == EDITED


def test_combine_wraps_a_leaf_in_and() -> None:
    combined = QueryWindow.build(edited_after="2026-01-31T10:00:00Z").combine(LEAF)
    assert combined == {"and": [LEAF, EDITED]}


def test_combine_extends_a_top_level_and_without_adding_a_level() -> None:
    two_levels = {"and": [LEAF, {"or": [LEAF, LEAF]}]}
    combined = QueryWindow.build(edited_after="2026-01-31T10:00:00Z").combine(two_levels)
    assert combined == {"and": [LEAF, {"or": [LEAF, LEAF]}, EDITED]}


def test_combine_wraps_a_one_level_or() -> None:
    one_level = {"or": [LEAF, LEAF]}
    combined = QueryWindow.build(edited_after="2026-01-31T10:00:00Z").combine(one_level)
    assert combined == {"and": [one_level, EDITED]}


def test_combine_distributes_a_two_level_or_as_fetch_all_does() -> None:
    # This filter worked with fetch_all past the cap but failed in the sensor; one rule now serves both.
    two_levels = {"or": [LEAF, {"and": [LEAF, LEAF]}]}
    combined = QueryWindow.build(edited_after="2026-01-31T10:00:00Z").combine(two_levels)
    assert combined == {"or": [{"and": [LEAF, EDITED]}, {"and": [LEAF, LEAF, EDITED]}]}
    assert combined == and_window(two_levels, EDITED)


def test_combine_still_refuses_a_filter_already_too_deep() -> None:
    three = {"and": [{"or": [{"and": [LEAF]}]}]}
    with pytest.raises(NotionInputError, match="filter"):
        QueryWindow.build().combine(three)


def test_json_round_trip() -> None:
    window = QueryWindow.build(
        edited_after="2026-01-31T10:00:30Z", created_after="2026-01-01T00:00:00Z", created_before=None
    )
    assert QueryWindow.from_json(window.to_json()) == window
    assert window.to_json() == {
        "last_edited_time": ["2026-01-31T10:00:00.000Z", None],
        "created_time": ["2026-01-01T00:00:00.000Z", None],
    }
