"""Column names, collisions, types from the schema, and the operator's Asset and include_content."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.jobs.export.columns import build_columns, flatten_page, snake_case
from airflow_provider_notion.transfers.notion_to_object_storage import (
    NotionToObjectStorageOperator,
    asset_uri_for,
    sibling,
)
from tests.operators.helpers import API

DS_ID = "393abc1e-edcd-81a2-8d0b-000bae7f15dc"
PAGE_ID = "59833787-2cf9-4fdf-8782-e53db20768a5"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Due date (UTC)", "due_date_utc"),
        ("2nd pass", "_2nd_pass"),
        ("!!!", "property"),
        ("ÄÖ x", "äö_x"),
        ("日本 語", "日本_語"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


def test_collisions_get_the_first_free_suffix_in_a_deterministic_order() -> None:
    schema = {
        "ID": {"id": "b", "type": "rich_text"},
        "Due": {"id": "c", "type": "date"},
        "due_start": {"id": "d", "type": "number"},
        "Name": {"id": "title", "type": "title"},
        "name": {"id": "e", "type": "checkbox"},
    }
    default = [c.name for c in build_columns(schema)]
    assert default[:5] == ["id", "url", "created_time", "last_edited_time", "in_trash"]
    # Properties by name: Due, ID, Name, due_start, name; "ID" clashes with the system "id" (case-insensitive).
    assert default[5:] == ["Due.start", "Due.end", "Due.time_zone", "ID_2", "Name", "due_start", "name_2"]
    snake = [c.name for c in build_columns(schema, "snake_case")]
    assert snake[5:] == ["due_start", "due_end", "due_time_zone", "id_2", "name", "due_start_2", "name_2"]
    # The same schema in another order gives the same columns.
    assert [c.name for c in build_columns(dict(reversed(list(schema.items()))), "snake_case")] == snake


def test_rollup_columns_follow_their_function() -> None:
    schema = {
        f"R{index}": {"id": str(index), "type": "rollup", "rollup": {"function": function}}
        for index, function in enumerate(["sum", "show_original", "latest_date", "count"])
    }
    assert [c.type for c in build_columns(schema)[5:]] == ["float64", "list<string>", "timestamp", "float64"]
    page = {
        "id": "p",
        "properties": {
            "R1": {
                "type": "rollup",
                "rollup": {
                    "type": "array",
                    "array": [
                        {"type": "title", "title": [{"plain_text": "a"}]},
                        {"type": "number", "number": 2},
                    ],
                },
            },
            "R2": {"type": "rollup", "rollup": {"type": "date", "date": {"start": "2026-01-31"}}},
        },
    }
    row = flatten_page(page, build_columns(schema))
    assert row["R1"] == ["a", "2"] and row["R2"].isoformat() == "2026-01-31T00:00:00+00:00"


def test_unknown_property_types_become_json_text() -> None:
    schema = {"Btn": {"id": "x", "type": "verification"}}
    page = {"properties": {"Btn": {"type": "verification", "verification": {"state": "verified"}}}}
    assert flatten_page(page, build_columns(schema))["Btn"] == '{"state": "verified"}'


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("s3://lake/notion/tasks/{{ ds }}/rows.parquet", "s3://lake/notion/tasks/"),
        ("/data/notion/rows.csv", "file:///data/notion/rows.csv"),
        ("/data/{{ ds }}.csv", "file:///data/"),
        ("relative/rows.csv", None),
        ("{{ var.value.target }}", None),
    ],
)
def test_asset_uri_for(path: str, uri: str | None) -> None:
    assert asset_uri_for(path) == uri


def test_the_operator_declares_its_asset_outlet() -> None:
    task = NotionToObjectStorageOperator(
        task_id="t", data_source_id=DS_ID, path="s3://lake/notion/{{ ds }}/rows.parquet"
    )
    assert [outlet.uri for outlet in task.outlets] == ["s3://lake/notion"]
    assert (
        NotionToObjectStorageOperator(task_id="u", data_source_id=DS_ID, path="/x.csv", asset_uri="").outlets
        == []
    )


def test_sibling_keeps_the_folder_and_extension(tmp_path: Path) -> None:
    assert sibling(tmp_path / "rows.parquet", ".deleted") == tmp_path / "rows.deleted.parquet"
    assert sibling(tmp_path / "rows", ".deleted") == tmp_path / "rows.deleted"


def _query_page(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "object": "list",
        "results": rows,
        "next_cursor": None,
        "has_more": False,
        "type": "page_or_data_source",
    }


def test_include_content_adds_each_pages_markdown(
    tmp_path: Path, use_version: Callable[[str], str], requests_mock: rm.Mocker
) -> None:
    use_version("2026-03-11")
    requests_mock.get(
        f"{API}/data_sources/{DS_ID}",
        json={
            "object": "data_source",
            "id": DS_ID,
            "properties": {"Name": {"id": "title", "type": "title", "title": {}}},
        },
    )
    row = {
        "object": "page",
        "id": PAGE_ID,
        "created_time": "2026-01-31T10:00:00.000Z",
        "last_edited_time": "2026-01-31T10:00:00.000Z",
        "in_trash": False,
        "url": "https://x",
        "properties": {"Name": {"id": "title", "type": "title", "title": [{"plain_text": "Doc"}]}},
    }
    requests_mock.post(f"{API}/data_sources/{DS_ID}/query", json=_query_page([row]))
    requests_mock.get(
        f"{API}/pages/{PAGE_ID}/markdown",
        json={"object": "page_markdown", "id": PAGE_ID, "markdown": "# Doc\n\nBody", "truncated": False},
    )
    target = tmp_path / "rows.jsonl"
    result = NotionToObjectStorageOperator(
        task_id="t",
        data_source_id=DS_ID,
        path=str(target),
        mode="full",
        include_content=True,
        requests_per_second=None,
    ).execute({})
    assert json.loads(target.read_text())["content_markdown"] == "# Doc\n\nBody"
    assert result["columns"][-1] == "content_markdown" and result["requests"] == 3


def test_an_object_storage_url_is_written_atomically(
    tmp_path: Path, use_version: Callable[[str], str], requests_mock: rm.Mocker
) -> None:
    use_version("2025-09-03")
    requests_mock.get(
        f"{API}/data_sources/{DS_ID}",
        json={
            "object": "data_source",
            "id": DS_ID,
            "properties": {"Name": {"id": "title", "type": "title", "title": {}}},
        },
    )
    requests_mock.post(f"{API}/data_sources/{DS_ID}/query", json=_query_page([]))
    result = NotionToObjectStorageOperator(
        task_id="t",
        data_source_id=DS_ID,
        path=f"file://{tmp_path}/out/rows.csv",
        format="csv",
        mode="full",
        requests_per_second=None,
    ).execute({})
    assert result["path"] == f"file://{tmp_path}/out/rows.csv"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["rows.csv", "rows.csv.schema.json"]
