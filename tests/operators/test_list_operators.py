"""List and query operators: paging per Notion-Version, fetch_all, the XCom budget and output_path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.exceptions import NotionError, NotionInputError, NotionQueryIncompleteError
from airflow_provider_notion.operators.notion import (
    NotionListDatabasesOperator,
    NotionListPagesOperator,
    NotionListUsersOperator,
    NotionQueryDatabaseOperator,
)
from tests.operators.helpers import API, VERSIONS, assert_request, copies, list_pages, recorded

DS_ID = "393abc1e-edcd-81a2-8d0b-000bae7f15dc"
DB_ID = "daf41515-aa5f-4d14-97a8-9193425ec491"


def _page_object(version: str) -> dict[str, Any]:
    return recorded(version, "test_pages_retrieve", "GET", "/pages/")


# ---------------------------------------------------------------------------------------------- users


@pytest.mark.parametrize("version", VERSIONS)
def test_list_users_one_page(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    body = recorded(version, "test_users_list", "GET", "/users")
    requests_mock.get(f"{API}/users", json=body)

    result = NotionListUsersOperator(task_id="l", start_cursor="abc").execute(context)

    assert result == body  # Notion's list object, unchanged
    req = requests_mock.last_request
    assert_request(req, "GET", "/v1/users", version)
    assert req.qs == {"page_size": ["50"], "start_cursor": ["abc"]}  # page_size defaults to 50


def test_list_users_fetch_all_follows_cursors_and_ignores_start_cursor(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    users = recorded("2025-09-03", "test_users_list", "GET", "/users")["results"]
    pages = list_pages(copies(users[0], 5), 2, "user")
    requests_mock.get(f"{API}/users", [{"json": p} for p in pages])

    result = NotionListUsersOperator(task_id="l", start_cursor="stale", page_size=2, fetch_all=True).execute(
        context
    )

    assert [r.qs.get("start_cursor") for r in requests_mock.request_history] == [None, ["c1"], ["c2"]]
    assert all(r.qs["page_size"] == ["2"] for r in requests_mock.request_history)
    assert [u["id"] for u in result["results"]] == [u["id"] for p in pages for u in p["results"]]
    assert result == {
        "object": "list",
        "results": result["results"],
        "next_cursor": None,
        "has_more": False,
        "type": "user",
    }


def test_fetch_all_over_the_xcom_budget_fails_and_points_to_output_path(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    users = recorded("2025-09-03", "test_users_list", "GET", "/users")["results"]
    pages = list_pages(copies(users[0], 10), 2, "user")
    requests_mock.get(f"{API}/users", [{"json": p} for p in pages])

    op = NotionListUsersOperator(task_id="l", page_size=2, fetch_all=True, max_xcom_results=3)
    with pytest.raises(NotionError, match=r"more than 3 users.*output_path"):
        op.execute(context)
    assert requests_mock.call_count == 2  # stopped as soon as the budget was exceeded


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("page_size", {"page_size": 0}),
        ("page_size", {"page_size": 101}),
        ("page_size", {"page_size": "ten"}),
        ("fetch_all", {"fetch_all": "maybe"}),
        ("max_xcom_results", {"max_xcom_results": 0}),
        ("start_cursor", {"start_cursor": 5}),
        ("output_path", {"output_path": 12}),
    ],
)
def test_list_bad_inputs_send_nothing(
    field: str,
    kwargs: dict[str, Any],
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version("2025-09-03")
    with pytest.raises(NotionInputError, match=field):
        NotionListUsersOperator(task_id="l", **kwargs).execute(context)
    assert requests_mock.call_count == 0


# ---------------------------------------------------------------------------------------------- search


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("operator", "object_type"),
    [(NotionListDatabasesOperator, "database"), (NotionListPagesOperator, "page")],
)
def test_list_databases_and_pages_search(
    version: str,
    operator: type,
    object_type: str,
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version(version)
    body = recorded(version, "test_collect_paginated_api", "POST", "/search")
    requests_mock.post(f"{API}/search", json=body)

    result = operator(task_id="l", page_size="25", start_cursor="cur").execute(context)

    assert result == body
    # Databases are data sources from 2025-09-03 on: the search filter value changes with the version.
    value = "data_source" if object_type == "database" and version != "2022-06-28" else object_type
    assert_request(
        requests_mock.last_request,
        "POST",
        "/v1/search",
        version,
        json={"filter": {"property": "object", "value": value}, "page_size": 25, "start_cursor": "cur"},
    )


def test_list_pages_fetch_all_posts_cursor_in_body(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2026-03-11")
    pages = list_pages(copies(_page_object("2026-03-11"), 3), 1, "page_or_data_source")
    requests_mock.post(f"{API}/search", [{"json": p} for p in pages])

    result = NotionListPagesOperator(task_id="l", fetch_all=True).execute(context)

    assert [r.json().get("start_cursor") for r in requests_mock.request_history] == [None, "c1", "c2"]
    assert len(result["results"]) == 3 and result["has_more"] is False and result["next_cursor"] is None
    assert result["type"] == "page_or_data_source"


# ---------------------------------------------------------------------------------------------- query


def test_query_database_2022_goes_to_the_database(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2022-06-28")
    db_id = "16cabc1e-edcd-8162-9ab8-c71fc1e7ee93"
    body = recorded("2022-06-28", "test_databases_query", "POST", "/query")
    requests_mock.post(f"{API}/databases/{db_id}/query", json=body)
    query_filter = {"timestamp": "created_time", "created_time": {"past_week": {}}}

    result = NotionQueryDatabaseOperator(
        task_id="q", database_id=db_id, filter=json.dumps(query_filter)
    ).execute(context)

    assert result == body
    assert requests_mock.call_count == 1
    assert_request(requests_mock.last_request, "POST", f"/v1/databases/{db_id}/query", "2022-06-28")
    assert requests_mock.last_request.json() == {"filter": query_filter}


@pytest.mark.parametrize("version", ["2025-09-03", "2026-03-11"])
def test_query_database_resolves_the_data_source(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    database = recorded(version, "test_databases_retrieve", "GET", "/databases/")
    database.update(id=DB_ID, data_sources=[{"id": DS_ID, "name": "Tasks"}])
    body = recorded(version, "test_data_sources_query", "POST", "/query")
    requests_mock.get(f"{API}/databases/{DB_ID}", json=database)
    requests_mock.post(f"{API}/data_sources/{DS_ID}/query", json=body)
    sorts = [{"property": "Name", "direction": "ascending"}]

    result = NotionQueryDatabaseOperator(
        task_id="q", database_id=DB_ID, sorts=sorts, page_size=10, filter_properties=["title"]
    ).execute(context)

    assert result == body
    get_db, query = requests_mock.request_history
    assert_request(get_db, "GET", f"/v1/databases/{DB_ID}", version)
    assert_request(
        query, "POST", f"/v1/data_sources/{DS_ID}/query", version, json={"sorts": sorts, "page_size": 10}
    )
    assert query.qs == {"filter_properties": ["title"]}


def test_query_data_source_directly_is_one_request(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    requests_mock.post(
        f"{API}/data_sources/{DS_ID}/query",
        json=recorded("2025-09-03", "test_data_sources_query", "POST", "/query"),
    )
    NotionQueryDatabaseOperator(task_id="q", data_source_id=DS_ID.replace("-", "")).execute(context)
    assert requests_mock.call_count == 1
    assert requests_mock.last_request.json() == {}


def test_query_database_with_several_data_sources_fails_listing_them(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    database = recorded("2025-09-03", "test_databases_retrieve", "GET", "/databases/")
    database.update(id=DB_ID, data_sources=[{"id": DS_ID, "name": "A"}, {"id": DB_ID, "name": "B"}])
    requests_mock.get(f"{API}/databases/{DB_ID}", json=database)
    with pytest.raises(NotionError, match="2 data sources.*data_source_id"):
        NotionQueryDatabaseOperator(task_id="q", database_id=DB_ID).execute(context)
    assert requests_mock.call_count == 1  # no query was sent


@pytest.mark.parametrize(
    ("field", "version", "kwargs"),
    [
        ("filter", "2025-09-03", {"database_id": DB_ID, "filter": "{not json"}),
        ("filter", "2025-09-03", {"database_id": DB_ID, "filter": "[1, 2]"}),
        (
            "filter",
            "2025-09-03",
            {
                "database_id": DB_ID,
                "filter": {"and": [{"or": [{"and": [{"property": "a", "checkbox": {}}]}]}]},
            },
        ),
        ("sorts", "2025-09-03", {"database_id": DB_ID, "sorts": '{"property": "a"}'}),
        ("database_id", "2025-09-03", {"database_id": "nope"}),
        ("database_id", "2025-09-03", {}),
        ("data_source_id", "2022-06-28", {"data_source_id": DS_ID}),
        ("filter_properties", "2025-09-03", {"database_id": DB_ID, "filter_properties": 3}),
    ],
)
def test_query_bad_inputs_send_nothing(
    field: str,
    version: str,
    kwargs: dict[str, Any],
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version(version)
    with pytest.raises(NotionInputError, match=field):
        NotionQueryDatabaseOperator(task_id="q", **kwargs).execute(context)
    assert requests_mock.call_count == 0


def test_query_fetch_all_refuses_a_truncated_result(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    pages = list_pages(copies(_page_object("2025-09-03"), 4), 2, "page_or_data_source")
    pages[1]["request_status"] = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
    requests_mock.post(f"{API}/data_sources/{DS_ID}/query", [{"json": p} for p in pages])
    # Every row was created in the same minute, so a created_time window cannot get past the cap either.
    with pytest.raises(NotionQueryIncompleteError, match="result cap after 4 rows.*within one minute"):
        NotionQueryDatabaseOperator(task_id="q", data_source_id=DS_ID, fetch_all=True).execute(context)


# ---------------------------------------------------------------------------------------------- output_path


def test_output_path_streams_json_lines(
    tmp_path: Path, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    rows = copies(_page_object("2025-09-03"), 7)
    pages = list_pages(rows, 3, "page_or_data_source")
    lines_on_disk: list[int] = []
    target = tmp_path / "out" / "rows.jsonl"

    def answer(request: Any, _context: Any) -> dict[str, Any]:
        # Streaming: the rows of earlier pages are already in the file when the next page is fetched.
        index = len(lines_on_disk)
        lines_on_disk.append(len(target.read_text().splitlines()) if target.exists() else 0)
        return pages[index]

    requests_mock.post(f"{API}/data_sources/{DS_ID}/query", json=answer)

    result = NotionQueryDatabaseOperator(
        task_id="q", data_source_id=DS_ID, fetch_all=True, max_xcom_results=2, output_path=str(target)
    ).execute(context)

    assert result == {"path": str(target), "count": 7}  # the XCom budget does not apply to files
    lines = target.read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [r["id"] for r in rows]
    assert requests_mock.call_count == 3
    assert lines_on_disk == [0, 3, 6]


def test_output_path_without_fetch_all_writes_one_page(
    tmp_path: Path, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2022-06-28")
    body = recorded("2022-06-28", "test_users_list", "GET", "/users")
    requests_mock.get(f"{API}/users", json={**body, "has_more": True, "next_cursor": "c1"})
    result = NotionListUsersOperator(task_id="l", output_path=tmp_path / "users.jsonl").execute(context)
    assert result["count"] == len(body["results"]) == 2
    assert requests_mock.call_count == 1


def test_output_path_object_storage_url(
    tmp_path: Path, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    body = recorded("2025-09-03", "test_users_list", "GET", "/users")
    requests_mock.get(f"{API}/users", json=body)
    url = f"file://{tmp_path}/users.jsonl"
    result = NotionListUsersOperator(task_id="l", output_path=url, fetch_all=True).execute(context)
    assert result["count"] == 2
    assert result["path"].endswith("users.jsonl")
    assert len((tmp_path / "users.jsonl").read_text().splitlines()) == 2


def test_output_path_failure_leaves_no_partial_file(
    tmp_path: Path, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    pages = list_pages(copies(_page_object("2025-09-03"), 4), 2, "page_or_data_source")
    error = recorded("2025-09-03", "test_api_response_error", "GET", "/users")
    requests_mock.post(
        f"{API}/data_sources/{DS_ID}/query", [{"json": pages[0]}, {"json": error, "status_code": 401}]
    )
    target = tmp_path / "rows.jsonl"
    with pytest.raises(NotionError, match="401"):
        NotionQueryDatabaseOperator(
            task_id="q", data_source_id=DS_ID, fetch_all=True, output_path=target
        ).execute(context)
    assert not target.exists()
