"""Database -> data source has one home (rules/targets.py): every entry point that reads or writes a database's
rows sends its query to the same place, and a database with several data sources fails everywhere with the
same error (NotionMultipleDataSourcesError, naming them), whether it enters through the hook, the upsert, the
sync, the export or the asynchronous change trigger. Real HTTP to the emulator on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionMultipleDataSourcesError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.sync.engine import sync_rows
from airflow_provider_notion.jobs.upsert import upsert_database_item
from airflow_provider_notion.rules.targets import item_parent
from airflow_provider_notion.transfers.notion_to_object_storage import NotionToObjectStorageOperator
from airflow_provider_notion.triggers.change import NotionChangeTrigger

pytest_plugins = ["notion_emulator.pytest_plugin"]

SCHEMA = {"Name": {"title": {}}, "Count": {"number": {}}}
VERSIONS = ["2022-06-28", "2025-09-03", "2026-03-11"]


def use_version(emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    conn = {**emu.airflow_conn_dict, "extra": {"notion_version": version}}
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", json.dumps(conn))


def hook() -> NotionHook:
    return NotionHook(requests_per_second=None)


def trigger_path(database_id: str) -> str:
    trigger = NotionChangeTrigger(conn_id="notion_default", database_id=database_id, requests_per_second=None)

    async def resolve() -> str:
        return await trigger.query_path(await trigger.client())

    return asyncio.run(resolve())


def entry_points(database_id: str, tmp_path: Path) -> dict[str, Callable[[], Any]]:
    """Each public way to reach a database's rows, by its ``database_id``."""

    def upsert() -> Any:
        h = hook()
        parent = item_parent(h.version, database_id=database_id)
        return upsert_database_item(h, parent, {"Name": {"title": "u"}, "Count": {"number": 1}}, "Name")

    return {
        "hook.query_database": lambda: hook().query_database(database_id),
        "hook.iter_query": lambda: list(hook().iter_query(database_id)),
        "upsert": upsert,
        "sync": lambda: sync_rows(hook(), [{"Name": "s", "Count": 2}], key="Name", database_id=database_id),
        "export": lambda: NotionToObjectStorageOperator(
            task_id="export", database_id=database_id, path=str(tmp_path / "rows.jsonl"), format="jsonl", mode="full",
            requests_per_second=None,
        ).execute({}),
    }  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS)
def test_every_entry_point_queries_the_same_target(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, version: str
) -> None:
    emu = notion_emulator
    use_version(emu, monkeypatch, version)
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties=SCHEMA)
    expected = hook().target(db["id"]).query_path
    assert expected == (
        f"/databases/{db['id']}/query"
        if version == "2022-06-28"
        else f"/data_sources/{db['data_source_id']}/query"
    )
    assert trigger_path(db["id"]) == expected
    for name, call in entry_points(db["id"], tmp_path).items():
        emu.clear_request_log()
        call()
        queried = {record.path for record in emu.request_log if record.path.endswith("/query")}
        assert queried == {"/v1" + expected}, name


@pytest.mark.parametrize("version", VERSIONS[1:])
def test_several_data_sources_fail_the_same_way_everywhere_before_any_write(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, version: str
) -> None:
    emu = notion_emulator
    use_version(emu, monkeypatch, version)
    db = emu.add_database(
        parent_id=emu.root_page_id, title="Two", properties=SCHEMA, extra_data_sources=[{"title": "Archive"}]
    )
    calls = {**entry_points(db["id"], tmp_path), "change trigger": lambda: trigger_path(db["id"])}
    messages = set()
    for name, call in calls.items():
        emu.clear_request_log()
        with pytest.raises(NotionMultipleDataSourcesError) as raised:
            call()
        assert raised.value.database_id == db["id"], name
        assert [s["id"] for s in raised.value.data_sources] == db["data_source_ids"], name
        assert [r.method for r in emu.request_log] == ["GET"], name  # read the database, wrote nothing
        messages.add(str(raised.value))
    assert len(messages) == 1
    assert "Pass data_source_id" in messages.pop()
