"""NotionChangeTrigger(backstop=True) against the emulator: one shared poll, only what no webhook reported.

The shared stream is driven as Airflow's triggerer drives it: ``open_shared_stream`` once for the group (here
run to a scripted end), each watcher's ``filter_shared_stream`` over the same snapshots.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.timestamps import floor_minute
from airflow_provider_notion.rules.webhooks import WEBHOOK_REPORTED_KEY, merge_reported
from airflow_provider_notion.triggers import backstop
from airflow_provider_notion.triggers.change import NotionChangeTrigger
from tests.triggers.test_change_trigger import MemoryStore, Stop, Timeline, create_row, edit_row

MINUTE = timedelta(minutes=1)
pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def t0() -> datetime:
    return floor_minute(datetime.now(UTC)) - timedelta(hours=1)


def sources(emu: NotionEmulator, count: int) -> list[str]:
    return [
        str(
            emu.add_database(parent_id=emu.root_page_id, title=f"T{i}", properties={"Name": {"title": {}}})[
                "data_source_id"
            ]
        )
        for i in range(count)
    ]


def watcher(source: str, timeline: Timeline, start: datetime, **kwargs: Any) -> NotionChangeTrigger:
    return NotionChangeTrigger(
        data_source_id=source,
        backstop=True,
        poll_interval=60,
        requests_per_second=None,
        start_after=start.isoformat(),
        clock=timeline.clock,
        sleep=timeline.sleep,
        **kwargs,
    )


async def snapshots(trigger: NotionChangeTrigger) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    try:
        async for snapshot in backstop.poll_changes(trigger):
            found.append(snapshot)
    except Stop:
        pass
    return found


async def replay(items: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for item in items:
        yield item


async def events_of(trigger: NotionChangeTrigger, shared: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [event.payload async for event in trigger.filter_shared_stream(replay(shared))]


async def test_many_watchers_share_one_search_per_interval(emu: NotionEmulator, t0: datetime) -> None:
    watched = sources(emu, 40)
    timeline = Timeline(t0 + timedelta(seconds=10), until=t0 + 10 * MINUTE)
    expected = {}
    for index, source in enumerate(watched[:5]):
        moment = t0 + (index + 1) * MINUTE + timedelta(seconds=5)
        timeline.at(
            moment, lambda m, s=source, i=index: expected.setdefault(s, create_row(emu, s, f"r{i}", m))
        )
    watchers = [watcher(source, timeline, t0) for source in watched]
    assert len({w.shared_stream_key() for w in watchers}) == 1
    assert NotionChangeTrigger(data_source_id=watched[0]).shared_stream_key() is None
    emu.clear_request_log()

    shared = await snapshots(watchers[0])

    searches = [r for r in emu.request_log if r.path == "/v1/search"]
    queries = [r for r in emu.request_log if r.path.endswith("/query")]
    assert len(shared) >= 9 and queries == []
    assert len(searches) == len(shared)  # one request per window for all 40 watchers
    for source, trigger in zip(watched, watchers, strict=True):
        events = await events_of(trigger, shared)
        rows = [row for event in events for row in event["row_ids"]]
        assert rows == ([expected[source]] if source in expected else [])
        assert all(
            event["backstop"] is True and event["source"] == f"notion://data_source/{source}"
            for event in events
        )


async def test_only_changes_no_webhook_reported_are_reported(emu: NotionEmulator, t0: datetime) -> None:
    [source] = sources(emu, 1)
    timeline = Timeline(t0 + timedelta(seconds=10), until=t0 + 6 * MINUTE)
    rows: dict[str, str] = {}
    store = MemoryStore()

    def webhook_reports(name: str, moment: datetime) -> None:
        # What the receiver writes when it turns a page event into an asset event.
        stored = store.values.get(WEBHOOK_REPORTED_KEY)
        store.values[WEBHOOK_REPORTED_KEY] = merge_reported(stored, rows[name], moment.isoformat(), moment)

    def seen_by_webhook(moment: datetime) -> None:
        rows["seen"] = create_row(emu, source, "seen", moment)
        webhook_reports("seen", moment + timedelta(seconds=2))

    timeline.at(t0 + MINUTE + timedelta(seconds=5), seen_by_webhook)
    timeline.at(
        t0 + MINUTE + timedelta(seconds=6),
        lambda m: rows.setdefault("dropped", create_row(emu, source, "dropped", m)),
    )
    # A later edit of the first row whose webhook was lost: the backstop reports it.
    timeline.at(t0 + 3 * MINUTE + timedelta(seconds=5), lambda m: edit_row(emu, rows["seen"], m))
    trigger = watcher(source, timeline, t0)
    trigger.asset_state_store = store
    shared = await snapshots(trigger)

    events = await events_of(trigger, shared)
    by_window = [(event["window_start"], event["row_ids"]) for event in events]
    assert [ids for _, ids in by_window] == [[rows["dropped"]], [rows["seen"]]]


async def test_without_shared_streams_run_polls_the_same_way(emu: NotionEmulator, t0: datetime) -> None:
    [source] = sources(emu, 1)
    timeline = Timeline(t0 + timedelta(seconds=10), until=t0 + 4 * MINUTE)
    made: list[str] = []
    timeline.at(t0 + MINUTE + timedelta(seconds=5), lambda m: made.append(create_row(emu, source, "x", m)))
    trigger = watcher(source, timeline, t0)
    events: list[dict[str, Any]] = []

    async def drain() -> None:
        async for event in trigger.run():
            events.append(event.payload)

    with pytest.raises(Stop):
        await drain()
    assert [row for event in events for row in event["row_ids"]] == made


def test_backstop_round_trips_and_is_checked() -> None:
    source = "33333333-3333-4333-8333-333333333333"
    _, kwargs = NotionChangeTrigger(data_source_id=source, backstop=True, poll_interval=900).serialize()
    assert kwargs["backstop"] is True
    assert NotionChangeTrigger(**kwargs).shared_stream_key() == (
        "notion-backstop",
        "notion_default",
        None,
        900.0,
        5.0,
    )
    with pytest.raises(NotionInputError, match="backstop"):
        NotionChangeTrigger(data_source_id=source, backstop="yes")  # type: ignore[arg-type]
