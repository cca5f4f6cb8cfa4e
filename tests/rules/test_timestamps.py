"""One timestamp rule: the same text gives the same instant through every entry point that reads one (a
sensor's bounds, a window's membership, an export's timestamp column, the query past the result cap, a date
comparison of the sync diff)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_notion.client.large_query import created_minute
from airflow_provider_notion.exceptions import NotionInputError, NotionQueryIncompleteError
from airflow_provider_notion.jobs.export.columns import build_columns, flatten_page
from airflow_provider_notion.rules.query_window import QueryWindow, TimestampWindow
from airflow_provider_notion.rules.timestamps import floor_minute, parse_instant, read_instant
from airflow_provider_notion.rules.values.from_notion import same_value

COLUMNS = build_columns({})
READABLE = [
    "2026-01-31T10:05:42.123Z",
    "2026-01-31T12:05:42.123+02:00",
    "2026-01-31T10:05:42",  # naive: UTC
    "2026-01-31T10:05Z",
    "2026-01-31",  # a date alone: midnight UTC
]
UNREADABLE = ["yesterday", "2026-13-01T00:00:00Z", "31/01/2026"]


def through_every_entry_point(text: str) -> dict[str, object]:
    row = {"id": "r", "created_time": text, "last_edited_time": text}
    found: dict[str, object] = {"read": read_instant(text)}
    try:
        found["parse"] = parse_instant(text, "edited_after")
    except NotionInputError:
        found["parse"] = "refused"
    try:
        found["window_bound"] = QueryWindow.build(created_after=text).windows[0].start
    except NotionInputError:
        found["window_bound"] = "refused"
    try:
        found["past_cap"] = created_minute(row)
    except NotionQueryIncompleteError:
        found["past_cap"] = "refused"
    found["export"] = flatten_page(row, COLUMNS)["created_time"]
    found["in_open_window"] = TimestampWindow(
        "created_time", datetime.min.replace(tzinfo=UTC), None
    ).contains(row)
    return found


@pytest.mark.parametrize("text", READABLE)
def test_a_readable_timestamp_is_the_same_instant_everywhere(text: str) -> None:
    found = through_every_entry_point(text)
    moment = found["read"]
    assert isinstance(moment, datetime) and moment.tzinfo is not None
    assert found["parse"] == found["export"] == moment
    assert found["window_bound"] == found["past_cap"] == floor_minute(moment)
    assert found["in_open_window"] is True


@pytest.mark.parametrize("text", UNREADABLE)
def test_an_unreadable_timestamp_is_refused_by_user_inputs_and_empty_in_notion_data(text: str) -> None:
    found = through_every_entry_point(text)
    assert found["parse"] == found["window_bound"] == found["past_cap"] == "refused"
    assert found["read"] is None and found["export"] is None and found["in_open_window"] is False


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@given(
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1), timezones=offsets),
    st.sampled_from(["seconds", "milliseconds", "microseconds"]),
)
def test_any_offset_and_precision_reads_as_one_utc_instant(moment: datetime, precision: str) -> None:
    text = moment.isoformat(timespec=precision)
    truncated = datetime.fromisoformat(text)
    found = through_every_entry_point(text)
    assert found["parse"] == found["read"] == found["export"] == truncated.astimezone(UTC)
    assert found["past_cap"] == floor_minute(truncated)
    # The sync diff compares date properties by the same instant, whatever the offset it was written with.
    utc_text = truncated.astimezone(UTC).isoformat()
    assert same_value("date", {"date": {"start": text}}, {"date": {"start": utc_text}})
    assert not same_value(
        "date", {"date": {"start": text[:10]}}, {"date": {"start": text}}
    )  # a day is no moment
    assert date.fromisoformat(text[:10])  # the day part stays a calendar date
