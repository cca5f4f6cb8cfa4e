"""The deferrable sensor on an OAuth connection: the trigger uses the rotated token of the store, and a token the
trigger cannot use sends the sensor back to the worker, which refreshes it and defers again."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from notion_emulator import NotionEmulator
from notion_emulator.routes.oauth import expire_access_token

from airflow_provider_notion.exceptions import NotionError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.oauth.client import OAuthTokens
from airflow_provider_notion.sensors.notion import NotionQuerySensor
from airflow_provider_notion.triggers.notion import NotionQueryTrigger

CONN_ID = "notion_oauth"


@pytest.fixture
def data_source(emu: NotionEmulator, granted: OAuthTokens) -> str:
    database = emu.add_database(parent_id=emu.root_page_id, title="Jobs", properties={"Name": {"title": {}}})
    public = next(i for i in emu.state.integrations.values() if i.name == "Airflow public")
    emu.share(database["id"], public.id)
    emu.add_rows(database["data_source_id"], [{"Name": {"title": [{"text": {"content": "ready"}}]}}])
    return str(database["data_source_id"])


def trigger(data_source: str, end_time: float) -> NotionQueryTrigger:
    return NotionQueryTrigger(
        conn_id=CONN_ID,
        query_path=f"/data_sources/{data_source}/query",
        end_time=end_time,
        poke_interval=0.01,
        requests_per_second=None,
    )


async def single_event(trigger: NotionQueryTrigger) -> dict[str, Any]:
    events = [event.payload async for event in trigger.run()]
    assert len(events) == 1
    return dict(events[0])


async def test_trigger_uses_the_pair_a_worker_rotated(
    emu: NotionEmulator,
    granted: OAuthTokens,
    oauth_conn: Callable[..., Any],
    variables: dict[str, str],
    data_source: str,
) -> None:
    oauth_conn(granted, conn_id=CONN_ID)
    expire_access_token(emu, granted.access_token)
    NotionHook(CONN_ID, requests_per_second=None).get_current_user()  # refreshes and stores the rotated pair
    assert variables, "the worker stored the rotated pair"

    event = await single_event(trigger(data_source, time.time() + 10))

    assert event["status"] == "success"
    assert len(event["results"]["results"]) == 1


async def test_a_rejected_token_sends_the_sensor_back_to_the_worker(
    emu: NotionEmulator,
    granted: OAuthTokens,
    oauth_conn: Callable[..., Any],
    variables: dict[str, str],
    data_source: str,
) -> None:
    oauth_conn(granted, conn_id=CONN_ID)
    expire_access_token(emu, granted.access_token)  # nobody refreshed it yet
    deadline = time.time() + 10

    event = await single_event(trigger(data_source, deadline))

    assert event["status"] == "reauthorize"
    assert event["end_time"] == deadline
    assert granted.access_token not in event["message"]


def test_sensor_refreshes_on_the_worker_then_returns_the_rows(
    emu: NotionEmulator,
    granted: OAuthTokens,
    oauth_conn: Callable[..., Any],
    variables: dict[str, str],
    data_source: str,
) -> None:
    oauth_conn(granted, conn_id=CONN_ID)
    expire_access_token(emu, granted.access_token)
    sensor = NotionQuerySensor(
        task_id="wait", data_source_id=data_source, notion_conn_id=CONN_ID, deferrable=True, timeout=60
    )
    result = sensor.execute_complete(
        {}, {"status": "reauthorize", "message": "401", "end_time": time.time() + 30}
    )
    assert len(result["results"]) == 1
    assert variables, "the refresh on the worker stored the rotated pair"


def test_sensor_defers_again_with_the_same_deadline_when_nothing_matches_yet() -> None:
    sensor = NotionQuerySensor(
        task_id="wait", data_source_id="1429989fe8ac4effbc8f57f56486db54", deferrable=True
    )
    deadline = time.time() + 30
    with (
        mock.patch.object(NotionQuerySensor, "poke", return_value=mock.Mock(is_done=False)),
        mock.patch.object(NotionQuerySensor, "build_trigger") as build,
        mock.patch.object(NotionQuerySensor, "defer", side_effect=NotionError("deferred")) as defer,
        pytest.raises(NotionError, match="deferred"),
    ):
        sensor.execute_complete({}, {"status": "reauthorize", "message": "401", "end_time": deadline})
    build.assert_called_once_with(end_time=deadline)
    assert 0 < defer.call_args.kwargs["timeout"].total_seconds() <= 30
