"""What a sync reports and accepts, against the emulator over HTTP: the tests a mutation run found missing
(issue 21: ``existing`` without keyless rows, a files value changed only in its URL, ``ids_truncated`` always
true, ``max_delete_fraction=0`` refused)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.sync import NotionSyncError
from airflow_provider_notion.jobs.sync.engine import sync_rows
from airflow_provider_notion.operators.sync import NotionSyncRowsOperator

pytest_plugins = ["notion_emulator.pytest_plugin"]

SCHEMA = {"Name": {"title": {}}, "Score": {"number": {}}, "Attachments": {"files": {}}}


@pytest.fixture
def hook(notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionHook:
    monkeypatch.setenv(
        "AIRFLOW_CONN_NOTION_DEFAULT",
        json.dumps({**notion_emulator.airflow_conn_dict, "extra": {"notion_version": "2026-03-11"}}),
    )
    return NotionHook(requests_per_second=None)


@pytest.fixture
def database(notion_emulator: NotionEmulator) -> str:
    return str(
        notion_emulator.add_database(
            parent_id=notion_emulator.root_page_id, title="Items", properties=SCHEMA
        )["id"]
    )


def rows(*names: str) -> list[dict[str, Any]]:
    return [{"Name": name, "Score": 1} for name in names]


def test_existing_counts_the_rows_without_a_key(hook: NotionHook, database: str) -> None:
    sync_rows(hook, rows("a", "b"), key="Name", database_id=database)
    hook.create_page({"type": "database_id", "database_id": database}, {"Score": {"number": 5}})  # no Name

    result = sync_rows(hook, rows("a", "b", "c"), key="Name", database_id=database, delete_missing=True)

    assert (result["existing"], result["rows_without_key"]) == (3, 1)
    assert (result["created"], result["unchanged"], result["trashed"]) == (1, 2, 0)


def test_a_file_whose_only_change_is_its_url_is_written(
    notion_emulator: NotionEmulator, hook: NotionHook, database: str
) -> None:
    first = {"Name": "a", "Attachments": ["https://old.example.com/files/report.pdf"]}
    sync_rows(hook, [first], key="Name", database_id=database)
    moved = {"Name": "a", "Attachments": ["https://new.example.com/files/report.pdf"]}  # same name

    result = sync_rows(hook, [moved], key="Name", database_id=database)

    assert (result["updated"], result["unchanged"]) == (1, 0)
    with notion_emulator.state.lock:
        (page,) = notion_emulator.state.pages_in(database)
    assert [f["external"]["url"] for f in page["properties"]["Attachments"]["files"]] == [
        "https://new.example.com/files/report.pdf"
    ]
    assert sync_rows(hook, [moved], key="Name", database_id=database)["unchanged"] == 1


def test_ids_truncated_only_when_ids_were_left_out(hook: NotionHook, database: str) -> None:
    created = sync_rows(hook, rows("a", "b", "c"), key="Name", database_id=database)
    assert created["ids_truncated"] is False and len(created["created_ids"]) == 3

    unchanged = sync_rows(hook, rows("a", "b", "c"), key="Name", database_id=database)
    assert unchanged["ids_truncated"] is False

    more = sync_rows(hook, rows("a", "b", "c", "d", "e"), key="Name", database_id=database, max_ids=1)
    assert more["ids_truncated"] is True and len(more["created_ids"]) == 1


@pytest.mark.parametrize("fraction", [0, 0.0, "0"])
def test_max_delete_fraction_zero_allows_no_trash(
    notion_emulator: NotionEmulator, database: str, hook: NotionHook, fraction: Any
) -> None:
    sync_rows(hook, rows("a", "b"), key="Name", database_id=database)
    operator = NotionSyncRowsOperator(
        task_id="sync",
        database_id=database,
        rows=rows("a", "b"),
        key="Name",
        delete_missing=True,
        max_delete_fraction=fraction,
    )
    assert operator.execute({})["unchanged"] == 2  # valid: nothing to trash

    operator.rows = rows("a")
    with pytest.raises(NotionSyncError, match="max_delete_fraction=0. Nothing was written"):
        operator.execute({})
