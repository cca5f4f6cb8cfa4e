"""Templated fields, JSON renderers and XComArg inputs: nothing is checked or fetched before rendering."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from unittest.mock import MagicMock

import pytest
import requests_mock as rm
from airflow.providers.common.compat.sdk import DAG, XComArg

from airflow_provider_notion.operators import notion as operators
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionCreateDatabaseOperator,
    NotionCreatePageOperator,
    NotionQueryDatabaseOperator,
)
from tests.operators.helpers import API, recorded

PAGE = "393abc1e-edcd-81e8-95dc-ec52a3110c68"
DB_ID = "3d0982b9-f958-41d0-8437-cf2e00981c7f"

ALL_OPERATORS = [getattr(operators, name) for name in operators.__all__ if name != "NotionBaseOperator"]

# Every input named in the issue, per operator (notion_conn_id is not templated on purpose).
EXPECTED_FIELDS = {
    "NotionCreateDatabaseOperator": {
        "parent",
        "title",
        "properties",
        "icon",
        "cover",
        "is_inline",
        "description",
    },
    "NotionCreateDatabaseItemOperator": {
        "database_id",
        "data_source_id",
        "parent",
        "properties",
        "children",
        "icon",
        "cover",
    },
    "NotionCreatePageOperator": {"parent", "properties", "children", "icon", "cover"},
    "NotionGetCurrentUserOperator": set(),
    "NotionGetDatabaseOperator": {"database_id", "include_data_sources"},
    "NotionGetPageOperator": {"page_id", "filter_properties"},
    "NotionGetUserOperator": {"user_id"},
    "NotionListDatabasesOperator": {"start_cursor", "page_size", "fetch_all"},
    "NotionListPagesOperator": {"start_cursor", "page_size", "fetch_all"},
    "NotionListUsersOperator": {"start_cursor", "page_size", "fetch_all"},
    "NotionQueryDatabaseOperator": {
        "database_id",
        "data_source_id",
        "filter",
        "sorts",
        "start_cursor",
        "page_size",
        "fetch_all",
        "filter_properties",
    },
    "NotionRawRequestOperator": {
        "url",
        "method",
        "data",
        "form_data",
        "file_data",
        "file_data_file_names",
        "query_params",
        "headers",
        "response_type",
        "timeout",
        "retry_delay_ms",
        "retry_on_all_errors",
        "max_retry_count",
        "use_exponential_backoff",
    },
}


def test_there_are_twelve_operators() -> None:
    assert sorted(op.__name__ for op in ALL_OPERATORS) == sorted(EXPECTED_FIELDS)


@pytest.mark.parametrize("operator", ALL_OPERATORS, ids=lambda op: op.__name__)
def test_every_input_is_templated_and_json_fields_render_as_json(operator: type) -> None:
    fields = set(operator.template_fields)
    assert EXPECTED_FIELDS[operator.__name__] | {"notion_version"} <= fields
    for json_like in ("properties", "filter", "sorts", "children", "data", "headers", "query_params"):
        if json_like in fields:
            assert operator.template_fields_renderers[json_like] == "json"


def test_init_accepts_anything_and_sends_nothing(requests_mock: rm.Mocker) -> None:
    """No connection is configured here: __init__ must not read it, validate values or call Notion."""
    NotionCreateDatabaseItemOperator(
        task_id="i", database_id="{{ params.db }}", properties="{{ params.props }}"
    )
    NotionQueryDatabaseOperator(task_id="q", database_id="not-an-id-yet", page_size="{{ params.n }}")
    NotionCreatePageOperator(task_id="p", parent=None)
    assert requests_mock.call_count == 0


def test_render_then_execute(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2022-06-28")
    requests_mock.post(
        f"{API}/databases/{DB_ID}/query",
        json=recorded("2022-06-28", "test_databases_query", "POST", "/query"),
    )
    op = NotionQueryDatabaseOperator(
        task_id="q",
        database_id="{{ params.database }}",
        filter='{"property": "Day", "date": {"equals": "{{ ds }}"}}',
        page_size="{{ params.size }}",
        fetch_all="{{ params.all }}",
    )
    render_context: dict[str, Any] = {
        **context,
        "ds": "2026-01-02",
        "params": {"database": DB_ID.replace("-", ""), "size": 7, "all": False},
    }

    op.render_template_fields(render_context)
    op.execute(render_context)

    assert op.database_id == DB_ID.replace("-", "")
    assert requests_mock.last_request.path == f"/v1/databases/{DB_ID}/query"
    assert requests_mock.last_request.json() == {
        "filter": {"property": "Day", "date": {"equals": "2026-01-02"}},
        "page_size": 7,
    }


def test_xcomarg_inputs_wire_tasks_and_resolve_at_run_time(
    use_version: Callable[[str], str], requests_mock: rm.Mocker
) -> None:
    with DAG("wiring", schedule=None, start_date=datetime.datetime(2026, 1, 1)):
        create_db = NotionCreateDatabaseOperator(
            task_id="create_db", parent=PAGE, title="T", properties={"Name": {"title": {}}}
        )
        page = NotionCreatePageOperator(
            task_id="page", parent=create_db.output["id"], properties={"title": "x"}
        )
        item = NotionCreateDatabaseItemOperator(
            task_id="item", database_id=create_db.output["id"], properties=create_db.output["row"]
        )

    assert isinstance(page.parent, XComArg)
    assert create_db in page.upstream_list and create_db in item.upstream_list

    ti = MagicMock()
    ti.xcom_pull.side_effect = lambda task_ids, key, **_: {
        "id": DB_ID,
        "row": '{"Name": {"title": "from upstream"}}',
    }[key]
    use_version("2025-09-03")
    requests_mock.post(f"{API}/pages", json=recorded("2025-09-03", "test_pages_create", "POST", "/pages"))

    item.render_template_fields({"ti": ti})
    item.execute({"ti": ti})

    assert item.database_id == DB_ID
    assert requests_mock.last_request.json() == {
        "parent": {"type": "database_id", "database_id": DB_ID},
        "properties": {"Name": {"title": [{"type": "text", "text": {"content": "from upstream"}}]}},
    }
