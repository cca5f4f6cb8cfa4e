"""Property-based tests (Hypothesis) of the seams where a user's filter and time bounds enter a query.

- ``and_conditions`` (rules/filters.py): any filter Notion accepts (compounds nested at most two deep) takes
  extra conditions, the result never nests deeper than Notion accepts, and it *means* ``filter AND conditions``
  (checked by evaluating both on generated rows); a filter nested too deep is refused with an error naming the
  field.
- time windows (rules/query_window.py): a row is in ``[start, end)`` exactly when its minute is; consecutive
  windows split time with no gap and no overlap; bounds in any time zone denote the same instants.
- Notion's clock from its ``Date`` header (rules/server_clock.py) never runs ahead of Notion's real clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.filters import (
    MAX_FILTER_NESTING,
    and_conditions,
    check_filter_depth,
    filter_depth,
)
from airflow_provider_notion.rules.query_window import (
    QueryWindow,
    TimestampWindow,
    floor_minute,
    notion_instant,
)
from airflow_provider_notion.rules.server_clock import clock_offset

PROPERTIES = ("A", "B", "C", "D")

# ------------------------------------------------------------------------------------------------ filters

leaves = st.builds(
    lambda name, value: {"property": name, "checkbox": {"equals": value}},
    st.sampled_from(PROPERTIES),
    st.booleans(),
)


def compounds(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda key, items: {key: items}, st.sampled_from(["and", "or"]), st.lists(children, max_size=4)
    )


def filters_up_to(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    strategy: st.SearchStrategy[dict[str, Any]] = leaves
    for _ in range(depth):
        strategy = st.one_of(leaves, compounds(strategy))
    return strategy


def holds(node: dict[str, Any], row: dict[str, bool]) -> bool:
    """What Notion does with a checkbox filter on ``row`` (an empty ``and`` is true, an empty ``or`` false)."""
    if "and" in node:
        return all(holds(child, row) for child in node["and"])
    if "or" in node:
        return any(holds(child, row) for child in node["or"])
    return row[node["property"]] == node["checkbox"]["equals"]


rows = st.fixed_dictionaries({name: st.booleans() for name in PROPERTIES})


@settings(max_examples=300)
@given(
    filters_up_to(MAX_FILTER_NESTING), st.lists(leaves, min_size=1, max_size=3), st.lists(rows, max_size=8)
)
def test_any_accepted_filter_takes_conditions_within_the_limit_and_keeps_its_meaning(
    user_filter: dict[str, Any], conditions: list[dict[str, Any]], sample: list[dict[str, bool]]
) -> None:
    assert check_filter_depth(user_filter) <= MAX_FILTER_NESTING
    combined = and_conditions(user_filter, conditions)
    assert combined is not None
    assert filter_depth(combined) <= MAX_FILTER_NESTING
    for row in sample:
        assert holds(combined, row) == (holds(user_filter, row) and all(holds(c, row) for c in conditions))


@given(st.lists(leaves, max_size=3))
def test_no_filter_means_the_conditions_alone(conditions: list[dict[str, Any]]) -> None:
    combined = and_conditions(None, conditions)
    if not conditions:
        assert combined is None
    else:
        assert combined is not None and filter_depth(combined) <= 1
        for row in ({name: True for name in PROPERTIES}, {name: False for name in PROPERTIES}):
            assert holds(combined, row) == all(holds(c, row) for c in conditions)


too_deep = filters_up_to(MAX_FILTER_NESTING + 1).filter(lambda f: filter_depth(f) > MAX_FILTER_NESTING)


@given(too_deep)
def test_a_filter_nested_too_deep_is_refused_naming_the_field(user_filter: dict[str, Any]) -> None:
    with pytest.raises(NotionInputError) as refused:
        QueryWindow.build(edited_after="2026-01-01T00:00:00Z").combine(user_filter, "query_filter")
    assert refused.value.field == "query_filter"
    assert "nested" in refused.value.problem


# ------------------------------------------------------------------------------------------------ windows

instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)
zones = st.builds(lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-14 * 60, 14 * 60))


def row_at(moment: datetime) -> dict[str, str]:
    return {"last_edited_time": notion_instant(moment)}


@given(instants, instants, instants)
def test_a_row_is_in_a_window_exactly_when_its_minute_is(
    start: datetime, end: datetime, edit: datetime
) -> None:
    start, end = min(start, end), max(start, end)
    window = TimestampWindow.from_bounds("last_edited_time", start, end, "after", "before")
    assert window is not None
    minute = floor_minute(edit)
    assert window.contains(row_at(edit)) == (floor_minute(start) <= minute < floor_minute(end))


@given(st.lists(instants, min_size=3, max_size=6), instants)
def test_consecutive_windows_leave_no_gap_and_no_overlap(bounds: list[datetime], edit: datetime) -> None:
    bounds = sorted(bounds)
    windows = [QueryWindow.build(edited_after=a, edited_before=b) for a, b in pairwise(bounds)]
    holding = [w for w in windows if w.keep([row_at(edit)])]
    inside = floor_minute(bounds[0]) <= floor_minute(edit) < floor_minute(bounds[-1])
    assert len(holding) == (1 if inside else 0)


@given(instants, zones, zones)
def test_bounds_in_any_time_zone_denote_the_same_instants(moment: datetime, zone: Any, other: Any) -> None:
    here, there = moment.astimezone(zone), moment.astimezone(other)
    assert QueryWindow.build(edited_after=here.isoformat()) == QueryWindow.build(edited_after=there)
    assert QueryWindow.build(edited_after=here).to_json() == QueryWindow.build(edited_after=moment).to_json()
    again = QueryWindow.from_json(QueryWindow.build(edited_after=here, edited_before=here).to_json())
    assert again == QueryWindow.build(edited_after=moment, edited_before=moment)


@given(instants, instants)
def test_an_end_before_the_start_is_refused_naming_the_end(start: datetime, end: datetime) -> None:
    if end >= start:
        QueryWindow.build(edited_after=start, edited_before=end)
        return
    with pytest.raises(NotionInputError) as refused:
        QueryWindow.build(edited_after=start, edited_before=end)
    assert refused.value.field == "edited_before"


# ------------------------------------------------------------------------------------------------ Notion's clock


@given(
    instants,
    st.floats(min_value=-3600, max_value=3600),  # how far the local clock is from Notion's
    st.floats(min_value=0, max_value=30),  # how long the answer took to arrive
    st.floats(min_value=0, max_value=600),  # how much later the bound is used
)
def test_the_date_header_bound_never_runs_ahead_of_notions_clock(
    served: datetime, skew: float, delay: float, later: float
) -> None:
    header = served.strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )  # Notion writes the second it answered, rounded down
    received_local = served + timedelta(seconds=skew + delay)
    offset = clock_offset(header, received_local)
    assert offset is not None
    local_then = received_local + timedelta(seconds=later)
    notion_then = served + timedelta(seconds=delay + later)
    assert local_then + offset <= notion_then
    assert notion_then - (local_then + offset) <= timedelta(
        seconds=delay + 1
    )  # only as cautious as the delay
