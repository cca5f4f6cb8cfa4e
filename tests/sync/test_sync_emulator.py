"""sync_rows end to end against the emulator over real HTTP on loopback."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.sync import NotionSyncError
from airflow_provider_notion.jobs.sync.engine import sync_rows

pytest_plugins = ["notion_emulator.pytest_plugin"]

SCHEMA = {
    "Name": {"title": {}},
    "Score": {"number": {}},
    "Stage": {"select": {"options": [{"name": "open"}, {"name": "done"}]}},
    "Tags": {"multi_select": {}},
    "Due": {"date": {}},
    "Ok": {"checkbox": {}},
}


def connect(emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch, version: str) -> NotionHook:
    monkeypatch.setenv(
        "AIRFLOW_CONN_NOTION_DEFAULT",
        json.dumps({**emu.airflow_conn_dict, "extra": {"notion_version": version}}),
    )
    return NotionHook(requests_per_second=None)


def source(count: int) -> list[dict[str, Any]]:
    return [
        {
            "Name": f"item-{i}",
            "Score": i * 1.5,
            "Stage": "open" if i % 2 else "done",
            "Tags": ["a", "b"] if i % 3 else [],
            "Due": datetime(2026, 3, 1, 8, i % 60),  # naive: UTC
            "Ok": i % 4 == 0,
        }
        for i in range(count)
    ]


def names(emu: NotionEmulator, database_id: str) -> Counter[str]:
    with emu.state.lock:
        rows = emu.state.pages_in(database_id)
    return Counter("".join(p["plain_text"] for p in r["properties"]["Name"]["title"]) for r in rows)


def writes(emu: NotionEmulator) -> list[Any]:
    return [r for r in emu.request_log if r.method in ("POST", "PATCH") and "/query" not in r.path]


@pytest.mark.parametrize("version", ["2022-06-28", "2025-09-03", "2026-03-11"])
def test_load_rerun_change_and_delete(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties=SCHEMA)
    hook = connect(emu, monkeypatch, version)
    rows = source(120)
    schema_reads = 1 if version == "2022-06-28" else 2
    # The database's data sources are read once per hook (0.3.0), so a rerun on it reads only the schema.
    rerun_schema_reads = 1

    first = sync_rows(hook, rows, key="Name", database_id=db["id"])
    assert first["created"] == 120 and first["requests"] == schema_reads + 1 + 120
    assert names(emu, db["id"]) == Counter(f"item-{i}" for i in range(120))

    emu.clear_request_log()
    again = sync_rows(hook, rows, key="Name", database_id=db["id"])
    assert (again["unchanged"], again["created"], again["updated"]) == (120, 0, 0)
    assert again["requests"] == len(emu.request_log) == rerun_schema_reads + 2
    assert writes(emu) == []

    rows[7]["Score"] = 99
    rows[8]["Tags"] = ["c"]
    emu.clear_request_log()
    changed = sync_rows(hook, rows[:110], key="Name", database_id=db["id"], delete_missing=True)
    assert (changed["updated"], changed["trashed"], changed["unchanged"]) == (2, 10, 108)
    assert changed["requests"] == len(emu.request_log) == rerun_schema_reads + 2 + 12
    assert names(emu, db["id"]) == Counter(f"item-{i}" for i in range(110))
    trash_field = "archived" if version != "2026-03-11" else "in_trash"
    assert sum(1 for r in writes(emu) if r.body and trash_field in json.loads(r.body)) == 10


def test_rerun_after_a_write_with_lost_answer_ends_without_duplicates(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties=SCHEMA)
    hook = connect(emu, monkeypatch, "2026-03-11")
    # The first create is applied, then the connection is reset: the client cannot know it happened.
    emu.faults.inject(kind="reset", when="after", method="POST", path="^/v1/pages$", count=1)
    rows = source(30)
    with pytest.raises(NotionSyncError, match="may or may not have been applied"):
        sync_rows(hook, rows, key="Name", database_id=db["id"], max_workers=1)
    partial = names(emu, db["id"])
    assert 1 <= sum(partial.values()) < 30

    result = sync_rows(hook, rows, key="Name", database_id=db["id"])
    assert names(emu, db["id"]) == Counter(f"item-{i}" for i in range(30))  # each exactly once
    assert result["created"] == 30 - sum(partial.values())


def test_existing_rows_are_read_past_the_query_cap(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Big", properties=SCHEMA)
    creator = emu.default_integration().id
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=10)
    with emu.state.lock:
        for i in range(150):
            emu.state.create_page(
                parent_type="data_source_id",
                parent_id=db["data_source_id"],
                properties_input={
                    "Name": [{"type": "text", "text": {"content": f"row-{i}"}}],
                    "Score": {"number": i},
                },
                creator_id=creator,
                created=start + timedelta(minutes=i // 40),
            )
    emu.set_query_cap(50)
    hook = connect(emu, monkeypatch, "2026-03-11")
    rows = [{"Name": f"row-{i}", "Score": i} for i in range(151)]
    result = sync_rows(hook, rows, key="Name", database_id=db["id"])
    assert (result["existing"], result["unchanged"], result["created"]) == (150, 150, 1)
    assert sum(names(emu, db["id"]).values()) == 151


@pytest.mark.parametrize("version", ["2022-06-28", "2026-03-11"])
def test_missing_columns_are_added_in_one_schema_update(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    emu = notion_emulator
    db = emu.add_database(parent_id=emu.root_page_id, title="Items", properties={"Name": {"title": {}}})
    hook = connect(emu, monkeypatch, version)
    rows = [
        {"Name": "a", "Price": 3, "Seen": "2026-01-02", "Site": "https://x.org"},
        {"Name": "b", "Price": None},
    ]
    result = sync_rows(hook, rows, key="Name", database_id=db["id"], add_missing_properties=True)
    assert result["added_properties"] == {"Price": "number", "Seen": "date", "Site": "url"}
    schema_updates = [r for r in emu.request_log if r.method == "PATCH" and "/pages/" not in r.path]
    assert len(schema_updates) == 1
    again = sync_rows(hook, rows, key="Name", database_id=db["id"])
    assert again["unchanged"] == 2 and again["added_properties"] == {}
