"""The "Notion" extra link on every operator that reads or writes a Notion object: after a run against the
emulator (real HTTP), the link resolves, from the task's XCom, to the object the task worked on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.links import notion as links
from airflow_provider_notion.links.notion import NotionLink
from airflow_provider_notion.operators.blocks import NotionAppendBlocksOperator
from airflow_provider_notion.operators.comments import NotionCreateCommentOperator, NotionListCommentsOperator
from airflow_provider_notion.operators.databases import (
    NotionCreateDatabaseItemOperator,
    NotionQueryDatabaseOperator,
)
from airflow_provider_notion.operators.file_uploads import NotionUploadFileOperator
from airflow_provider_notion.operators.pages import (
    NotionGetPageContentOperator,
    NotionReplacePageContentOperator,
    NotionTrashPageOperator,
    NotionUpdatePageOperator,
)
from airflow_provider_notion.operators.sync import NotionSyncRowsOperator
from airflow_provider_notion.rules.ids import notion_link
from airflow_provider_notion.transfers.notion_to_object_storage import NotionToObjectStorageOperator
from airflow_provider_notion.transfers.sql_to_notion import SqlToNotionOperator

pytest_plugins = ["notion_emulator.pytest_plugin"]


class RecordingTaskInstance:
    """The part of a task instance the operators use: ``xcom_push``, kept for the link to read back."""

    def __init__(self) -> None:
        self.xcoms: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcoms[key] = value


Case = Callable[[NotionEmulator, dict[str, Any], Path], tuple[Any, str]]


def _sync(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    op = NotionSyncRowsOperator(task_id="t", database_id=w["db"], rows=[{"Name": "a"}], key="Name")
    return op, w["db_url"]


def _export(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    op = NotionToObjectStorageOperator(
        task_id="t", database_id=w["db"], path=str(tmp / "rows.jsonl"), mode="full", requests_per_second=None
    )
    return op, w["db_url"]


def _query(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    return NotionQueryDatabaseOperator(task_id="t", database_id=w["db"]), notion_link(w["db"])


def _create_item(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    op = NotionCreateDatabaseItemOperator(
        task_id="t", database_id=w["db"], properties={"Name": {"title": "new"}}
    )
    return op, "page url of the result"


def _update(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    op = NotionUpdatePageOperator(task_id="t", page_id=w["page"], icon={"type": "emoji", "emoji": "✅"})
    return op, w["page_url"]


def _trash(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    return NotionTrashPageOperator(task_id="t", page_id=w["page"]), w["page_url"]


def _append(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    return NotionAppendBlocksOperator(task_id="t", block_id=w["page"], markdown="Hello"), notion_link(
        w["page"]
    )


def _get_content(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    return NotionGetPageContentOperator(task_id="t", page_id=w["page"]), notion_link(w["page"])


def _replace_content(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    op = NotionReplacePageContentOperator(task_id="t", page_id=w["page"], markdown="# New")
    return op, notion_link(w["page"])


def _comment(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    return NotionCreateCommentOperator(task_id="t", page_id=w["page"], text="Done"), notion_link(w["page"])


def _list_comments(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    return NotionListCommentsOperator(task_id="t", block_id=w["page"]), notion_link(w["page"])


def _upload(emu: NotionEmulator, w: dict[str, Any], tmp: Path) -> tuple[Any, str]:
    source = tmp / "report.csv"
    source.write_text("a,b\n1,2\n")
    op = NotionUploadFileOperator(task_id="t", path=str(source), attach_to=w["page"])
    return op, notion_link(w["page"])


CASES: dict[str, Case] = {
    "sync": _sync,
    "export": _export,
    "query": _query,
    "create_item": _create_item,
    "update": _update,
    "trash": _trash,
    "append": _append,
    "page_content": _get_content,
    "replace_content": _replace_content,
    "comment": _comment,
    "list_comments": _list_comments,
    "upload": _upload,
}


@pytest.fixture
def workspace(notion_emulator_conn: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("AIRFLOW__NOTION__PACING_BACKEND", "off")
    emu = notion_emulator_conn
    database = emu.add_database(parent_id=emu.root_page_id, title="Tasks", properties={"Name": {"title": {}}})
    page = emu.add_page(parent_id=emu.root_page_id, title="Weekly report")
    hook = NotionHook()
    return {
        "db": database["id"],
        "db_url": hook.get_database(database["id"])["url"],
        "page": page["id"],
        "page_url": hook.get_page(page["id"])["url"],
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_task_links_to_its_notion_object_after_a_run(
    case: str,
    workspace: dict[str, Any],
    notion_emulator_conn: NotionEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    operator, expected = CASES[case](notion_emulator_conn, workspace, tmp_path)
    assert any(isinstance(link, NotionLink) for link in operator.operator_extra_links)
    ti = RecordingTaskInstance()
    result = operator.execute({"ti": ti})
    if case == "create_item":
        expected = result["url"]

    # What the UI does: the link reads the task's XCom notion_url.
    monkeypatch.setattr(links.XCom, "get_value", lambda *, key, ti_key: ti.xcoms.get(key))
    url = NotionLink().get_link(operator, ti_key=object())
    assert url == expected
    object_id = workspace["db"] if case in ("sync", "export", "query", "create_item") else workspace["page"]
    if case != "create_item":
        assert object_id.replace("-", "") in url


def test_the_sql_transfer_inherits_the_link() -> None:
    assert any(isinstance(link, NotionLink) for link in SqlToNotionOperator.operator_extra_links)


def test_a_link_by_id_is_a_notion_web_link() -> None:
    assert (
        notion_link("248104CD477E80AFBC30000BD28DE8F9")
        == "https://www.notion.so/248104cd477e80afbc30000bd28de8f9"
    )
