"""Exports against the local emulator: a database with every property type, rows at chosen times."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from airflow_provider_notion.emulator import NotionEmulator

EVERY_TYPE_SCHEMA: dict[str, Any] = {
    "Name": {"title": {}},
    "Notes": {"rich_text": {}},
    "Count": {"number": {"format": "number"}},
    "Tag": {"select": {"options": [{"name": "red"}, {"name": "blue"}]}},
    "State": {"status": {}},
    "Labels": {"multi_select": {"options": [{"name": "x"}, {"name": "y"}]}},
    "Due": {"date": {}},
    "Owner": {"people": {}},
    "Done": {"checkbox": {}},
    "Link": {"url": {}},
    "Mail": {"email": {}},
    "Phone": {"phone_number": {}},
    "Attachments": {"files": {}},
    "Ticket": {"unique_id": {"prefix": "TCK"}},
    "Created": {"created_time": {}},
    "Edited": {"last_edited_time": {}},
    "Creator": {"created_by": {}},
    "Editor": {"last_edited_by": {}},
}


def title(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": text}}]


@pytest.fixture(scope="module")
def module_emulator() -> Iterator[NotionEmulator]:
    with NotionEmulator(seed="demo") as emulator:
        yield emulator


@pytest.fixture
def emu(module_emulator: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionEmulator:
    module_emulator.reset()
    module_emulator.set_query_cap(10_000)
    monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", module_emulator.airflow_conn_json)
    return module_emulator


def add_computed_properties(emu: NotionEmulator, data_source_id: str) -> None:
    """Formula, rollup and relation columns: the emulator cannot create formula/rollup schemas over the API,
    so they are put into its state as Notion returns them."""
    with emu.state.lock:
        source = emu.state.data_sources[data_source_id]
        source.schema["Score"] = {
            "id": "fScr",
            "name": "Score",
            "type": "formula",
            "formula": {"expression": "1"},
        }
        source.schema["Total"] = {
            "id": "rTot",
            "name": "Total",
            "type": "rollup",
            "rollup": {
                "function": "sum",
                "relation_property_name": "Related",
                "rollup_property_name": "Count",
            },
        }
        source.schema["Related"] = {
            "id": "rRel",
            "name": "Related",
            "type": "relation",
            "relation": {"data_source_id": data_source_id, "type": "single_property", "single_property": {}},
        }


def set_page_values(emu: NotionEmulator, page_id: str, values: dict[str, Any]) -> None:
    """Write property values straight into the emulator's page (for the read-only/computed types)."""
    with emu.state.lock:
        page = emu.state.pages[page_id]
        page.row["properties"].update(values)
        emu.state.data_sources[str(page.parent_id)].revision += 1


def set_edited(emu: NotionEmulator, page_id: str, moment: datetime) -> None:
    """Make a row look last edited at ``moment`` (kept to the minute, as Notion does)."""
    with emu.state.lock:
        page = emu.state.pages[page_id]
        page.last_edited = moment
        page.row["last_edited_time"] = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:00.000Z")
        emu.state.data_sources[str(page.parent_id)].revision += 1  # the emulator caches sorted queries
