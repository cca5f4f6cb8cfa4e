"""NotionCreateDatabaseOperator(if_exists=...) against the emulator: find by title under the parent."""

from __future__ import annotations

import json
from typing import Any
from unittest.mock import MagicMock

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.operators.notion import NotionCreateDatabaseOperator

pytest_plugins = ["notion_emulator.pytest_plugin"]

SCHEMA = {"Name": {"title": {}}}


def create(emu: NotionEmulator, parent: str, title: str = "Readings", **kwargs: Any) -> dict[str, Any]:
    operator = NotionCreateDatabaseOperator(
        task_id="t", parent=parent, title=title, properties=SCHEMA, **kwargs
    )
    operator.hook.requests_per_second = None
    return dict(operator.execute({"ti": MagicMock()}))


def databases_under(emu: NotionEmulator, parent: str) -> list[str]:
    return [db.id for db in emu.state.databases.values() if db.parent_id == parent and not db.in_trash]


@pytest.mark.parametrize("version", ["2022-06-28", "2025-09-03", "2026-03-11"])
def test_reuse_creates_once_then_returns_the_same_database(
    notion_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    emu = notion_emulator
    monkeypatch.setenv(
        "AIRFLOW_CONN_NOTION_DEFAULT",
        json.dumps({**emu.airflow_conn_dict, "extra": {"notion_version": version}}),
    )
    root = emu.root_page_id
    other = emu.add_page(parent_id=root, title="Elsewhere")["id"]
    emu.add_database(parent_id=other, title="Readings", properties=SCHEMA)  # same title, other parent
    emu.add_database(parent_id=root, title="Readings archive", properties=SCHEMA)  # title contains it

    first = create(emu, root, if_exists="reuse")
    second = create(emu, root, if_exists="reuse")
    assert first["id"] == second["id"]
    assert first["id"] in databases_under(emu, root)
    assert len(databases_under(emu, root)) == 2  # "Readings archive" and the one created
    if version != "2022-06-28":
        assert second["data_sources"]  # the database object, so output["id"] is the database id

    with pytest.raises(NotionError, match="if_exists='error'"):
        create(emu, root, if_exists="error")
    third = create(emu, root)  # default: create, no lookup
    assert third["id"] != first["id"]
    with pytest.raises(NotionError, match="2 databases titled 'Readings'.*reuse needs one"):
        create(emu, root, if_exists="reuse")


def test_a_trashed_database_is_not_reused(notion_emulator_conn: NotionEmulator) -> None:
    emu = notion_emulator_conn
    first = create(emu, emu.root_page_id, if_exists="reuse")
    emu.state.databases[first["id"]].in_trash = True
    assert create(emu, emu.root_page_id, if_exists="reuse")["id"] != first["id"]


def test_unknown_if_exists_is_refused_before_any_request(notion_emulator_conn: NotionEmulator) -> None:
    with pytest.raises(NotionInputError, match="if_exists"):
        create(notion_emulator_conn, notion_emulator_conn.root_page_id, if_exists="replace")
    assert notion_emulator_conn.request_log == []
