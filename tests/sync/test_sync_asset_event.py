"""What a sync tells the DAGs scheduled on its database: a readable asset name, and an event carrying the
database's title, the counts, the requests and the ids (bounded), read back from Airflow's event accessors."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import pytest
from airflow.sdk.execution_time.context import OutletEventAccessors
from notion_emulator import NotionEmulator

from airflow_provider_notion.assets import notion_asset
from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.lineage import EVENT_MAX_IDS, sync_event_extra
from airflow_provider_notion.operators.sync import NotionSyncRowsOperator

pytest_plugins = ["notion_emulator.pytest_plugin"]

SCHEMA = {"SKU": {"title": {}}, "Stock": {"number": {}}}


def _sync(database_id: str, rows: list[dict[str, Any]], **kwargs: Any) -> tuple[Any, OutletEventAccessors]:
    task = NotionSyncRowsOperator(
        task_id="sync", database_id=database_id, rows=rows, key="SKU", asset_name="inventory", **kwargs
    )
    task.hook.requests_per_second = None
    events = OutletEventAccessors()
    task.execute({"ti": MagicMock(), "outlet_events": events})
    return task, events


def test_the_sync_outlet_has_the_chosen_name_and_its_event_says_what_changed(
    notion_emulator_conn: NotionEmulator,
) -> None:
    emu = notion_emulator_conn
    database = emu.add_database(parent_id=emu.root_page_id, title="Warehouse stock", properties=SCHEMA)
    task, events = _sync(database["id"], [{"SKU": f"A-{i}", "Stock": i} for i in range(3)])
    (asset,) = task.outlets
    assert (asset.name, asset.uri) == ("inventory", f"notion://database/{database['id']}")
    # The consumer names the same asset: one asset for Airflow, not two with one URI.
    assert notion_asset("database", database["id"].replace("-", ""), name="inventory") == asset

    first = events[asset].extra
    assert first["title"] == "Warehouse stock"
    assert (first["created"], first["updated"], first["unchanged"], first["trashed"]) == (3, 0, 0, 0)
    assert first["requests"] >= 4
    created = {row.id for row in emu.state.data_sources[str(database["data_source_id"])].rows.values()}
    assert set(first["created_ids"]) == created
    assert (first["updated_ids"], first["trashed_ids"], first["ids_truncated"]) == ([], [], False)

    _, events = _sync(
        database["id"], [{"SKU": "A-0", "Stock": 0}, {"SKU": "A-1", "Stock": 10}], delete_missing=True
    )
    second = events[asset].extra
    assert (second["created"], second["updated"], second["unchanged"], second["trashed"]) == (0, 1, 1, 1)
    assert len(second["updated_ids"]) == 1 and len(second["trashed_ids"]) == 1
    assert second["title"] == "Warehouse stock"


def test_the_event_carries_at_most_the_bound_of_ids_and_says_so() -> None:
    many = [f"{i:032x}" for i in range(EVENT_MAX_IDS + 5)]
    extra = sync_event_extra(
        {"title": "T", "created": len(many), "created_ids": many, "updated": 0, "trashed": 0, "unchanged": 0}
    )
    assert extra["created_ids"] == many[:EVENT_MAX_IDS]
    assert extra["created"] == EVENT_MAX_IDS + 5
    assert extra["ids_truncated"] is True


def test_an_asset_name_needs_a_literal_id_and_text() -> None:
    with pytest.raises(NotionInputError) as raised:
        NotionSyncRowsOperator(
            task_id="s", database_id="{{ var.value.db }}", rows=[], key="SKU", asset_name="inventory"
        )
    assert raised.value.field == "asset_name"
    with pytest.raises(NotionInputError):
        NotionSyncRowsOperator(
            task_id="s", database_id="248104cd477e80afbc30000bd28de8f9", rows=[], key="SKU", asset_name=" "
        )
    with pytest.raises(NotionInputError) as named:
        notion_asset("database", "248104cd477e80afbc30000bd28de8f9", name="")
    assert named.value.field == "name"
