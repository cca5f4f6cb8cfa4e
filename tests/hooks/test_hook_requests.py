"""NotionHook: headers, versions, safety of the request target, error mapping, pagination."""

from __future__ import annotations

import logging

import pytest
import requests_mock as rm
from recorded_notion import interactions, response

from airflow_provider_notion import __version__
from airflow_provider_notion.exceptions import (
    NotionApiError,
    NotionInputError,
    NotionMultipleDataSourcesError,
    NotionQueryIncompleteError,
    NotionTransportError,
)
from airflow_provider_notion.hooks.notion import NotionHook
from tests.helpers import CANARY_SECRET

API = "https://api.notion.com/v1"
DB_ID = "1429989f-e8ac-4eff-bc8f-57f56486db54"
PAGE_ID = "16cabc1e-edcd-8117-a024-fa5446b89751"


def make_hook(**kwargs: object) -> NotionHook:
    hook = NotionHook(requests_per_second=None, sleep=lambda seconds: None, **kwargs)  # type: ignore[arg-type]
    return hook


@pytest.fixture
def hook(default_conn: dict[str, object]) -> NotionHook:
    return make_hook()


def test_init_reads_no_connection_and_sends_nothing(requests_mock: rm.Mocker) -> None:
    hook = NotionHook("not_defined_anywhere")
    assert requests_mock.call_count == 0
    with pytest.raises(NotionInputError, match="notion_conn_id.*AIRFLOW_CONN_NOT_DEFINED_ANYWHERE"):
        hook.get_current_user()
    assert requests_mock.call_count == 0


def test_every_request_carries_auth_version_and_user_agent(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{API}/users/me", json=response("2025-09-03", "test_users_me", "GET"))
    me = hook.get_current_user()
    assert me["type"] == "bot"
    sent = requests_mock.last_request
    assert sent.headers["Authorization"] == f"Bearer {CANARY_SECRET}"
    assert sent.headers["Notion-Version"] == "2026-03-11"
    assert sent.headers["User-Agent"] == f"airflow-notion-provider/{__version__}"


def test_json_body_is_sent_as_json(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{API}/search", json={"object": "list", "results": [], "has_more": False})
    hook.search("roadmap")
    assert requests_mock.last_request.headers["Content-Type"] == "application/json"
    assert requests_mock.last_request.json() == {"query": "roadmap"}


def test_version_comes_from_connection_then_hook_argument(notion_conn, requests_mock: rm.Mocker) -> None:
    notion_conn(extra={"notion_version": "2022-06-28"})
    requests_mock.get(f"{API}/users/me", json={"object": "user"})
    make_hook().get_current_user()
    assert requests_mock.last_request.headers["Notion-Version"] == "2022-06-28"
    make_hook(notion_version="2025-09-03").get_current_user()
    assert requests_mock.last_request.headers["Notion-Version"] == "2025-09-03"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/v1/users/me"),
        ("http://127.0.0.1:8765/v1", "http://127.0.0.1:8765/v1/users/me"),
        ("http://127.0.0.1:8765/v1/", "http://127.0.0.1:8765/v1/users/me"),
        ("https://proxy.example/notion/", "https://proxy.example/notion/v1/users/me"),
    ],
)
def test_host_is_an_optional_base_url(
    notion_conn, requests_mock: rm.Mocker, host: str, expected: str
) -> None:
    notion_conn(host=host)
    requests_mock.get(expected, json={"object": "user"})
    make_hook().get_current_user()
    assert requests_mock.last_request.url == expected


@pytest.mark.parametrize("path", ["/users/me", "users/me", "/v1/users/me", "v1/users/me"])
def test_paths_are_relative_to_the_api(hook: NotionHook, requests_mock: rm.Mocker, path: str) -> None:
    requests_mock.get(f"{API}/users/me", json={"ok": True})
    assert hook.request("GET", path) == {"ok": True}


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/v1/users/me",
        "http://api.notion.com/v1/users",
        "//evil.example/v1/users",
        "/../../etc/passwd",
        "/users/../../secret",
        "%2e%2e/%2e%2e/admin",
        "javascript:alert(1)",
        "/users\\..\\..",
        "/users/me\r\nHost: evil",
        "",
    ],
)
def test_paths_leaving_the_api_are_refused_before_sending(
    hook: NotionHook, requests_mock: rm.Mocker, path: str
) -> None:
    with pytest.raises(NotionInputError, match="path"):
        hook.request("GET", path)
    assert requests_mock.call_count == 0


