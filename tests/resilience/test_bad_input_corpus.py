"""Bad input corpus: every bad value gives one clear error naming the field, before any request where possible.

The error contract this corpus holds the product to:

- Input the provider can judge on its own (JSON, ids, sizes, paths, headers, connection fields, types from
  upstream XComs) raises :class:`NotionInputError` (a ``ValueError`` and an ``AirflowException``) whose
  ``field`` and message name the input, and **nothing is sent** (``requests_mock`` sees no call).
- Input only Notion can judge (a property name the database does not have) raises :class:`NotionApiError` with
  ``code == "validation_error"`` whose message names the property; the write is sent once, not retried, and
  nothing is created.
- In both cases no exception from an HTTP library (requests, urllib3, httpx) is in the ``__cause__`` /
  ``__context__`` chain, the message mentions none of them, and the connection's secret is not in it.

Operators are driven like a worker drives them: built (inside a DAG when an input is an upstream ``XComArg``),
``render_template_fields(context)``, then ``execute(context)``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import MagicMock

import pytest
import requests_mock as rm
from airflow.providers.common.compat.sdk import DAG
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionApiError, NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionCreateDatabaseOperator,
    NotionCreatePageOperator,
    NotionGetCurrentUserOperator,
    NotionGetDatabaseOperator,
    NotionGetPageOperator,
    NotionGetUserOperator,
    NotionListPagesOperator,
    NotionListUsersOperator,
    NotionQueryDatabaseOperator,
    NotionRawRequestOperator,
)
from airflow_provider_notion.sensors.notion import NotionQuerySensor
from airflow_provider_notion.triggers.notion import NotionQueryTrigger
from tests.helpers import CANARY_SECRET

PAGE_ID = "393abc1e-edcd-81e8-95dc-ec52a3110c68"
DB_ID = "1429989f-e8ac-4eff-bc8f-57f56486db54"
DS_ID = "248104cd-477e-80af-bc30-000bd28de8f9"
HTTP_LIBRARIES = ("requests", "urllib3", "httpx", "httpcore", "http.client")

# Values the templates of the operator cases render from ``params``.
PARAMS: dict[str, Any] = {
    "page": "not-a-page-id",
    "notes": "nightly run",
    "size": 0,
    "version": "2099-01-01",
    "flag": "sometimes",
}


class _Upstream:
    """Marks an operator input that comes from the upstream task's XCom (``upstream.output``)."""


UPSTREAM = _Upstream()


