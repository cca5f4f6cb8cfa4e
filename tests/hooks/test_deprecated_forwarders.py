"""``NotionHook.sync_rows`` and ``upsert_database_item`` (0.2) still work, warn, and do what the jobs do."""

from __future__ import annotations

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.rules.targets import item_parent

pytest_plugins = ["notion_emulator.pytest_plugin"]

SCHEMA = {"Name": {"title": {}}, "Score": {"number": {}}}


def test_sync_rows_forwards_to_the_job_and_warns(notion_emulator_conn: NotionEmulator) -> None:
    emu = notion_emulator_conn
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties=SCHEMA)
    hook = NotionHook(requests_per_second=None)
    with pytest.warns(DeprecationWarning, match=r"jobs\.sync\.engine\.sync_rows"):
        result = hook.sync_rows([{"Name": "a", "Score": 1}], key="Name", database_id=db["id"])
    assert (result["created"], result["data_source_id"]) == (1, db["data_source_id"])
    with emu.state.lock:
        assert len(emu.state.pages_in(db["id"])) == 1


def test_upsert_database_item_forwards_to_the_job_and_warns(notion_emulator_conn: NotionEmulator) -> None:
    emu = notion_emulator_conn
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties=SCHEMA)
    hook = NotionHook(requests_per_second=None)
    parent = item_parent(hook.version, database_id=db["id"])
    row = {"Name": {"title": "a"}, "Score": {"number": 2}}
    with pytest.warns(DeprecationWarning, match=r"jobs\.upsert\.upsert_database_item"):
        first, created = hook.upsert_database_item(parent, row, "Name")
    with pytest.warns(DeprecationWarning, match="upsert_database_item"):
        again, created_again = hook.upsert_database_item(parent, {**row, "Score": {"number": 3}}, "Name")
    assert (created, created_again, again["id"]) == (True, False, first["id"])
    assert again["properties"]["Score"]["number"] == 3
