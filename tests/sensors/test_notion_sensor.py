"""NotionQuerySensor on the worker: poke, reschedule, deferral, event handling, timeout and soft_fail."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any
from unittest.mock import MagicMock

import pytest
import requests_mock as rm
from airflow.providers.common.compat.sdk import (
    AirflowSensorTimeout,
    AirflowSkipException,
    PokeReturnValue,
    TaskDeferred,
)
from airflow.sdk.exceptions import AirflowRescheduleException

from airflow_provider_notion.exceptions import NotionApiError, NotionError, NotionInputError
from airflow_provider_notion.sensors.notion import NotionQuerySensor
from airflow_provider_notion.triggers.notion import NotionQueryTrigger
from tests.helpers import CANARY_SECRET

API = "https://api.notion.com/v1"
DS_ID = "248104cd-477e-80af-bc30-000bd28de8f9"
DB_ID = "1429989f-e8ac-4eff-bc8f-57f56486db54"
QUERY_URL = f"{API}/data_sources/{DS_ID}/query"


def page_row(row_id: str, edited: str = "2026-01-31T10:05:00.000Z") -> dict[str, Any]:
    return {"object": "page", "id": row_id, "created_time": edited, "last_edited_time": edited}


def list_page(rows: list[dict[str, Any]], next_cursor: str | None = None) -> dict[str, Any]:
    return {
        "object": "list",
        "results": rows,
        "next_cursor": next_cursor,
        "has_more": next_cursor is not None,
        "type": "page_or_data_source",
        "page_or_data_source": {},
    }


def make_sensor(**kwargs: Any) -> NotionQuerySensor:
    kwargs.setdefault("task_id", "wait_for_rows")
    if "database_id" not in kwargs:
        kwargs.setdefault("data_source_id", DS_ID)
    sensor = NotionQuerySensor(**kwargs)
    sensor.hook.requests_per_second = None  # no client-side pacing in unit tests
    return sensor


def context() -> dict[str, Any]:
    ti = MagicMock()
    ti.get_first_reschedule_date.return_value = None
    return {"ti": ti}


@pytest.fixture(autouse=True)
def _conn(default_conn: dict[str, object]) -> None:
    """``notion_default`` with the canary secret for every test."""


# ---------------------------------------------------------------------------------------------- poke


def test_poke_is_done_when_enough_rows_match(requests_mock: rm.Mocker) -> None:
    rows = [page_row("a"), page_row("b")]
    requests_mock.post(QUERY_URL, json=list_page(rows))
    sensor = make_sensor(filter={"property": "Status", "status": {"equals": "Ready"}}, min_results=2)
    result = sensor.poke(context())
    assert isinstance(result, PokeReturnValue)
    assert result.is_done
    assert result.xcom_value["results"] == rows
    assert requests_mock.last_request.json() == {
        "filter": {"property": "Status", "status": {"equals": "Ready"}}
    }


def test_poke_is_not_done_below_min_results(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, json=list_page([page_row("a")]))
    result = make_sensor(min_results="2").poke(context())  # a rendered template gives a string
    assert not result.is_done
    assert result.xcom_value is None


def test_poke_with_no_rows_is_not_done(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, json=list_page([]))
    assert not make_sensor().poke(context()).is_done


def test_database_url_is_resolved_to_its_data_source(requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{API}/databases/{DB_ID}",
        json={"object": "database", "id": DB_ID, "data_sources": [{"id": DS_ID, "name": "Tasks"}]},
    )
    requests_mock.post(QUERY_URL, json=list_page([page_row("a")]))
    url = f"https://www.notion.so/acme/Tasks-{DB_ID.replace('-', '')}?v=abc"
    assert make_sensor(database_id=url).poke(context()).is_done


def test_old_api_version_queries_the_database(requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{API}/databases/{DB_ID}/query", json=list_page([page_row("a")]))
    sensor = make_sensor(database_id=DB_ID, notion_version="2022-06-28")
    assert sensor.poke(context()).is_done
    assert requests_mock.last_request.headers["Notion-Version"] == "2022-06-28"


def test_fetch_all_counts_and_returns_every_page(requests_mock: rm.Mocker) -> None:
    requests_mock.post(
        QUERY_URL,
        [{"json": list_page([page_row("a")], next_cursor="c1")}, {"json": list_page([page_row("b")])}],
    )
    result = make_sensor(min_results=2, fetch_all="True").poke(context())
    assert result.is_done
    assert [r["id"] for r in result.xcom_value["results"]] == ["a", "b"]
    assert requests_mock.request_history[1].json()["start_cursor"] == "c1"


def test_without_fetch_all_only_the_first_page_counts(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, json=list_page([page_row("a")], next_cursor="c1"))
    result = make_sensor(min_results=2).poke(context())
    assert not result.is_done
    assert requests_mock.call_count == 1


def test_window_is_sent_and_reapplied_to_minute_rounded_rows(requests_mock: rm.Mocker) -> None:
    inside = page_row("in", "2026-01-31T10:59:00.000Z")
    # A server that compared differently could return this one; the sensor drops it (its minute is 11:00).
    outside = page_row("out", "2026-01-31T11:00:00.000Z")
    requests_mock.post(QUERY_URL, json=list_page([inside, outside]))
    sensor = make_sensor(
        filter={"property": "Status", "status": {"equals": "Ready"}},
        edited_after="2026-01-31T10:00:00+00:00",
        edited_before="2026-01-31T11:00:00+00:00",
    )
    result = sensor.poke(context())
    assert result.xcom_value["results"] == [inside]
    assert requests_mock.last_request.json()["filter"] == {
        "and": [
            {"property": "Status", "status": {"equals": "Ready"}},
            {
                "timestamp": "last_edited_time",
                "last_edited_time": {"on_or_after": "2026-01-31T10:00:00.000Z"},
            },
            {"timestamp": "last_edited_time", "last_edited_time": {"before": "2026-01-31T11:00:00.000Z"}},
        ]
    }


def test_filter_and_sorts_as_json_strings(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, json=list_page([page_row("a")]))
    sensor = make_sensor(
        filter='{"property": "Done", "checkbox": {"equals": true}}',
        sorts='[{"timestamp": "created_time", "direction": "ascending"}]',
    )
    sensor.poke(context())
    assert requests_mock.last_request.json() == {
        "filter": {"property": "Done", "checkbox": {"equals": True}},
        "sorts": [{"timestamp": "created_time", "direction": "ascending"}],
    }


def test_too_deep_filter_with_window_fails_before_sending(requests_mock: rm.Mocker) -> None:
    leaf = {"property": "Done", "checkbox": {"equals": True}}
    sensor = make_sensor(filter={"or": [leaf, {"and": [leaf, leaf]}]}, created_after="2026-01-01T00:00:00Z")
    with pytest.raises(NotionInputError, match="Invalid filter"):
        sensor.poke(context())
    assert requests_mock.call_count == 0


def test_notion_error_fails_the_poke_with_notions_message(requests_mock: rm.Mocker) -> None:
    requests_mock.post(
        QUERY_URL,
        status_code=404,
        json={"object": "error", "status": 404, "code": "object_not_found", "message": "Could not find x."},
    )
    with pytest.raises(NotionApiError, match="Could not find x") as err:
        make_sensor().poke(context())
    assert CANARY_SECRET not in str(err.value)


def test_needs_a_database_or_data_source() -> None:
    with pytest.raises(NotionInputError, match="database_id"):
        NotionQuerySensor(task_id="t")


def test_every_input_is_a_template_field() -> None:
    expected = {
        "database_id",
        "data_source_id",
        "filter",
        "sorts",
        "min_results",
        "edited_after",
        "edited_before",
        "created_after",
        "created_before",
        "fetch_all",
        "notion_conn_id",
        "notion_version",
    }
    assert set(NotionQuerySensor.template_fields) == expected


# ---------------------------------------------------------------------------------- poke / reschedule


def test_poke_mode_returns_the_rows_as_xcom(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, [{"json": list_page([])}, {"json": list_page([page_row("a")])}])
    sensor = make_sensor(poke_interval=0, timeout=30)
    assert sensor.execute(context())["results"][0]["id"] == "a"
    assert requests_mock.call_count == 2


def test_reschedule_mode_reschedules_when_not_done(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, json=list_page([]))
    sensor = make_sensor(mode="reschedule", poke_interval=120, timeout=3600)
    before = time.time()
    with pytest.raises(AirflowRescheduleException) as exc:
        sensor.execute(context())
    delay = exc.value.reschedule_date.timestamp() - before
    assert 110 < delay < 130


def test_reschedule_mode_returns_rows_when_done(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, json=list_page([page_row("a")]))
    assert make_sensor(mode="reschedule").execute(context())["results"][0]["id"] == "a"


def test_poke_mode_timeout_fails(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, json=list_page([]))
    with pytest.raises(AirflowSensorTimeout):
        make_sensor(poke_interval=0, timeout=0).execute(context())


def test_poke_mode_timeout_with_soft_fail_skips(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, json=list_page([]))
    with pytest.raises(AirflowSkipException):
        make_sensor(poke_interval=0, timeout=0, soft_fail=True).execute(context())


# ------------------------------------------------------------------------------------------ deferral


def test_deferrable_defers_with_the_right_trigger(requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{API}/databases/{DB_ID}",
        json={"object": "database", "id": DB_ID, "data_sources": [{"id": DS_ID, "name": "Tasks"}]},
    )
    requests_mock.post(QUERY_URL, json=list_page([]))
    sensor = make_sensor(
        database_id=DB_ID,
        deferrable=True,
        filter={"property": "Status", "status": {"equals": "Ready"}},
        created_after="2026-01-31T10:00:30Z",
        min_results=3,
        poke_interval=45,
        timeout=600,
        fetch_all=True,
    )
    before = time.time()
    with pytest.raises(TaskDeferred) as exc:
        sensor.execute(context())
    deferred = exc.value
    assert deferred.method_name == "execute_complete"
    assert deferred.timeout == timedelta(seconds=600)
    trigger = deferred.trigger
    assert isinstance(trigger, NotionQueryTrigger)
    _, kwargs = trigger.serialize()
    assert kwargs["conn_id"] == "notion_default"
    assert kwargs["query_path"] == f"/v1/data_sources/{DS_ID}/query"
    assert kwargs["notion_version"] == "2026-03-11"
    assert kwargs["body"] == {
        "filter": {
            "and": [
                {"property": "Status", "status": {"equals": "Ready"}},
                {"timestamp": "created_time", "created_time": {"on_or_after": "2026-01-31T10:00:00.000Z"}},
            ]
        }
    }
    assert kwargs["window"] == {"created_time": ["2026-01-31T10:00:00.000Z", None]}
    assert kwargs["min_results"] == 3
    assert kwargs["poke_interval"] == 45
    assert kwargs["fetch_all"] is True
    assert before + 600 <= kwargs["end_time"] <= time.time() + 600
    assert CANARY_SECRET not in json.dumps(kwargs)
    assert requests_mock.call_count == 2  # the database lookup and the one poke before deferring


def test_deferrable_does_not_defer_when_the_first_poke_matches(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, json=list_page([page_row("a")]))
    result = make_sensor(deferrable=True).execute(context())
    assert result["results"][0]["id"] == "a"


def test_deferrable_first_poke_error_fails_the_task(requests_mock: rm.Mocker) -> None:
    requests_mock.post(
        QUERY_URL,
        status_code=403,
        json={"object": "error", "status": 403, "code": "restricted_resource", "message": "No access."},
    )
    with pytest.raises(NotionApiError, match="No access"):
        make_sensor(deferrable=True).execute(context())


def test_deferrable_first_poke_error_with_never_fail_skips(requests_mock: rm.Mocker) -> None:
    requests_mock.post(
        QUERY_URL,
        status_code=403,
        json={"object": "error", "status": 403, "code": "restricted_resource", "message": "No access."},
    )
    with pytest.raises(AirflowSkipException):
        make_sensor(deferrable=True, never_fail=True).execute(context())


# ------------------------------------------------------------------------------- execute_complete


def test_execute_complete_returns_the_results() -> None:
    results = list_page([page_row("a")])
    assert make_sensor().execute_complete(context(), {"status": "success", "results": results}) == results


@pytest.mark.parametrize(
    ("event", "match"),
    [
        (None, "without a trigger event"),
        ({"status": "bogus"}, "unknown trigger event status 'bogus'"),
        ({"status": "error", "message": "Notion API error 404 object_not_found"}, "object_not_found"),
        ({"status": "success"}, "without a list of results"),
        ({"status": "success", "results": {"results": "nope"}}, "without a list of results"),
    ],
)
def test_execute_complete_fails_on_bad_or_error_events(event: Any, match: str) -> None:
    with pytest.raises(NotionError, match=match):
        make_sensor().execute_complete(context(), event)


def test_execute_complete_timeout_is_a_sensor_timeout() -> None:
    with pytest.raises(AirflowSensorTimeout, match="matched 0 of 1"):
        make_sensor().execute_complete(context(), {"status": "timeout", "message": "matched 0 of 1"})


TIMEOUT_EVENT = {"event": {"status": "timeout", "message": "matched 0 of 1"}}
ERROR_EVENT = {"event": {"status": "error", "message": "boom"}}


def test_resumed_timeout_fails_without_soft_fail() -> None:
    with pytest.raises(AirflowSensorTimeout):
        make_sensor(deferrable=True).resume_execution("execute_complete", TIMEOUT_EVENT, context())


@pytest.mark.parametrize("event", [TIMEOUT_EVENT, ERROR_EVENT])
def test_resumed_timeout_or_error_with_soft_fail_skips(event: dict[str, Any]) -> None:
    with pytest.raises(AirflowSkipException):
        make_sensor(deferrable=True, soft_fail=True).resume_execution("execute_complete", event, context())


def test_triggerer_side_deferral_timeout_maps_to_sensor_timeout() -> None:
    from airflow.sdk.bases.operator import TRIGGER_FAIL_REPR, TriggerFailureReason

    fail = {"error": TriggerFailureReason.TRIGGER_TIMEOUT}
    with pytest.raises(AirflowSensorTimeout):
        make_sensor(deferrable=True).resume_execution(TRIGGER_FAIL_REPR, fail, context())
    with pytest.raises(AirflowSkipException):
        make_sensor(deferrable=True, soft_fail=True).resume_execution(TRIGGER_FAIL_REPR, fail, context())


def test_rendered_data_interval_templates_become_the_window(requests_mock: rm.Mocker) -> None:
    import pendulum

    requests_mock.post(QUERY_URL, json=list_page([page_row("a", "2026-01-31T10:30:00.000Z")]))
    sensor = make_sensor(
        data_source_id="{{ params.source }}",
        edited_after="{{ data_interval_start }}",
        edited_before="{{ data_interval_end }}",
        min_results="{{ params.needed }}",
        params={"source": f"https://www.notion.so/{DS_ID.replace('-', '')}", "needed": 1},
    )
    ctx = context()
    ctx.update(
        data_interval_start=pendulum.datetime(2026, 1, 31, 10, 0, 0, tz="UTC"),
        data_interval_end=pendulum.datetime(2026, 1, 31, 11, 0, 0, tz="UTC"),
        params={"source": f"https://www.notion.so/{DS_ID.replace('-', '')}", "needed": 1},
    )
    sensor.render_template_fields(ctx)
    assert sensor.edited_after == "2026-01-31 10:00:00+00:00"
    assert sensor.poke(ctx).is_done
    assert requests_mock.last_request.json()["filter"]["and"][1] == {
        "timestamp": "last_edited_time",
        "last_edited_time": {"before": "2026-01-31T11:00:00.000Z"},
    }


# ---------------------------------------------------------------------------------------------- XCom budget


def test_more_matches_than_the_xcom_budget_fail_with_advice(requests_mock: rm.Mocker) -> None:
    requests_mock.post(QUERY_URL, json=list_page([page_row(f"r{i}") for i in range(4)]))
    with pytest.raises(NotionError, match="matched 4 rows, more than max_xcom_results \\(3\\).*output_path"):
        make_sensor(max_xcom_results=3).poke(context())
    assert make_sensor(max_xcom_results=4).poke(context()).is_done


def test_the_xcom_budget_applies_to_a_trigger_event_too() -> None:
    event = {"status": "success", "results": list_page([page_row("a"), page_row("b")])}
    with pytest.raises(NotionError, match="max_xcom_results"):
        make_sensor(max_xcom_results=1, deferrable=True).execute_complete(context(), event)
