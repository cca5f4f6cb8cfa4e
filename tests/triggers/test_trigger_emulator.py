"""NotionQueryTrigger.run() against the local Notion emulator (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from notion_emulator import NotionEmulator, RateLimit

from airflow_provider_notion.triggers.notion import NotionQueryTrigger
from tests.helpers import FakeClock


@pytest.fixture
def data_source(emu: NotionEmulator) -> str:
    database = emu.add_database(
        parent_id=emu.root_page_id,
        title="Releases",
        properties={"Name": {"title": {}}, "Ready": {"checkbox": {}}},
    )
    return str(database["data_source_id"])


def release(name: str, *, ready: bool) -> dict[str, Any]:
    """A row's properties in the create-page format."""
    return {"Name": {"title": [{"text": {"content": name}}]}, "Ready": {"checkbox": ready}}


def trigger_for(data_source: str, **kwargs: Any) -> NotionQueryTrigger:
    kwargs.setdefault("end_time", time.time() + 30)
    kwargs.setdefault("poke_interval", 0.05)
    kwargs.setdefault("body", {"filter": {"property": "Ready", "checkbox": {"equals": True}}})
    return NotionQueryTrigger(
        conn_id="notion_default", query_path=f"/data_sources/{data_source}/query", **kwargs
    )


async def single_event(trigger: NotionQueryTrigger) -> dict[str, Any]:
    events = [event.payload async for event in trigger.run()]
    assert len(events) == 1
    payload: dict[str, Any] = events[0]
    return payload


def query_statuses(emu: NotionEmulator) -> list[int]:
    return [r.status for r in emu.request_log if r.path.endswith("/query")]


async def test_success_once_a_matching_row_appears(emu: NotionEmulator, data_source: str) -> None:
    emu.add_rows(data_source, [release("draft", ready=False)])

    async def writer() -> None:
        await asyncio.sleep(0.3)
        emu.add_rows(data_source, [release("v1.0", ready=True)])

    writing = asyncio.create_task(writer())
    event = await single_event(trigger_for(data_source))
    await writing
    assert event["status"] == "success"
    [row] = event["results"]["results"]
    assert row["properties"]["Name"]["title"][0]["plain_text"] == "v1.0"
    assert len(query_statuses(emu)) >= 2  # it polled until the row appeared
    assert all(r.method == "POST" for r in emu.request_log if r.path.startswith("/v1/data_sources"))


async def test_error_event_for_an_unshared_data_source(emu: NotionEmulator) -> None:
    missing = "0f0f0f0f-0000-4000-8000-000000000000"
    event = await single_event(trigger_for(missing))
    assert event["status"] == "error"
    assert "object_not_found" in event["message"]
    assert emu.token not in event["message"]
    assert query_statuses(emu) == [404]


async def test_error_event_for_a_filter_notion_rejects(emu: NotionEmulator, data_source: str) -> None:
    event = await single_event(
        trigger_for(data_source, body={"filter": {"property": "Nope", "checkbox": {"equals": True}}})
    )
    assert event["status"] == "error"
    assert "validation_error" in event["message"]
    assert "Nope" in event["message"]


async def test_rate_limited_then_success(emu: NotionEmulator, data_source: str) -> None:
    emu.add_rows(data_source, [release("v1.0", ready=True)])
    emu.set_rate_limit(RateLimit(rate=1.0, burst=1))
    emu.clear_request_log()
    started = time.monotonic()
    # Client-side pacing off, so the trigger really meets the emulator's limit; the first poll spends the
    # only token, the retry gets 429 with Retry-After: 1 and succeeds after waiting it out.
    first = await single_event(trigger_for(data_source, requests_per_second=None))
    second = await single_event(trigger_for(data_source, requests_per_second=None))
    assert first["status"] == second["status"] == "success"
    assert query_statuses(emu) == [200, 429, 200]
    assert time.monotonic() - started >= 0.9  # Retry-After was honoured


async def test_injected_overload_is_retried(emu: NotionEmulator, data_source: str) -> None:
    emu.add_rows(data_source, [release("v1.0", ready=True)])
    emu.faults.inject(kind="status", status=529, retry_after=1, method="POST", path=r"/query$", count=1)
    emu.faults.inject(kind="status", status=503, method="POST", path=r"/query$", count=1)
    event = await single_event(trigger_for(data_source, requests_per_second=None))
    assert event["status"] == "success"
    assert query_statuses(emu) == [529, 503, 200]


