"""NotionQuerySensor against the local emulator: consecutive runs over minute-rounded timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from unittest.mock import MagicMock

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.sensors.notion import NotionQuerySensor


def add_row_at(emu: NotionEmulator, data_source: str, name: str, moment: datetime) -> None:
    """A row created (and last edited) at ``moment``; the emulator keeps it to the minute, like Notion."""
    emu.state.create_page(
        parent_type="data_source_id",
        parent_id=data_source,
        properties_input={
            "Name": {"title": [{"text": {"content": name}}]},
            "Kind": {"select": {"name": "x"}},
        },
        creator_id=emu.default_integration().id,
        created=moment,
    )


def names_seen(data_source: str, start: datetime, end: datetime, **kwargs: Any) -> list[str]:
    sensor = NotionQuerySensor(
        task_id="changed_rows",
        data_source_id=data_source,
        min_results=0,
        fetch_all=True,
        edited_after=start.isoformat(),
        edited_before=end.isoformat(),
        **kwargs,
    )
    sensor.hook.requests_per_second = None
    result = sensor.poke({"ti": MagicMock()})
    assert result.is_done
    return [row["properties"]["Name"]["title"][0]["plain_text"] for row in result.xcom_value["results"]]


@pytest.mark.parametrize("second", [0, 45])  # minute-aligned intervals, and intervals ending mid-minute
def test_consecutive_runs_see_each_edit_exactly_once(emu: NotionEmulator, second: int) -> None:
    database = emu.add_database(
        parent_id=emu.root_page_id,
        properties={"Name": {"title": {}}, "Kind": {"select": {"options": [{"name": "x"}, {"name": "y"}]}}},
    )
    ds = str(database["data_source_id"])
    t0 = datetime(2026, 1, 31, 10, 0, second, tzinfo=UTC)
    boundaries = [t0 + timedelta(minutes=5 * i) for i in range(4)]  # three 5-minute data intervals
    edits = {
        # Seconds around every boundary and every minute edge: the cases that minute rounding breaks.
        f"r{i}": boundaries[0] + timedelta(seconds=offset)
        for i, offset in enumerate(range(-70, 15 * 60 + 70, 13))
    }
    for name, moment in edits.items():
        add_row_at(emu, ds, name, moment)

    runs = [names_seen(ds, start, end) for start, end in pairwise(boundaries)]

    seen = [name for run in runs for name in run]
    assert len(seen) == len(set(seen)), "a row was reported by two runs"
    floor = [b.replace(second=0) for b in boundaries]
    expected = {name for name, moment in edits.items() if floor[0] <= moment.replace(second=0) < floor[-1]}
    assert set(seen) == expected, "a row edited during the covered intervals was missed"
    for run, end in zip(runs, boundaries[1:], strict=True):
        assert all(edits[name] < end for name in run), "a run reported an edit made after it looked"
    if second == 0:
        # Aligned intervals: a run sees exactly the rows edited inside its data interval.
        for run, start, end in zip(runs, boundaries, boundaries[1:], strict=False):
            assert set(run) == {name for name, moment in edits.items() if start <= moment < end}


def test_window_and_user_filter_are_combined(emu: NotionEmulator) -> None:
    database = emu.add_database(
        parent_id=emu.root_page_id,
        properties={"Name": {"title": {}}, "Kind": {"select": {"options": [{"name": "x"}, {"name": "y"}]}}},
    )
    ds = str(database["data_source_id"])
    start = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
    add_row_at(emu, ds, "inside", start + timedelta(minutes=1))
    add_row_at(emu, ds, "too_late", start + timedelta(hours=2))
    emu.state.create_page(
        parent_type="data_source_id",
        parent_id=ds,
        properties_input={
            "Name": {"title": [{"text": {"content": "other_kind"}}]},
            "Kind": {"select": {"name": "y"}},
        },
        creator_id=emu.default_integration().id,
        created=start + timedelta(minutes=2),
    )
    seen = names_seen(
        ds,
        start,
        start + timedelta(hours=1),
        filter={
            "or": [
                {"property": "Kind", "select": {"equals": "x"}},
                {"property": "Name", "title": {"equals": "zz"}},
            ]
        },
    )
    assert seen == ["inside"]
