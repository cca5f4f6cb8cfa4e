"""Create operators: bodies per Notion-Version, payload limits, child-block batching and the upsert path."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionCreateDatabaseOperator,
    NotionCreatePageOperator,
)
from tests.operators.helpers import API, VERSIONS, assert_request, pushed, recorded

PARENT = "393abc1e-edcd-81e8-95dc-ec52a3110c68"
DB_ID = "3d0982b9-f958-41d0-8437-cf2e00981c7f"
DS_ID = "56dd91f4-1705-4ba1-9472-255b785b9929"
SCHEMA = {"Name": {"title": {}}, "Score": {"number": {}}, "Done": {"checkbox": {}}}


def _text(content: str) -> dict[str, Any]:
    return {"type": "text", "text": {"content": content}}


def _paragraph(n: int) -> dict[str, Any]:
    return {"object": "block", "type": "paragraph", "paragraph": {"rich_text": [_text(f"block {n}")]}}


# ---------------------------------------------------------------------------------------------- create database


@pytest.mark.parametrize("version", VERSIONS)
def test_create_database_body_per_version(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    created = recorded(version, "test_databases_create", "POST", "/databases")
    requests_mock.post(f"{API}/databases", json=created)

    result = NotionCreateDatabaseOperator(
        task_id="db",
        parent=f"https://www.notion.so/Parent-{PARENT.replace('-', '')}",
        title="Tasks",
        properties=json.dumps(SCHEMA),
        icon={"type": "emoji", "emoji": "📊"},
        is_inline="false",
        description="Loaded by Airflow",
    ).execute(context)

    assert result == created
    expected: dict[str, Any] = {"parent": {"type": "page_id", "page_id": PARENT}, "title": [_text("Tasks")]}
    if version == "2022-06-28":
        expected["properties"] = SCHEMA  # top-level schema before data sources
    else:
        expected["initial_data_source"] = {"properties": SCHEMA}  # the first data source holds it
    expected |= {
        "description": [_text("Loaded by Airflow")],
        "icon": {"type": "emoji", "emoji": "📊"},
        "is_inline": False,
    }
    assert_request(requests_mock.last_request, "POST", "/v1/databases", version, json=expected)
    xcoms = pushed(context)
    assert xcoms["id"] == created["id"] and xcoms["notion_url"] == created["url"]
    if version != "2022-06-28":
        assert xcoms["data_source_id"] == created["data_sources"][0]["id"]


def test_create_database_splits_a_long_title_and_parses_rich_text_json(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    requests_mock.post(
        f"{API}/databases", json=recorded("2025-09-03", "test_databases_create", "POST", "/databases")
    )

    NotionCreateDatabaseOperator(task_id="db", parent=PARENT, title="x" * 4500, properties=SCHEMA).execute(
        context
    )
    title = requests_mock.last_request.json()["title"]
    assert [len(t["text"]["content"]) for t in title] == [2000, 2000, 500]

    rich = [{"type": "text", "text": {"content": "Bold"}, "annotations": {"bold": True}}]
    NotionCreateDatabaseOperator(
        task_id="db", parent=PARENT, title=json.dumps(rich), properties=SCHEMA
    ).execute(context)
    assert requests_mock.last_request.json()["title"] == rich

    NotionCreateDatabaseOperator(
        task_id="db", parent=PARENT, title="[Draft] Tasks", properties=SCHEMA
    ).execute(context)
    assert requests_mock.last_request.json()["title"] == [_text("[Draft] Tasks")]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("properties", {"properties": "{oops"}),
        ("properties", {"properties": {"Score": {"number": {}}}}),
        ("properties", {"properties": None}),
        ("parent", {"parent": "not a page"}),
        ("parent", {"parent": {"page_id": PARENT, "database_id": DB_ID}}),
        ("title", {"title": [{"type": "text"}] * 101}),
        ("is_inline", {"is_inline": "sometimes"}),
        ("icon", {"icon": "[1]"}),
    ],
)
def test_create_database_bad_inputs_send_nothing(
    field: str,
    kwargs: dict[str, Any],
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version("2025-09-03")
    arguments = {"parent": PARENT, "title": "T", "properties": SCHEMA, **kwargs}
    with pytest.raises(NotionInputError, match=field):
        NotionCreateDatabaseOperator(task_id="db", **arguments).execute(context)
    assert requests_mock.call_count == 0


# ---------------------------------------------------------------------------------------------- create page


@pytest.mark.parametrize("version", VERSIONS)
def test_create_page_with_250_children_is_one_create_and_two_appends_in_order(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    page = recorded(version, "test_pages_create", "POST", "/pages")
    appended = recorded(version, "test_blocks_children_create", "PATCH", "/children")
    requests_mock.post(f"{API}/pages", json=page)
    requests_mock.patch(f"{API}/blocks/{page['id']}/children", json=appended)
    children = [_paragraph(n) for n in range(250)]

    result = NotionCreatePageOperator(
        task_id="p", parent=PARENT, properties={"title": "Report"}, children=children
    ).execute(context)

    assert result == page
    create, first, second = requests_mock.request_history
    assert_request(
        create,
        "POST",
        "/v1/pages",
        version,
        json={
            "parent": {"type": "page_id", "page_id": PARENT},
            "properties": {"title": {"title": [_text("Report")]}},
            "children": children[:100],
        },
    )
    assert_request(
        first, "PATCH", f"/v1/blocks/{page['id']}/children", version, json={"children": children[100:200]}
    )
    assert_request(
        second, "PATCH", f"/v1/blocks/{page['id']}/children", version, json={"children": children[200:]}
    )
    assert pushed(context) == {"id": page["id"], "notion_url": page["url"]}


def test_create_page_properties_as_json_string_and_long_title(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2026-03-11")
    requests_mock.post(f"{API}/pages", json=recorded("2026-03-11", "test_pages_create", "POST", "/pages"))
    properties = json.dumps({"title": {"title": "y" * 2001}})

    NotionCreatePageOperator(task_id="p", parent={"page_id": PARENT}, properties=properties).execute(context)

    body = requests_mock.last_request.json()
    assert [len(t["text"]["content"]) for t in body["properties"]["title"]["title"]] == [2000, 1]
    assert "children" not in body
    assert requests_mock.call_count == 1


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("children", {"children": "not json"}),
        ("children", {"children": {"type": "paragraph"}}),
        ("children[0]", {"children": ["text"]}),
        (
            "children[1]",
            {
                "children": [
                    _paragraph(0),
                    {
                        "type": "toggle",
                        "toggle": {
                            "rich_text": [],
                            "children": [
                                {
                                    "type": "toggle",
                                    "toggle": {
                                        "rich_text": [],
                                        "children": [
                                            {
                                                "type": "toggle",
                                                "toggle": {"rich_text": [], "children": [_paragraph(1)]},
                                            }
                                        ],
                                    },
                                }
                            ],
                        },
                    },
                ]
            },
        ),
        ("parent", {"parent": None}),
        ("properties", {"properties": "[]"}),
    ],
)
def test_create_page_bad_inputs_send_nothing(
    field: str,
    kwargs: dict[str, Any],
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version("2025-09-03")
    arguments = {"parent": PARENT, "properties": {"title": "T"}, **kwargs}
    with pytest.raises(NotionInputError, match=field.replace("[", r"\[")):
        NotionCreatePageOperator(task_id="p", **arguments).execute(context)
    assert requests_mock.call_count == 0


# ---------------------------------------------------------------------------------------------- database items


@pytest.mark.parametrize("version", VERSIONS)
def test_create_database_item_under_a_database(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    page = recorded(version, "test_pages_create", "POST", "/pages")
    requests_mock.post(f"{API}/pages", json=page)
    notes = "n" * 2500

    result = NotionCreateDatabaseItemOperator(
        task_id="i",
        database_id=DB_ID.replace("-", ""),
        properties={"Name": {"title": "Row 1"}, "Notes": {"rich_text": notes}, "Score": {"number": 3}},
        children=[_paragraph(1)],
    ).execute(context)

    assert result == page
    assert requests_mock.call_count == 1
    assert_request(
        requests_mock.last_request,
        "POST",
        "/v1/pages",
        version,
        json={
            "parent": {"type": "database_id", "database_id": DB_ID},
            "properties": {
                "Name": {"title": [_text("Row 1")]},
                "Notes": {"rich_text": [_text("n" * 2000), _text("n" * 500)]},
                "Score": {"number": 3},
            },
            "children": [_paragraph(1)],
        },
    )


@pytest.mark.parametrize("how", ["data_source_id", "parent"])
def test_create_database_item_under_a_data_source(
    how: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    requests_mock.post(f"{API}/pages", json=recorded("2025-09-03", "test_pages_create", "POST", "/pages"))
    target = {"data_source_id": DS_ID} if how == "data_source_id" else {"parent": {"data_source_id": DS_ID}}
    NotionCreateDatabaseItemOperator(task_id="i", properties={"Name": {"title": "A"}}, **target).execute(
        context
    )
    assert requests_mock.last_request.json()["parent"] == {"type": "data_source_id", "data_source_id": DS_ID}


@pytest.mark.parametrize(
    ("field", "version", "kwargs"),
    [
        ("database_id", "2025-09-03", {}),
        ("database_id", "2025-09-03", {"database_id": DB_ID, "data_source_id": DS_ID}),
        ("data_source_id", "2022-06-28", {"data_source_id": DS_ID}),
        ("parent", "2025-09-03", {"parent": {"page_id": PARENT}}),
        (
            "properties.Tags",
            "2025-09-03",
            {"database_id": DB_ID, "properties": {"Tags": {"multi_select": [{"name": "x"}] * 101}}},
        ),
        (
            "properties.People",
            "2025-09-03",
            {"database_id": DB_ID, "properties": {"People": {"people": [{"id": PARENT}] * 101}}},
        ),
        ("properties", "2025-09-03", {"database_id": DB_ID, "properties": "{"}),
        ("unique_property", "2025-09-03", {"database_id": DB_ID, "unique_property": "Missing"}),
        ("unique_property", "2025-09-03", {"database_id": DB_ID, "unique_property": 5}),
    ],
)
def test_create_database_item_bad_inputs_send_nothing(
    field: str,
    version: str,
    kwargs: dict[str, Any],
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version(version)
    arguments = {"properties": {"Name": {"title": "A"}}, **kwargs}
    with pytest.raises(NotionInputError, match=field):
        NotionCreateDatabaseItemOperator(task_id="i", **arguments).execute(context)
    assert requests_mock.call_count == 0


# ---------------------------------------------------------------------------------------------- upsert


def _schema_source(version: str) -> dict[str, Any]:
    source = recorded(version, "test_data_sources_retrieve", "GET", "/data_sources/")
    source["id"] = DS_ID
    source["properties"] |= {
        "External id": {"id": "ext", "name": "External id", "type": "number", "number": {}},
        "Tags": {"id": "tg", "name": "Tags", "type": "multi_select", "multi_select": {"options": []}},
    }
    return source


def _database(version: str) -> dict[str, Any]:
    database = recorded(version, "test_databases_retrieve", "GET", "/databases/")
    database.update(id=DB_ID, data_sources=[{"id": DS_ID, "name": "Tasks"}])
    return database


@pytest.mark.parametrize("version", ["2025-09-03", "2026-03-11"])
def test_upsert_updates_the_existing_row(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    existing = recorded(version, "test_pages_retrieve", "GET", "/pages/")
    updated = recorded(version, "test_pages_update", "PATCH", "/pages/")
    updated["id"] = existing["id"]
    requests_mock.get(f"{API}/databases/{DB_ID}", json=_database(version))
    requests_mock.get(f"{API}/data_sources/{DS_ID}", json=_schema_source(version))
    requests_mock.post(
        f"{API}/data_sources/{DS_ID}/query",
        json={"object": "list", "results": [existing], "next_cursor": None, "has_more": False},
    )
    requests_mock.patch(f"{API}/pages/{existing['id']}", json=updated)
    create = requests_mock.post(f"{API}/pages", json={})

    result = NotionCreateDatabaseItemOperator(
        task_id="i",
        database_id=DB_ID,
        properties={"Name": {"title": "Row 1"}, "Done": {"checkbox": True}},
        children=[_paragraph(1)],
        icon={"type": "emoji", "emoji": "✅"},
        unique_property="Name",
    ).execute(context)

    assert result == updated
    assert not create.called  # no duplicate
    methods_paths = [(r.method, r.path) for r in requests_mock.request_history]
    assert methods_paths == [
        ("GET", f"/v1/databases/{DB_ID}"),
        ("GET", f"/v1/data_sources/{DS_ID}"),
        ("POST", f"/v1/data_sources/{DS_ID}/query"),
        ("PATCH", f"/v1/pages/{existing['id']}"),
    ]
    query, patch = requests_mock.request_history[2], requests_mock.request_history[3]
    assert query.json() == {"filter": {"property": "Name", "title": {"equals": "Row 1"}}}
    assert_request(
        patch,
        "PATCH",
        f"/v1/pages/{existing['id']}",
        version,
        json={
            "properties": {"Name": {"title": [_text("Row 1")]}, "Done": {"checkbox": True}},
            "icon": {"type": "emoji", "emoji": "✅"},
        },
    )
    assert pushed(context)["id"] == existing["id"]


def test_upsert_creates_a_missing_row_2022(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2022-06-28")
    database = recorded("2022-06-28", "test_databases_retrieve", "GET", "/databases/")
    database["properties"]["External id"] = {
        "id": "ext",
        "name": "External id",
        "type": "number",
        "number": {},
    }
    page = recorded("2022-06-28", "test_pages_create", "POST", "/pages")
    requests_mock.get(f"{API}/databases/{DB_ID}", json=database)
    requests_mock.post(
        f"{API}/databases/{DB_ID}/query",
        json={"object": "list", "results": [], "next_cursor": None, "has_more": False},
    )
    requests_mock.post(f"{API}/pages", json=page)

    result = NotionCreateDatabaseItemOperator(
        task_id="i",
        database_id=DB_ID,
        properties={"Name": {"title": "Row 7"}, "External id": 7},  # a plain value is wrapped per the schema
        children=[_paragraph(1)],
        unique_property="External id",
    ).execute(context)

    assert result == page
    get_db, query, create = requests_mock.request_history
    assert (get_db.method, get_db.path) == ("GET", f"/v1/databases/{DB_ID}")
    assert query.path == f"/v1/databases/{DB_ID}/query"
    assert query.json() == {"filter": {"property": "External id", "number": {"equals": 7}}}
    assert_request(
        create,
        "POST",
        "/v1/pages",
        "2022-06-28",
        json={
            "parent": {"type": "database_id", "database_id": DB_ID},
            "properties": {"Name": {"title": [_text("Row 7")]}, "External id": {"number": 7}},
            "children": [_paragraph(1)],
        },
    )


def test_upsert_creates_under_the_resolved_data_source(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    requests_mock.get(f"{API}/databases/{DB_ID}", json=_database("2025-09-03"))
    requests_mock.get(f"{API}/data_sources/{DS_ID}", json=_schema_source("2025-09-03"))
    requests_mock.post(
        f"{API}/data_sources/{DS_ID}/query",
        json={"object": "list", "results": [], "next_cursor": None, "has_more": False},
    )
    requests_mock.post(f"{API}/pages", json=recorded("2025-09-03", "test_pages_create", "POST", "/pages"))

    NotionCreateDatabaseItemOperator(
        task_id="i", database_id=DB_ID, properties={"Name": "Row 2"}, unique_property="Name"
    ).execute(context)

    body = requests_mock.last_request.json()
    assert body == {
        "parent": {"type": "data_source_id", "data_source_id": DS_ID},
        "properties": {"Name": {"title": [_text("Row 2")]}},
    }


def test_upsert_with_several_matches_fails_without_writing(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    row = recorded("2025-09-03", "test_pages_retrieve", "GET", "/pages/")
    twin = {**row, "id": "00000000-0000-4000-8000-000000000001"}
    requests_mock.get(f"{API}/data_sources/{DS_ID}", json=_schema_source("2025-09-03"))
    requests_mock.post(
        f"{API}/data_sources/{DS_ID}/query",
        json={"object": "list", "results": [row, twin], "next_cursor": None, "has_more": False},
    )
    with pytest.raises(NotionError, match="2 rows have Name = 'Row 1'.*at most one"):
        NotionCreateDatabaseItemOperator(
            task_id="i", data_source_id=DS_ID, properties={"Name": {"title": "Row 1"}}, unique_property="Name"
        ).execute(context)
    assert [r.method for r in requests_mock.request_history] == ["GET", "POST"]


@pytest.mark.parametrize(
    ("properties", "unique", "message"),
    [
        (
            {"Name": {"title": "A"}, "Tags": {"multi_select": [{"name": "x"}]}},
            "Tags",
            "multi_select property",
        ),
        ({"Name": {"title": "A"}, "Nope": {"number": 1}}, "Nope", "not a property of the database"),
        ({"Name": {"title": "A"}, "External id": "seven"}, "External id", "not a value of a number property"),
    ],
)
def test_upsert_unusable_property_fails_before_any_write(
    properties: dict[str, Any],
    unique: str,
    message: str,
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version("2025-09-03")
    requests_mock.get(f"{API}/data_sources/{DS_ID}", json=_schema_source("2025-09-03"))
    with pytest.raises(NotionInputError, match=message):
        NotionCreateDatabaseItemOperator(
            task_id="i", data_source_id=DS_ID, properties=properties, unique_property=unique
        ).execute(context)
    assert [r.method for r in requests_mock.request_history] == ["GET"]  # only the schema was read