async def test_deadline_gives_a_timeout_event(emu: NotionEmulator, data_source: str) -> None:
    clock = FakeClock()
    trigger = trigger_for(
        data_source,
        end_time=clock.now + 0.75,
        poke_interval=0.25,
        requests_per_second=None,
        clock=clock,
        sleep=clock.async_sleep,
    )
    event = await single_event(trigger)
    assert event["status"] == "timeout"
    assert event["last_count"] == 0
    # One poll after each interval, the last one at the deadline, then the timeout without waiting any longer.
    assert clock.sleeps == [0.25, 0.25, 0.25]
    assert query_statuses(emu) == [200, 200, 200]


async def test_many_triggers_share_pacing_and_stay_under_the_limit(
    emu: NotionEmulator, data_source: str
) -> None:
    emu.add_rows(data_source, [release("draft", ready=False)])
    emu.set_rate_limit(RateLimit(rate=25.0, burst=10))
    emu.clear_request_log()
    # 30 triggers polling every 50 ms want ~600 requests/s; paced at 15/s in this process they stay under the
    # emulator's 25/s (the margin absorbs jitter in when paced requests actually arrive).
    triggers = [
        trigger_for(data_source, end_time=time.time() + 3.0, requests_per_second=15.0) for _ in range(30)
    ]
    started = time.monotonic()
    events = await asyncio.gather(*(single_event(t) for t in triggers))
    elapsed = time.monotonic() - started
    assert {e["status"] for e in events} == {"timeout"}
    statuses = query_statuses(emu)
    assert statuses.count(429) <= 1, statuses  # without shared pacing this is hundreds
    assert len(statuses) >= 30  # every trigger polled at least once
    assert len(statuses) <= 10 + 15 * elapsed + 2  # never faster than the burst plus 15/s


async def test_fetch_all_continues_past_the_result_cap(emu: NotionEmulator) -> None:
    from tests.resilience.helpers import SCHEMA, seed_rows

    database = emu.add_database(parent_id=emu.root_page_id, title="Many rows", properties=SCHEMA)
    data_source = str(database["data_source_id"])
    emu.set_query_cap(50)
    ids = seed_rows(emu, data_source, 180, per_minute=20)
    event = await single_event(
        trigger_for(data_source, body={}, fetch_all=True, min_results=180, requests_per_second=None)
    )
    assert event["status"] == "success"
    # 180 rows are more than the event may carry (issue 10): the count and every id are there, the rows are
    # re-read by the sensor on the worker.
    assert event["count"] == 180
    assert event["row_ids_complete"] is True
    assert sorted(event["row_ids"]) == sorted(ids)


async def test_a_large_match_keeps_the_event_small_and_the_sensor_reads_every_row(
    emu: NotionEmulator, data_source: str
) -> None:
    """Issue 10: Airflow stores and logs the event whole; 400 rows are ~400 KB, so the event carries the count
    and ids only, and the sensor re-reads the rows on the worker: its XCom is the complete list object."""
    from unittest.mock import MagicMock

    from airflow_provider_notion.sensors.notion import NotionQuerySensor
    from airflow_provider_notion.triggers.events import MAX_EVENT_BYTES, json_size

    emu.add_rows(data_source, [release(f"v{i}", ready=True) for i in range(400)])
    ready = {"property": "Ready", "checkbox": {"equals": True}}
    event = await single_event(
        trigger_for(
            data_source, body={"filter": ready}, fetch_all=True, min_results=1, requests_per_second=None
        )
    )
    assert event["status"] == "success"
    assert json_size(event) <= MAX_EVENT_BYTES
    assert event["count"] == 400
    assert event["rows_included"] is False
    assert "results" not in event
    assert "v1" not in json.dumps(event)  # no page content in the event (it goes to the triggerer log)

    sensor = NotionQuerySensor(
        task_id="wait", data_source_id=data_source, filter=ready, fetch_all=True, deferrable=True
    )
    sensor.hook.requests_per_second = None
    xcom = sensor.execute_complete({"ti": MagicMock()}, event)
    names = sorted(row["properties"]["Name"]["title"][0]["plain_text"] for row in xcom["results"])
    assert names == sorted(f"v{i}" for i in range(400))
    assert set(event["row_ids"]) <= {row["id"] for row in xcom["results"]}


async def test_a_small_match_is_carried_whole_in_the_event(emu: NotionEmulator, data_source: str) -> None:
    emu.add_rows(data_source, [release(f"v{i}", ready=True) for i in range(3)])
    event = await single_event(trigger_for(data_source, fetch_all=True, requests_per_second=None))
    assert event["rows_included"] is True
    assert event["count"] == len(event["results"]["results"]) == len(event["row_ids"]) == 3
    assert event["row_ids_complete"] is True