def title(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": text}}]


def paragraph(text: str, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"rich_text": title(text)}
    if children:
        body["children"] = children
    return {"object": "block", "type": "paragraph", "paragraph": body}


def nested_blocks(depth: int) -> dict[str, Any]:
    """A paragraph with children ``depth`` levels deep in total (Notion takes two levels per request)."""
    block = paragraph("leaf")
    for level in range(depth - 1):
        block = paragraph(f"level {level}", [block])
    return block


def options(count: int) -> list[dict[str, str]]:
    return [{"name": f"tag {i}"} for i in range(count)]


def deep_filter(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {"property": "Done", "checkbox": {"equals": True}}
    for _ in range(levels):
        node = {"and": [node]}
    return node


# ------------------------------------------------------------------------------------------ how cases run


Act = Callable[[dict[str, Any]], object]


@dataclass(frozen=True)
class Bad:
    """One bad input: what is done with it, and the field the error must name."""

    area: str
    name: str
    field: str
    act: Act
    conn: Mapping[str, Any] | None = field(default=None)  # notion_default's fields; None: a valid connection
    upstream: Any = None  # what ``ti.xcom_pull`` returns (the upstream task's XCom)

    @property
    def id(self) -> str:
        return f"{self.area}:{self.name}"


def hook_call(method: str, *args: Any, hook_kwargs: Mapping[str, Any] | None = None, **kwargs: Any) -> Act:
    def act(context: dict[str, Any]) -> object:
        hook = NotionHook(requests_per_second=None, **(hook_kwargs or {}))
        return getattr(hook, method)(*args, **kwargs)

    return act


def operator(cls: type[Any], **kwargs: Any) -> Act:
    """Build, render and execute an operator; ``UPSTREAM`` inputs are the output of an upstream task."""

    def act(context: dict[str, Any]) -> object:
        with DAG("bad_input", schedule=None, start_date=datetime.datetime(2026, 1, 1)):
            upstream = NotionGetCurrentUserOperator(task_id="upstream")
            inputs = {key: upstream.output if value is UPSTREAM else value for key, value in kwargs.items()}
            task = cls(task_id="task", **inputs)
        task.render_template_fields(context)
        return task.execute(context)

    return act


def sensor(**kwargs: Any) -> Act:
    def act(context: dict[str, Any]) -> object:
        task = NotionQuerySensor(task_id="wait", poke_interval=1, timeout=60, **kwargs)
        task.render_template_fields(context)
        return task.execute(context)

    return act


def trigger(**kwargs: Any) -> Act:
    def act(context: dict[str, Any]) -> object:
        kwargs.setdefault("conn_id", "notion_default")
        kwargs.setdefault("end_time", 4102444800.0)
        return NotionQueryTrigger(**kwargs)

    return act


def oauth_conn(**overrides: Any) -> dict[str, Any]:
    conn: dict[str, Any] = {
        "login": "client-id",
        "password": "client-secret-value",
        "extra": {"auth_type": "oauth", "access_token": "access-token-value"},
    }
    extra = {**conn["extra"], **overrides.pop("extra", {})}
    return {**conn, **overrides, "extra": {k: v for k, v in extra.items() if v is not None}}


MISSING_CONNECTION: Mapping[str, Any] = {"__missing__": True}
PATH_ESCAPES = {
    "absolute_url": "https://evil.example.com/v1/users/me",
    "scheme_relative": "//evil.example.com/v1/users/me",
    "dot_dot": "/v1/../../admin",
    "encoded_dot_dot": "/v1/%2e%2e/%2e%2e/admin",
    "double_encoded_dot_dot": "/v1/%252e%252e/admin",
    "backslash_host": "\\\\evil.example.com\\v1",
    "other_scheme": "javascript:alert(1)",
    "crlf_in_path": "/users/me\r\nHost: evil.example.com",
    "crlf_in_query": "/users?page_size=1\r\nX-Evil: 1",
}

CASES: list[Bad] = [
    # -------------------------------------------------------------- hook: JSON strings
    Bad(
        "hook",
        "filter_truncated_json",
        "filter",
        hook_call("query_database", DB_ID, filter='{"property": "Done",'),
    ),
    Bad("hook", "filter_is_a_list", "filter", hook_call("query_database", DB_ID, filter="[1, 2]")),
    Bad(
        "hook",
        "sorts_is_an_object",
        "sorts",
        hook_call("query_database", DB_ID, sorts='{"property": "Name"}'),
    ),
    Bad("hook", "sorts_truncated_json", "sorts", hook_call("query_database", DB_ID, sorts='[{"property": ')),
    Bad(
        "hook", "filter_nested_3_levels", "filter", hook_call("query_database", DB_ID, filter=deep_filter(3))
    ),
    Bad("hook", "properties_truncated_json", "properties", hook_call("create_page", PAGE_ID, '{"title": ')),
    Bad("hook", "children_truncated_json", "children", hook_call("create_page", PAGE_ID, children="[{")),
    Bad(
        "hook",
        "children_is_an_object",
        "children",
        hook_call("create_page", PAGE_ID, children='{"type": "paragraph"}'),
    ),
    Bad("hook", "child_is_a_string", "children[0]", hook_call("create_page", PAGE_ID, children=["hello"])),
    Bad("hook", "icon_is_a_string", "icon", hook_call("create_page", PAGE_ID, icon='"📊"')),
    Bad("hook", "schema_not_json", "properties", hook_call("create_database", PAGE_ID, "T", "Name: title")),
    # -------------------------------------------------------------- hook: ids
    Bad("hook", "id_not_hex", "page_id", hook_call("get_page", "not-an-id")),
    Bad("hook", "id_too_short", "page_id", hook_call("get_page", "393abc1eedcd81e8")),
    Bad(
        "hook",
        "id_foreign_url",
        "page_id",
        hook_call("get_page", "https://evil.example.com/Page-393abc1eedcd81e895dcec52a3110c68"),
    ),
    Bad("hook", "id_link_without_id", "page_id", hook_call("get_page", "https://www.notion.so/acme/Roadmap")),
    Bad("hook", "id_is_int", "user_id", hook_call("get_user", 12345)),
    Bad("hook", "id_is_none", "database_id", hook_call("get_database", None)),
    Bad("hook", "id_is_dict", "database_id", hook_call("get_database", {"id": DB_ID})),
    Bad(
        "hook",
        "parent_two_kinds",
        "parent",
        hook_call("create_page", {"page_id": PAGE_ID, "database_id": DB_ID}),
    ),
    Bad("hook", "parent_bad_id_inside", "parent.page_id", hook_call("create_page", {"page_id": "nope"})),
    Bad("hook", "no_query_target", "database_id", hook_call("query_database")),
    Bad(
        "hook",
        "data_source_on_2022",
        "data_source_id",
        hook_call("query_database", data_source_id=DS_ID, hook_kwargs={"notion_version": "2022-06-28"}),
    ),
    # -------------------------------------------------------------- hook: Notion's limits
    Bad("hook", "page_size_0", "page_size", hook_call("query_database", DB_ID, page_size=0)),
    Bad("hook", "page_size_101", "page_size", hook_call("list_users", page_size=101)),
    Bad("hook", "page_size_bool", "page_size", hook_call("search", "x", page_size=True)),
    Bad(
        "hook",
        "multi_select_101_options",
        "properties.Tags",
        hook_call(
            "create_database_item",
            {"type": "database_id", "database_id": DB_ID},
            {"Name": {"title": "x"}, "Tags": {"multi_select": options(101)}},
        ),
    ),
    Bad(
        "hook",
        "rich_text_101_items",
        "properties.Notes",
        hook_call("update_page", PAGE_ID, {"Notes": {"rich_text": title("x") * 101}}),
    ),
    Bad(
        "hook",
        "page_title_101_items",
        "properties.title",
        hook_call("create_page", PAGE_ID, {"title": {"title": title("x") * 101}}),
    ),
    Bad(
        "hook",
        "database_title_101_items",
        "title",
        hook_call("create_database", PAGE_ID, title("x") * 101, {"Name": {"title": {}}}),
    ),
    Bad(
        "hook",
        "blocks_nested_4_levels",
        "children[0]",
        hook_call("create_page", PAGE_ID, children=[nested_blocks(4)]),
    ),
    Bad(
        "hook",
        "append_101_blocks",
        "children",
        hook_call("append_block_children", PAGE_ID, [paragraph("x")] * 101),
    ),
    Bad("hook", "search_object_user", "object_type", hook_call("search", object_type="user")),
    # -------------------------------------------------------------- hook: raw requests leaving the API
    *(
        Bad("hook", f"path_{name}", "path", hook_call("request", "GET", path))
        for name, path in PATH_ESCAPES.items()
    ),
    Bad("hook", "path_empty", "path", hook_call("request", "GET", "  ")),
    Bad("hook", "method_trace", "method", hook_call("request", "TRACE", "/users/me")),
    Bad(
        "hook",
        "response_type_xml",
        "response_type",
        hook_call("request", "GET", "/users/me", response_type="xml"),
    ),
    # -------------------------------------------------------------- hook: header injection
    Bad(
        "hook",
        "header_crlf_value",
        "headers.X-Trace",
        hook_call("request", "GET", "/users/me", headers={"X-Trace": "1\r\nAuthorization: Bearer other"}),
    ),
    Bad(
        "hook",
        "header_overrides_authorization",
        "headers",
        hook_call("request", "GET", "/users/me", headers={"Authorization": "Bearer other"}),
    ),
    Bad(
        "hook",
        "header_overrides_authorization_lowercase",
        "headers",
        hook_call("request", "GET", "/users/me", headers={"authorization": "Bearer other"}),
    ),
    Bad(
        "hook",
        "header_overrides_host",
        "headers",
        hook_call("request", "GET", "/users/me", headers={"Host": "evil.example.com"}),
    ),
    Bad(
        "hook",
        "header_name_with_space",
        "headers",
        hook_call("request", "GET", "/users/me", headers={"X Evil": "1"}),
    ),
    Bad(
        "hook",
        "headers_not_a_mapping",
        "headers",
        hook_call("request", "GET", "/users/me", headers=[("X-A", "1")]),
    ),
    # -------------------------------------------------------------- connection settings
    Bad("connection", "empty_secret", "password", hook_call("get_current_user"), conn={"password": ""}),
    Bad("connection", "blank_secret", "password", hook_call("get_current_user"), conn={"password": "   "}),
    Bad(
        "connection",
        "secret_with_newline",
        "password",
        hook_call("get_current_user"),
        conn={"password": CANARY_SECRET + "\nX-Evil: 1"},
    ),
    Bad(
        "connection",
        "unknown_auth_type",
        "auth_type",
        hook_call("get_current_user"),
        conn={"extra": {"auth_type": "basic"}},
    ),
    Bad(
        "connection",
        "oauth_without_client_id",
        "login",
        hook_call("get_current_user"),
        conn=oauth_conn(login=""),
    ),
    Bad(
        "connection",
        "oauth_without_client_secret",
        "password",
        hook_call("get_current_user"),
        conn=oauth_conn(password=""),
    ),
    Bad(
        "connection",
        "oauth_without_access_token",
        "access_token",
        hook_call("get_current_user"),
        conn=oauth_conn(extra={"access_token": None}),
    ),
    Bad(
        "connection",
        "unknown_notion_version",
        "notion_version",
        hook_call("get_current_user"),
        conn={"extra": {"notion_version": "2023-01-01"}},
    ),
    Bad(
        "connection",
        "hook_notion_version_typo",
        "notion_version",
        hook_call("get_current_user", hook_kwargs={"notion_version": "latest"}),
    ),
    Bad(
        "connection", "host_ftp", "host", hook_call("get_current_user"), conn={"host": "ftp://api.notion.com"}
    ),
    Bad("connection", "host_without_name", "host", hook_call("get_current_user"), conn={"host": "https://"}),
    Bad(
        "connection",
        "host_with_query",
        "host",
        hook_call("get_current_user"),
        conn={"host": "https://api.notion.com/?redirect=evil"},
    ),
    Bad(
        "connection",
        "missing_connection",
        "notion_conn_id",
        hook_call("get_current_user"),
        conn=MISSING_CONNECTION,
    ),
    Bad(
        "connection",
        "operator_missing_connection",
        "notion_conn_id",
        operator(NotionGetCurrentUserOperator, notion_conn_id="notion_nowhere"),
    ),
    Bad(
        "connection",
        "operator_empty_secret",
        "password",
        operator(NotionGetCurrentUserOperator),
        conn={"password": ""},
    ),
    # -------------------------------------------------------------- operators: rendered templates
    Bad(
        "operator",
        "page_id_rendered_bad",
        "page_id",
        operator(NotionGetPageOperator, page_id="{{ params.page }}"),
    ),
    Bad(
        "operator",
        "notion_version_rendered_bad",
        "notion_version",
        operator(NotionGetCurrentUserOperator, notion_version="{{ params.version }}"),
    ),
    Bad(
        "operator",
        "filter_unquoted_date",
        "filter",
        operator(
            NotionQueryDatabaseOperator,
            database_id=DB_ID,
            filter='{"property": "Day", "date": {"on_or_after": {{ ds }}}}',
        ),
    ),
    Bad(
        "operator",
        "properties_rendered_bad_json",
        "properties",
        operator(NotionCreatePageOperator, parent=PAGE_ID, properties='{"title": "{{ params.notes }}"'),
    ),
    Bad(
        "operator",
        "page_size_rendered_0",
        "page_size",
        operator(NotionQueryDatabaseOperator, database_id=DB_ID, page_size="{{ params.size }}"),
    ),
    Bad("operator", "page_size_101", "page_size", operator(NotionListUsersOperator, page_size=101)),
    Bad("operator", "page_size_negative", "page_size", operator(NotionListPagesOperator, page_size=-1)),
    Bad(
        "operator",
        "fetch_all_rendered_bad",
        "fetch_all",
        operator(NotionQueryDatabaseOperator, database_id=DB_ID, fetch_all="{{ params.flag }}"),
    ),
    Bad(
        "operator",
        "include_data_sources_bad",
        "include_data_sources",
        operator(NotionGetDatabaseOperator, database_id=DB_ID, include_data_sources="{{ params.flag }}"),
    ),
    Bad(
        "operator",
        "max_xcom_results_0",
        "max_xcom_results",
        operator(NotionQueryDatabaseOperator, database_id=DB_ID, fetch_all=True, max_xcom_results=0),
    ),
    Bad("operator", "start_cursor_int", "start_cursor", operator(NotionListUsersOperator, start_cursor=7)),
    Bad(
        "operator",
        "schema_without_title",
        "properties",
        operator(
            NotionCreateDatabaseOperator, parent=PAGE_ID, title="T", properties={"Done": {"checkbox": {}}}
        ),
    ),
    Bad(
        "operator",
        "item_two_database_names",
        "database_id",
        operator(
            NotionCreateDatabaseItemOperator,
            database_id=DB_ID,
            data_source_id=DS_ID,
            properties={"Name": {"title": "x"}},
        ),
    ),
    Bad(
        "operator",
        "item_multi_select_101",
        "properties.Tags",
        operator(
            NotionCreateDatabaseItemOperator,
            database_id=DB_ID,
            properties={"Name": {"title": "x"}, "Tags": {"multi_select": options(101)}},
        ),
    ),
    Bad(
        "operator",
        "page_rich_text_101",
        "properties.title",
        operator(NotionCreatePageOperator, parent=PAGE_ID, properties={"title": {"title": title("x") * 101}}),
    ),
    Bad(
        "operator",
        "page_children_nested_4",
        "children[0]",
        operator(NotionCreatePageOperator, parent=PAGE_ID, children=[nested_blocks(4)]),
    ),
    Bad(
        "operator",
        "unique_property_without_value",
        "unique_property",
        operator(
            NotionCreateDatabaseItemOperator,
            database_id=DB_ID,
            properties={"Name": {"title": "x"}},
            unique_property="External id",
        ),
    ),
    Bad(
        "operator",
        "unique_property_int",
        "unique_property",
        operator(
            NotionCreateDatabaseItemOperator,
            database_id=DB_ID,
            properties={"Name": {"title": "x"}},
            unique_property=5,
        ),
    ),
    # -------------------------------------------------------------- operators: raw request
    *(
        Bad("operator", f"raw_url_{name}", "url", operator(NotionRawRequestOperator, url=path))
        for name, path in PATH_ESCAPES.items()
        if name in ("absolute_url", "scheme_relative", "encoded_dot_dot")
    ),
    Bad(
        "operator",
        "raw_authorization_header",
        "headers",
        operator(NotionRawRequestOperator, url="/users/me", headers='{"Authorization": "Bearer other"}'),
    ),
    Bad(
        "operator",
        "raw_header_crlf",
        "headers.X-Run",
        operator(NotionRawRequestOperator, url="/users/me", headers={"X-Run": "{{ ds }}\r\nX-Evil: 1"}),
    ),
    Bad(
        "operator",
        "raw_data_bad_json",
        "data",
        operator(NotionRawRequestOperator, url="/search", method="POST", data='{"query": '),
    ),
    Bad(
        "operator",
        "raw_method_fetch",
        "method",
        operator(NotionRawRequestOperator, url="/users", method="FETCH"),
    ),
    Bad(
        "operator",
        "raw_response_type_xml",
        "response_type",
        operator(NotionRawRequestOperator, url="/users", response_type="xml"),
    ),
    Bad(
        "operator",
        "raw_data_and_form",
        "data",
        operator(
            NotionRawRequestOperator, url="/search", method="POST", data={"query": "x"}, form_data={"a": "b"}
        ),
    ),
    Bad(
        "operator",
        "raw_query_params_list",
        "query_params",
        operator(NotionRawRequestOperator, url="/users", query_params='["page_size", 1]'),
    ),
    Bad(
        "operator",
        "raw_max_retry_count_negative",
        "max_retry_count",
        operator(NotionRawRequestOperator, url="/users", max_retry_count="-1"),
    ),
    Bad(
        "operator",
        "raw_timeout_word",
        "timeout",
        operator(NotionRawRequestOperator, url="/users", timeout="soon"),
    ),
    # -------------------------------------------------------------- operators: wrong types from upstream XComs
    Bad("xcom", "page_id_int", "page_id", operator(NotionGetPageOperator, page_id=UPSTREAM), upstream=42),
    Bad("xcom", "page_id_none", "page_id", operator(NotionGetPageOperator, page_id=UPSTREAM), upstream=None),
    Bad(
        "xcom",
        "page_id_dict",
        "page_id",
        operator(NotionGetPageOperator, page_id=UPSTREAM),
        upstream={"id": PAGE_ID, "object": "page"},
    ),
    Bad(
        "xcom",
        "user_id_list",
        "user_id",
        operator(NotionGetUserOperator, user_id=UPSTREAM),
        upstream=[PAGE_ID],
    ),
    Bad(
        "xcom",
        "parent_list",
        "parent",
        operator(NotionCreatePageOperator, parent=UPSTREAM),
        upstream=[PAGE_ID],
    ),
    Bad("xcom", "parent_int", "parent", operator(NotionCreatePageOperator, parent=UPSTREAM), upstream=7),
    Bad(
        "xcom",
        "children_dict",
        "children",
        operator(NotionCreatePageOperator, parent=PAGE_ID, children=UPSTREAM),
        upstream=paragraph("x"),
    ),
    Bad(
        "xcom",
        "schema_list",
        "properties",
        operator(NotionCreateDatabaseOperator, parent=PAGE_ID, title="T", properties=UPSTREAM),
        upstream=[{"Name": {"title": {}}}],
    ),
    Bad(
        "xcom",
        "item_properties_list",
        "properties",
        operator(NotionCreateDatabaseItemOperator, database_id=DB_ID, properties=UPSTREAM),
        upstream=[{"Name": {"title": "x"}}],
    ),
    Bad(
        "xcom",
        "database_id_int",
        "database_id",
        operator(NotionQueryDatabaseOperator, database_id=UPSTREAM),
        upstream=1429989,
    ),
    Bad(
        "xcom",
        "database_id_from_list_object",
        "database_id",
        operator(NotionCreateDatabaseItemOperator, database_id=UPSTREAM, properties={"Name": {"title": "x"}}),
        upstream={"object": "list", "results": []},
    ),
    Bad(
        "xcom",
        "sorts_dict",
        "sorts",
        operator(NotionQueryDatabaseOperator, database_id=DB_ID, sorts=UPSTREAM),
        upstream={"property": "Name", "direction": "ascending"},
    ),
    Bad(
        "xcom",
        "filter_list",
        "filter",
        operator(NotionQueryDatabaseOperator, database_id=DB_ID, filter=UPSTREAM),
        upstream=[{"property": "Name"}],
    ),
    Bad(
        "xcom",
        "raw_file_content_int",
        "file_data.file",
        operator(NotionRawRequestOperator, url="/file_uploads/x/send", method="POST", file_data=UPSTREAM),
        upstream={"file": 123},
    ),
    # -------------------------------------------------------------- sensor
    Bad("sensor", "no_database", "database_id", sensor()),
    Bad("sensor", "filter_truncated_json", "filter", sensor(data_source_id=DS_ID, filter='{"or": [')),
    Bad("sensor", "sorts_object", "sorts", sensor(data_source_id=DS_ID, sorts={"property": "Name"})),
    Bad("sensor", "min_results_negative", "min_results", sensor(data_source_id=DS_ID, min_results="-1")),
    Bad("sensor", "min_results_word", "min_results", sensor(data_source_id=DS_ID, min_results="lots")),
    Bad("sensor", "fetch_all_word", "fetch_all", sensor(data_source_id=DS_ID, fetch_all="perhaps")),
    Bad(
        "sensor", "edited_after_word", "edited_after", sensor(data_source_id=DS_ID, edited_after="yesterday")
    ),
    Bad(
        "sensor",
        "window_reversed",
        "edited_before",
        sensor(data_source_id=DS_ID, edited_after="{{ data_interval_end }}", edited_before="{{ ds }}"),
    ),
    Bad("sensor", "data_source_id_bad", "data_source_id", sensor(data_source_id="ds-1")),
    Bad(
        "sensor",
        "filter_too_deep_for_window",
        "filter",
        sensor(
            data_source_id=DS_ID,
            filter={"or": [{"and": [{"or": [{"property": "A", "checkbox": {"equals": True}}]}]}]},
            edited_after="{{ data_interval_start }}",
        ),
    ),
    Bad(
        "sensor",
        "deferrable_bad_filter",
        "filter",
        sensor(data_source_id=DS_ID, filter="[]", deferrable=True),
    ),
    Bad(
        "sensor",
        "deferrable_data_source_on_2022",
        "data_source_id",
        sensor(data_source_id=DS_ID, notion_version="2022-06-28", deferrable=True),
    ),
    # -------------------------------------------------------------- trigger constructor
    Bad(
        "trigger",
        "query_path_absolute_url",
        "query_path",
        trigger(query_path=f"https://evil.example.com/v1/data_sources/{DS_ID}/query"),
    ),
    Bad("trigger", "query_path_not_a_query", "query_path", trigger(query_path=f"/v1/pages/{PAGE_ID}")),
    Bad("trigger", "query_path_dot_dot", "query_path", trigger(query_path="/v1/../oauth/token/query")),
    Bad(
        "trigger",
        "notion_version_unknown",
        "notion_version",
        trigger(query_path=f"/v1/data_sources/{DS_ID}/query", notion_version="2020-01-01"),
    ),
]


def task_context(upstream: Any) -> dict[str, Any]:
    """What a worker passes to ``render_template_fields`` and ``execute``: a task instance and the run's values."""
    start = datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
    ti = MagicMock()
    ti.xcom_pull.side_effect = lambda *args, **kwargs: upstream
    ti.get_first_reschedule_date.return_value = None
    return {
        "ti": ti,
        "ds": "2026-01-02",
        "ts": start.isoformat(),
        "logical_date": start,
        "data_interval_start": start,
        "data_interval_end": start + datetime.timedelta(days=1),
        "run_id": "scheduled__2026-01-02T00:00:00+00:00",
        "params": dict(PARAMS),
    }


def error_chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def assert_clear(error: BaseException, field_name: str) -> None:
    """One error, from this provider, naming the field, with no HTTP library anywhere in it."""
    message = str(error)
    assert field_name in message, message
    for link in error_chain(error):
        module = type(link).__module__
        assert not module.startswith(HTTP_LIBRARIES), f"{type(link)} in the chain of {error!r}"
    for text in ("urllib3", "HTTPSConnectionPool", "HTTPConnectionPool", "Traceback", CANARY_SECRET):
        assert text not in message


@pytest.fixture(autouse=True)
def _no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__NOTION__PACING_BACKEND", "off")


def test_the_corpus_is_large_and_covers_every_area() -> None:
    areas = {case.area for case in CASES}
    assert len(CASES) >= 50
    assert areas == {"hook", "connection", "operator", "xcom", "sensor", "trigger"}
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_input_fails_clearly_before_any_request(
    case: Bad,
    notion_conn: Callable[..., dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
    requests_mock: rm.Mocker,
) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_NOTION_DEFAULT", raising=False)
    if case.conn is not MISSING_CONNECTION:
        notion_conn(**(case.conn or {}))

    with pytest.raises(NotionInputError) as caught:
        case.act(task_context(case.upstream))

    error = caught.value
    assert isinstance(error, ValueError)
    assert case.field in error.field, f"{error.field!r} does not name {case.field!r}"
    assert_clear(error, case.field)
    assert requests_mock.call_count == 0


# ------------------------------------------------------------------------------------------ Notion judges


@dataclass(frozen=True)
class Rejected:
    """Input only Notion can judge: an unknown property name, answered with a validation_error."""

    name: str
    act: Callable[[NotionHook, dict[str, Any]], object]
    method: str
    mentions: str


REJECTED = [
    Rejected(
        "create_item_unknown_property",
        lambda hook, db: hook.create_database_item(
            {"type": "data_source_id", "data_source_id": db["data_source_id"]},
            {"Name": {"title": "row"}, "Colour": {"rich_text": "red"}},
        ),
        "POST",
        "Colour",
    ),
    Rejected(
        "query_filter_unknown_property",
        lambda hook, db: hook.query_database(
            db["id"], filter={"property": "Colour", "rich_text": {"equals": "red"}}
        ),
        "POST",
        "Colour",
    ),
    Rejected(
        "query_sort_unknown_property",
        lambda hook, db: hook.query_database(
            data_source_id=db["data_source_id"], sorts=[{"property": "Priority", "direction": "ascending"}]
        ),
        "POST",
        "Priority",
    ),
    Rejected(
        "update_unknown_property",
        lambda hook, db: hook.update_page(
            hook.create_database_item(
                {"type": "data_source_id", "data_source_id": db["data_source_id"]}, {"Name": {"title": "a"}}
            )["id"],
            {"Colour": {"rich_text": "red"}},
        ),
        "PATCH",
        "Colour",
    ),
]


@pytest.mark.parametrize("case", REJECTED, ids=lambda case: case.name)
def test_unknown_property_is_notions_validation_error_naming_it(
    case: Rejected, emu: NotionEmulator, make_hook: Callable[..., NotionHook], database: dict[str, Any]
) -> None:
    hook = make_hook()
    emu.clear_request_log()

    with pytest.raises(NotionApiError) as caught:
        case.act(hook, database)

    error = caught.value
    assert error.status == 400
    assert error.code == "validation_error"
    assert case.mentions in error.message
    assert_clear(error, case.mentions)
    refused = [r for r in emu.request_log if r.status == 400]
    assert len(refused) == 1 and refused[0].method == case.method  # sent once, never retried
    if case.method == "POST" and "pages" in refused[0].path:
        assert hook.query_database(database["id"], fetch_all=True)["results"] == []


def test_upsert_on_a_property_the_database_lacks_writes_nothing(
    emu: NotionEmulator, database: dict[str, Any]
) -> None:
    """The schema read shows the property is missing: a NotionInputError, and no write is sent."""
    operator_ = NotionCreateDatabaseItemOperator(
        task_id="upsert",
        database_id=database["id"],
        properties={"Name": {"title": "row"}, "External id": {"rich_text": "E-1"}},
        unique_property="External id",
    )
    operator_.hook.requests_per_second = None
    run_context = task_context(None)
    operator_.render_template_fields(run_context)
    emu.clear_request_log()

    with pytest.raises(NotionInputError) as caught:
        operator_.execute(run_context)

    assert caught.value.field == "unique_property"
    assert_clear(caught.value, "External id")
    assert emu.request_log, "the schema is read from Notion"
    assert all(r.method == "GET" for r in emu.request_log)
