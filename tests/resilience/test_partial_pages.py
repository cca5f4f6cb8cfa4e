"""A page with more than 100 blocks is written complete or not at all; an upsert retry finishes its row."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionChildrenMismatchError, NotionPartialPageError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionCreatePageOperator,
)


@pytest.fixture(autouse=True)
def _no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__NOTION__PACING_BACKEND", "off")


def paragraphs(count: int, prefix: str = "line") -> list[dict[str, Any]]:
    return [
        {
            "object": "block",
            "type": "paragraph",
            "paragraph": {"rich_text": [{"type": "text", "text": {"content": f"{prefix} {n}"}}]},
        }
        for n in range(1, count + 1)
    ]


def texts(page_id: str) -> list[str]:
    blocks = NotionHook(requests_per_second=None).list_block_children(page_id, fetch_all=True)["results"]
    return [block["paragraph"]["rich_text"][0]["plain_text"] for block in blocks]


def rows(database: dict[str, Any]) -> list[dict[str, Any]]:
    hook = NotionHook(requests_per_second=None)
    return list(hook.query_database(data_source_id=database["data_source_id"], fetch_all=True)["results"])


def upsert(database: dict[str, Any], children: list[dict[str, Any]]) -> Any:
    return NotionCreateDatabaseItemOperator(
        task_id="load",
        database_id=database["id"],
        properties={"Name": "key-1", "Count": {"number": 1}},
        children=children,
        unique_property="Name",
    ).execute({"ti": MagicMock()})


def fail_the_append(emu: NotionEmulator, *, applied: bool = False) -> None:
    emu.faults.inject(
        kind="status", status=500, method="PATCH", path="/children$", when="after" if applied else "before"
    )


def fail_the_trash(emu: NotionEmulator) -> None:
    emu.faults.inject(kind="status", status=500, method="PATCH", path="^/v1/pages/")


def test_an_upsert_retry_appends_the_missing_children_in_order(
    emu: NotionEmulator, database: dict[str, Any]
) -> None:
    wanted = paragraphs(150)
    fail_the_append(emu)
    fail_the_trash(emu)
    with pytest.raises(NotionPartialPageError, match="lacks blocks 101-150") as caught:
        upsert(database, wanted)  # try 1: row created with 100 blocks, the append of 101-150 fails
    assert not caught.value.trashed
    assert len(texts(caught.value.page_id)) == 100

    page = upsert(database, wanted)  # try 2 finds the row and finishes it
    assert [row["id"] for row in rows(database)] == [page["id"]] == [caught.value.page_id]
    assert texts(page["id"]) == [f"line {n}" for n in range(1, 151)]


def test_an_upsert_retry_after_a_lost_answer_appends_nothing_twice(
    emu: NotionEmulator, database: dict[str, Any]
) -> None:
    wanted = paragraphs(150)
    fail_the_append(emu, applied=True)  # the append happened, its answer was lost
    fail_the_trash(emu)
    with pytest.raises(NotionPartialPageError):
        upsert(database, wanted)
    page = upsert(database, wanted)
    assert texts(page["id"]) == [f"line {n}" for n in range(1, 151)]


def test_a_partial_row_is_trashed_so_the_retry_creates_it_complete(
    emu: NotionEmulator, database: dict[str, Any]
) -> None:
    wanted = paragraphs(150)
    fail_the_append(emu)
    with pytest.raises(NotionPartialPageError, match="moved to the trash") as caught:
        upsert(database, wanted)
    assert caught.value.trashed and rows(database) == []

    page = upsert(database, wanted)
    assert page["id"] != caught.value.page_id
    assert [row["id"] for row in rows(database)] == [page["id"]]
    assert texts(page["id"]) == [f"line {n}" for n in range(1, 151)]


def test_a_row_with_other_children_fails_naming_what_is_missing(
    emu: NotionEmulator, database: dict[str, Any]
) -> None:
    fail_the_append(emu)
    fail_the_trash(emu)
    with pytest.raises(NotionPartialPageError):
        upsert(database, paragraphs(150, prefix="old"))
    with pytest.raises(NotionChildrenMismatchError, match=r"blocks 101-150 are missing") as caught:
        upsert(database, paragraphs(150, prefix="new"))
    assert "block 1 has other text" in str(caught.value)
    assert len(texts(rows(database)[0]["id"])) == 100  # nothing appended to a row it cannot vouch for


def test_create_page_leaves_no_partial_page(emu: NotionEmulator) -> None:
    fail_the_append(emu)
    with pytest.raises(NotionPartialPageError, match="moved to the trash") as caught:
        NotionCreatePageOperator(
            task_id="page", parent=emu.root_page_id, properties={"title": "Report"}, children=paragraphs(150)
        ).execute({"ti": MagicMock()})
    page = NotionHook(requests_per_second=None).get_page(caught.value.page_id)
    assert page.get("in_trash") or page.get("archived")
