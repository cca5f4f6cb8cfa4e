"""The asset events of the page and row writers carry the object's title and what was done, and their outlets
take a readable name; read back from Airflow's event accessors after a run against the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from airflow.sdk.execution_time.context import OutletEventAccessors
from notion_emulator import NotionEmulator

from airflow_provider_notion.operators.databases import NotionCreateDatabaseItemOperator
from airflow_provider_notion.operators.pages import (
    NotionReplacePageContentOperator,
    NotionTrashPageOperator,
    NotionUpdatePageOperator,
)
from tests.operators.test_notion_links import RecordingTaskInstance

pytest_plugins = ["notion_emulator.pytest_plugin"]


@pytest.fixture
def emu(notion_emulator_conn: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> NotionEmulator:
    monkeypatch.setenv("AIRFLOW__NOTION__PACING_BACKEND", "off")
    return notion_emulator_conn


def _run(operator: Any) -> tuple[dict[str, Any], Any]:
    events = OutletEventAccessors()
    result = operator.execute({"ti": RecordingTaskInstance(), "outlet_events": events})
    (asset,) = operator.outlets
    return events[asset].extra, result


def test_a_new_row_names_its_database_and_itself(emu: NotionEmulator) -> None:
    database = emu.add_database(
        parent_id=emu.root_page_id, title="Incidents", properties={"Case": {"title": {}}}
    )
    operator = NotionCreateDatabaseItemOperator(
        task_id="t",
        database_id=database["id"],
        properties={"Case": {"title": "Disk full"}},
        asset_name="incidents",
    )
    assert operator.outlets[0].name == "incidents"
    extra, page = _run(operator)
    assert extra == {
        "title": "Incidents",
        "page_id": page["id"],
        "page_title": "Disk full",
        "url": page["url"],
        "action": "created",
    }


@pytest.mark.parametrize("kind", ["update", "trash"])
def test_a_page_write_names_the_page(emu: NotionEmulator, kind: str) -> None:
    page = emu.add_page(parent_id=emu.root_page_id, title="Q3 plan")
    operator: Any = (
        NotionUpdatePageOperator(task_id="t", page_id=page["id"], icon={"type": "emoji", "emoji": "📈"})
        if kind == "update"
        else NotionTrashPageOperator(task_id="t", page_id=page["id"], asset_name="q3_plan")
    )
    extra, written = _run(operator)
    assert extra == {
        "title": "Q3 plan",
        "page_id": page["id"],
        "url": written["url"],
        "in_trash": kind == "trash",
    }


def test_replaced_content_names_the_page_it_read_once(emu: NotionEmulator) -> None:
    page = emu.add_page(parent_id=emu.root_page_id, title="Daily report")
    operator = NotionReplacePageContentOperator(
        task_id="t", page_id=page["id"], markdown="# Today\n\nAll good."
    )
    emu.clear_request_log()
    extra, result = _run(operator)
    assert extra["title"] == "Daily report"
    assert (extra["page_id"], extra["method"], extra["appended"]) == (
        page["id"],
        result["method"],
        result["appended"],
    )
    reads = [r for r in emu.request_log if r.method == "GET" and r.path == f"/v1/pages/{page['id']}"]
    assert len(reads) == 1


def test_without_outlets_no_title_is_read(emu: NotionEmulator) -> None:
    page = emu.add_page(parent_id=emu.root_page_id, title="Daily report")
    operator = NotionReplacePageContentOperator(task_id="t", page_id="{{ params.page }}", markdown="x")
    operator.page_id = page["id"]  # as rendered: a templated id declares no outlet
    emu.clear_request_log()
    operator.execute({"ti": RecordingTaskInstance(), "outlet_events": OutletEventAccessors()})
    assert not [r for r in emu.request_log if r.method == "GET" and r.path == f"/v1/pages/{page['id']}"]