def test_encoded_path_segments_are_sent_as_given(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{API}/pages/{PAGE_ID}/properties/%3AUPp", json={"object": "property_item"})
    hook.request("GET", f"/pages/{PAGE_ID}/properties/%3AUPp")
    assert requests_mock.last_request.path == f"/v1/pages/{PAGE_ID}/properties/%3aupp"


def test_redirects_are_not_followed_so_the_token_stays_with_notion(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{API}/users/me", status_code=302, headers={"Location": "https://evil.example/steal"})
    evil = requests_mock.get("https://evil.example/steal", json={})
    with pytest.raises(NotionTransportError, match="redirect"):
        hook.get_current_user()
    assert evil.call_count == 0


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ({"X-Trace": "a\r\nAuthorization: Bearer stolen"}, "headers.X-Trace"),
        ({"Authorization": "Bearer other"}, "headers"),
        ({"Bad Header": "x"}, "headers"),
    ],
)
def test_unsafe_headers_are_refused(
    hook: NotionHook, requests_mock: rm.Mocker, headers: dict[str, str], field: str
) -> None:
    with pytest.raises(NotionInputError, match=f"Invalid {field}"):
        hook.request("GET", "/users/me", headers=headers)
    assert requests_mock.call_count == 0


def test_response_types(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{API}/files/x", content=b"\x00\x01binary", headers={"Content-Type": "application/octet-stream"}
    )
    assert hook.request("GET", "/files/x", response_type="binary") == b"\x00\x01binary"
    requests_mock.get(
        f"{API}/files/y", text="plain words", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    assert hook.request("GET", "/files/y", response_type="text") == "plain words"
    with pytest.raises(NotionInputError, match="response_type"):
        hook.request("GET", "/files/x", response_type="xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("version", "name", "status", "code"),
    [
        ("2022-06-28", "test_api_response_error", 400, "invalid_request_url"),
        ("2025-09-03", "test_api_response_error", 401, "unauthorized"),
        ("2025-09-03", "test_api_response_error_additional_data", 401, "unauthorized"),
    ],
)
def test_recorded_errors_map_to_one_exception_type(
    hook: NotionHook, requests_mock: rm.Mocker, version: str, name: str, status: int, code: str
) -> None:
    recorded = next(i for i in interactions(version, name) if i.status == status)
    requests_mock.register_uri(
        recorded.method, f"https://api.notion.com{recorded.path}", status_code=status, json=recorded.body
    )
    with pytest.raises(NotionApiError) as caught:
        hook.request(recorded.method, recorded.path)
    error = caught.value
    assert (error.status, error.code) == (status, code)
    assert error.message == recorded.body["message"]
    assert error.request_id == recorded.body.get("request_id")
    assert recorded.body["message"] in str(error)
    assert requests_mock.call_count == 1  # 4xx is never retried


def test_not_found_error_carries_additional_data_and_a_sharing_hint(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    recorded = (
        next(i for i in interactions("2025-09-03", "test_api_response_error_request_id") if i.status == 404)
        if any(i.status == 404 for i in interactions("2025-09-03", "test_api_response_error_request_id"))
        else None
    )
    body = (
        recorded.body
        if recorded
        else {
            "object": "error",
            "status": 404,
            "code": "object_not_found",
            "message": "Could not find page",
            "additional_data": {"integration_id": "abc"},
            "request_id": "r1",
        }
    )
    requests_mock.get(f"{API}/pages/{PAGE_ID}", status_code=404, json=body)
    with pytest.raises(NotionApiError, match="shared with the integration") as caught:
        hook.get_page(PAGE_ID)
    assert caught.value.code == "object_not_found"
    assert caught.value.additional_data == body.get("additional_data", {})


def test_non_json_error_body_is_described_not_dumped(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{API}/users/me", status_code=403, text="<html>forbidden by edge</html>")
    with pytest.raises(NotionApiError, match="HTTP 403 with a non-JSON body") as caught:
        hook.get_current_user()
    assert "<html>" not in str(caught.value)


def test_secret_never_logged_or_in_errors(
    hook: NotionHook,
    requests_mock: rm.Mocker,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    requests_mock.get(f"{API}/users/me", json={"object": "user"})
    requests_mock.get(f"{API}/users", [{"status_code": 503, "json": {"object": "error", "code": "x"}}] * 5)
    hook.get_current_user()
    with pytest.raises(NotionApiError) as caught:
        hook.list_users()
    logged = caplog.text + "".join(capfd.readouterr())  # Airflow's structlog writes to stderr
    assert "GET /v1/users failed (HTTP 503" in logged  # the retries were logged ...
    assert CANARY_SECRET not in logged  # ... without the token
    assert CANARY_SECRET not in str(caught.value)
    assert CANARY_SECRET not in repr(hook.settings)


# ---------------------------------------------------------------- pagination


def test_get_pagination_puts_cursor_in_query_string(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{API}/users",
        [
            {
                "json": {
                    "object": "list",
                    "results": [1, 2],
                    "has_more": True,
                    "next_cursor": "c2",
                    "type": "user",
                }
            },
            {
                "json": {
                    "object": "list",
                    "results": [3],
                    "has_more": False,
                    "next_cursor": None,
                    "type": "user",
                }
            },
        ],
    )
    assert list(hook.paginate("GET", "/users", page_size=2)) == [1, 2, 3]
    first, second = requests_mock.request_history
    assert first.qs == {"page_size": ["2"]}
    assert second.qs == {"page_size": ["2"], "start_cursor": ["c2"]}


def test_post_pagination_puts_cursor_in_body(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.post(
        f"{API}/search",
        [
            {"json": {"object": "list", "results": [{"id": "a"}], "has_more": True, "next_cursor": "cur-2"}},
            {"json": {"object": "list", "results": [{"id": "b"}], "has_more": False, "next_cursor": None}},
        ],
    )
    results = list(hook.paginate("POST", "/search", json={"query": "x"}, page_size=1))
    assert results == [{"id": "a"}, {"id": "b"}]
    bodies = [r.json() for r in requests_mock.request_history]
    assert bodies == [{"query": "x", "page_size": 1}, {"query": "x", "page_size": 1, "start_cursor": "cur-2"}]
    assert not any(r.qs for r in requests_mock.request_history)


def test_recorded_three_page_listing_is_followed_to_the_end(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    recorded = [i for i in interactions("2025-09-03", "test_iterate_paginated_api") if i.method == "GET"][:3]
    requests_mock.get(f"https://api.notion.com{recorded[0].path}", [{"json": i.body} for i in recorded])
    block_id = recorded[0].path.split("/")[3]
    listed = hook.list_block_children(block_id, page_size=2, fetch_all=True)
    assert [b["id"] for b in listed["results"]] == [b["id"] for i in recorded for b in i.body["results"]]
    assert [r.qs.get("start_cursor") for r in requests_mock.request_history] == [
        None,
        *[[i.body["next_cursor"]] for i in recorded[:-1]],
    ]


def test_fetch_all_returns_one_list_object(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{API}/users",
        [
            {
                "json": {
                    "object": "list",
                    "results": [{"id": 1}],
                    "has_more": True,
                    "next_cursor": "c",
                    "type": "user",
                }
            },
            {"json": {"object": "list", "results": [{"id": 2}], "has_more": False, "next_cursor": None}},
        ],
    )
    listed = hook.list_users(fetch_all=True, start_cursor="ignored")
    assert listed == {
        "object": "list",
        "results": [{"id": 1}, {"id": 2}],
        "next_cursor": None,
        "has_more": False,
        "type": "user",
    }
    assert "start_cursor" not in requests_mock.request_history[0].qs


def test_single_page_keeps_notion_cursor(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{API}/users", json={"object": "list", "results": [1], "has_more": True, "next_cursor": "c"}
    )
    listed = hook.list_users(start_cursor="abc", page_size=1)
    assert listed["next_cursor"] == "c" and listed["has_more"] is True
    assert requests_mock.last_request.qs == {"start_cursor": ["abc"], "page_size": ["1"]}
    assert requests_mock.call_count == 1


@pytest.mark.parametrize("page_size", [0, 101, -1, "ten", 2.5, True])
def test_page_size_out_of_range_is_refused(
    hook: NotionHook, requests_mock: rm.Mocker, page_size: object
) -> None:
    with pytest.raises(NotionInputError, match="page_size"):
        hook.list_users(page_size=page_size)  # type: ignore[arg-type]
    assert requests_mock.call_count == 0


def test_query_cap_is_never_silently_truncated(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.post(
        f"{API}/databases/{DB_ID}/query",
        json={
            "object": "list",
            "results": [{"id": "r"}],
            "has_more": False,
            "next_cursor": None,
            "request_status": {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"},
        },
    )
    hook = make_hook(notion_version="2022-06-28")
    with pytest.raises(NotionQueryIncompleteError, match="result cap"):
        hook.query_database(DB_ID, fetch_all=True)
    with pytest.raises(NotionQueryIncompleteError):
        list(hook.paginate("POST", f"/databases/{DB_ID}/query"))


# ---------------------------------------------------------------- versions and data sources


def test_query_path_per_version(default_conn, requests_mock: rm.Mocker) -> None:
    recorded_v1 = response("2022-06-28", "test_databases_query", "POST", "/query")
    requests_mock.post(f"{API}/databases/{DB_ID}/query", json=recorded_v1)
    assert make_hook(notion_version="2022-06-28").query_database(DB_ID)["object"] == "list"

    ds_id = "4ee04178-60dc-4b13-a1ea-14e3b9661a33"
    requests_mock.get(
        f"{API}/databases/{DB_ID}", json={"object": "database", "id": DB_ID, "data_sources": [{"id": ds_id}]}
    )
    recorded_v2 = response("2025-09-03", "test_data_sources_query", "POST", "/query")
    query = requests_mock.post(f"{API}/data_sources/{ds_id}/query", json=recorded_v2)
    hook = make_hook(notion_version="2025-09-03")
    hook.query_database(DB_ID, filter='{"property": "Name", "title": {"is_not_empty": true}}')
    hook.query_database(DB_ID)
    assert query.call_count == 2
    assert query.request_history[0].json() == {
        "filter": {"property": "Name", "title": {"is_not_empty": True}}
    }
    database_gets = [r for r in requests_mock.request_history if r.method == "GET"]
    assert len(database_gets) == 1  # the data source is resolved once per hook


def test_several_data_sources_is_a_clear_error(default_conn, requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        f"{API}/databases/{DB_ID}",
        json={
            "object": "database",
            "id": DB_ID,
            "data_sources": [{"id": "a", "name": "One"}, {"id": "b", "name": "Two"}],
        },
    )
    with pytest.raises(NotionMultipleDataSourcesError, match="a \\(One\\), b \\(Two\\).*data_source_id"):
        make_hook().query_database(DB_ID)
    assert not [r for r in requests_mock.request_history if r.method == "POST"]


def test_data_source_id_needs_a_data_source_version(default_conn, requests_mock: rm.Mocker) -> None:
    with pytest.raises(NotionInputError, match="data_source_id.*2025-09-03"):
        make_hook(notion_version="2022-06-28").query_database(data_source_id=DB_ID)
    assert requests_mock.call_count == 0


@pytest.mark.parametrize(
    ("version", "expected_value"),
    [("2022-06-28", "database"), ("2025-09-03", "data_source"), ("2026-03-11", "data_source")],
)
def test_list_databases_search_filter_per_version(
    default_conn, requests_mock: rm.Mocker, version: str, expected_value: str
) -> None:
    requests_mock.post(f"{API}/search", json={"object": "list", "results": [], "has_more": False})
    make_hook(notion_version=version).list_databases()
    assert requests_mock.last_request.json() == {"filter": {"property": "object", "value": expected_value}}


def test_create_database_schema_goes_where_the_version_expects(
    default_conn, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(f"{API}/databases", json={"object": "database", "id": DB_ID})
    schema = {"Name": {"title": {}}}
    make_hook(notion_version="2022-06-28").create_database(PAGE_ID, "Tasks", schema)
    old = requests_mock.last_request.json()
    assert old["properties"] == schema and "initial_data_source" not in old
    assert old["parent"] == {"type": "page_id", "page_id": PAGE_ID}
    assert old["title"] == [{"type": "text", "text": {"content": "Tasks"}}]
    make_hook(notion_version="2025-09-03").create_database(PAGE_ID, "Tasks", schema, is_inline=True)
    new = requests_mock.last_request.json()
    assert new["initial_data_source"] == {"properties": schema} and "properties" not in new
    assert new["is_inline"] is True


def test_create_page_sends_children_in_batches_of_100_in_order(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    created = requests_mock.post(f"{API}/pages", json={"object": "page", "id": PAGE_ID})
    appended = requests_mock.patch(f"{API}/blocks/{PAGE_ID}/children", json={"object": "list", "results": []})
    blocks = [
        {"type": "paragraph", "paragraph": {"rich_text": [{"text": {"content": str(i)}}]}} for i in range(250)
    ]
    hook.create_page(PAGE_ID, {"title": "x" * 4500}, children=blocks)
    assert created.call_count == 1 and appended.call_count == 2
    sent = [created.last_request.json()["children"]] + [
        r.json()["children"] for r in appended.request_history
    ]
    assert [len(batch) for batch in sent] == [100, 100, 50]
    assert [b for batch in sent for b in batch] == blocks
    title = created.last_request.json()["properties"]["title"]["title"]
    assert [len(item["text"]["content"]) for item in title] == [2000, 2000, 500]


def test_blocks_nested_too_deep_fail_before_sending(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    leaf = {"type": "paragraph", "paragraph": {"rich_text": []}}
    toggle = {"type": "toggle", "toggle": {"children": [leaf]}}
    deep = {"type": "toggle", "toggle": {"children": [{"type": "toggle", "toggle": {"children": [toggle]}}]}}
    with pytest.raises(NotionInputError, match=r"children\[0\]"):
        hook.create_page(PAGE_ID, {}, children=[deep])
    assert requests_mock.call_count == 0


def test_two_levels_of_nested_children_are_sent_as_notion_allows(
    hook: NotionHook, requests_mock: rm.Mocker
) -> None:
    """column_list -> column -> paragraph is the only way to create columns; Notion takes it in one request."""
    leaf = {"type": "paragraph", "paragraph": {"rich_text": []}}
    column = {"type": "column", "column": {"children": [leaf]}}
    columns = {"type": "column_list", "column_list": {"children": [column, column]}}
    created = requests_mock.post(f"{API}/pages", json={"object": "page", "id": PAGE_ID})
    hook.create_page(PAGE_ID, {}, children=[columns])
    assert created.last_request.json()["children"] == [columns]


def test_filter_nesting_limit_checked_before_sending(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    too_deep = {"and": [{"or": [{"and": [{"property": "A", "checkbox": {"equals": True}}]}]}]}
    with pytest.raises(NotionInputError, match="filter.*nested 3 levels"):
        hook.query_database(data_source_id=DB_ID, filter=too_deep)
    with pytest.raises(NotionInputError, match="filter.*not valid JSON"):
        hook.query_database(data_source_id=DB_ID, filter="{not json")
    assert requests_mock.call_count == 0


def test_get_page_filter_properties_repeat_in_query(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{API}/pages/{PAGE_ID}", json={"object": "page"})
    hook.get_page(PAGE_ID.replace("-", ""), filter_properties="title, abc")
    assert requests_mock.last_request.qs == {"filter_properties": ["title", "abc"]}


def test_update_page_uses_the_versions_trash_field(default_conn, requests_mock: rm.Mocker) -> None:
    requests_mock.patch(f"{API}/pages/{PAGE_ID}", json={"object": "page"})
    make_hook(notion_version="2025-09-03").update_page(PAGE_ID, in_trash=True)
    assert requests_mock.last_request.json() == {"archived": True}
    make_hook(notion_version="2026-03-11").update_page(PAGE_ID, in_trash=True)
    assert requests_mock.last_request.json() == {"in_trash": True}


def test_test_connection_reports_bot_and_workspace(hook: NotionHook, requests_mock: rm.Mocker) -> None:
    me = response("2025-09-03", "test_users_me", "GET")
    requests_mock.get(f"{API}/users/me", json=me)
    assert hook.test_connection() == (True, f"{me['name']} in {me['bot']['workspace_name']}")
    requests_mock.get(
        f"{API}/users/me",
        status_code=401,
        json={"object": "error", "code": "unauthorized", "message": "API token is invalid."},
    )
    ok, message = make_hook().test_connection()
    assert not ok and "API token is invalid." in message and CANARY_SECRET not in message
