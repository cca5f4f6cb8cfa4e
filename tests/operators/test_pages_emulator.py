"""The page, content, comment and upload operators end to end against the emulator over loopback HTTP.

The emulator renders and parses page Markdown with its own code, so writing with the provider's converter and
reading with the emulator's Markdown (and the reverse) checks each against the other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowSkipException
from notion_emulator import NotionEmulator

from airflow_provider_notion.jobs.file_upload import MIB
from airflow_provider_notion.markdown import blocks_to_markdown, markdown_to_blocks
from airflow_provider_notion.operators.blocks import NotionAppendBlocksOperator
from airflow_provider_notion.operators.comments import NotionCreateCommentOperator, NotionListCommentsOperator
from airflow_provider_notion.operators.file_uploads import NotionUploadFileOperator
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionCreatePageOperator,
    NotionListPagesOperator,
)
from airflow_provider_notion.operators.pages import (
    NotionGetPageContentOperator,
    NotionReplacePageContentOperator,
    NotionTrashPageOperator,
    NotionUpdatePageOperator,
)
from tests.operators.helpers import VERSIONS

REPORT = """# Daily report

Rows loaded: **42**, failed: _none_.

| Name | Score |
|---|---|
| alpha | 1 |
| beta | 2 |

- checks
    - schema
        - nullable columns
            - none found

```sql
select count(*) from rows
```
"""


@pytest.fixture
def on_version(emu: NotionEmulator, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    def use(version: str) -> None:
        conn = {**emu.airflow_conn_dict, "extra": {"notion_version": version}}
        monkeypatch.setenv("AIRFLOW_CONN_NOTION_DEFAULT", json.dumps(conn))

    return use


def _new_page(emu: NotionEmulator, context: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    result: dict[str, Any] = NotionCreatePageOperator(
        task_id="create", parent=emu.root_page_id, properties={"title": "Report"}, **kwargs
    ).execute(context)
    return result


@pytest.mark.parametrize("version", VERSIONS)
def test_markdown_written_by_the_converter_reads_back_the_same(
    version: str, emu: NotionEmulator, on_version: Callable[[str], None], context: dict[str, Any]
) -> None:
    on_version(version)
    page = _new_page(emu, context, markdown=REPORT)
    # Four levels of nesting: the create took two, the rest was appended afterwards.
    result = NotionGetPageContentOperator(task_id="get", page_id=page["id"]).execute(context)
    assert result["source"] == ("notion" if version == "2026-03-11" else "converter")
    # Notion's (here: the emulator's) dialect differs in details (tabs, *italic*), not in content.
    assert blocks_to_markdown(markdown_to_blocks(result["markdown"])) == REPORT


def test_markdown_written_by_the_emulator_reads_back_with_the_converter(
    emu: NotionEmulator, on_version: Callable[[str], None], context: dict[str, Any]
) -> None:
    on_version("2026-03-11")
    page = _new_page(emu, context)
    NotionReplacePageContentOperator(task_id="replace", page_id=page["id"], markdown=REPORT).execute(context)
    converted = NotionGetPageContentOperator(
        task_id="get", page_id=page["id"], use_markdown_endpoint=False
    ).execute(context)
    assert converted["markdown"] == REPORT


@pytest.mark.parametrize("version", ["2022-06-28", "2026-03-11"])
def test_replace_twice_leaves_only_the_new_content(
    version: str, emu: NotionEmulator, on_version: Callable[[str], None], context: dict[str, Any]
) -> None:
    on_version(version)
    page = _new_page(emu, context, markdown="old line\n\n- old item\n")
    for run in (1, 2):
        NotionReplacePageContentOperator(
            task_id="replace", page_id=page["id"], markdown=f"# Run {run}\n\nnew\n"
        ).execute(context)
    blocks = emu.state.block_children_of(page["id"])
    assert [b["type"] for b in blocks] == ["heading_1", "paragraph"]
    assert blocks[0]["heading_1"]["rich_text"][0]["plain_text"] == "Run 2"


def test_append_250_blocks_in_order_after_a_block(
    emu: NotionEmulator, on_version: Callable[[str], None], context: dict[str, Any]
) -> None:
    on_version("2026-03-11")
    page = _new_page(emu, context, markdown="first\n\nlast\n")
    first = emu.state.block_children_of(page["id"])[0]["id"]
    result = NotionAppendBlocksOperator(
        task_id="append", block_id=page["id"], markdown="\n".join(f"- {n}" for n in range(250)), after=first
    ).execute(context)
    assert len(result["results"]) == 250
    texts = [b[b["type"]]["rich_text"][0]["plain_text"] for b in emu.state.block_children_of(page["id"])]
    assert texts == ["first", *[str(n) for n in range(250)], "last"]


@pytest.mark.parametrize("version", VERSIONS)
def test_update_trash_and_restore(
    version: str, emu: NotionEmulator, on_version: Callable[[str], None], context: dict[str, Any]
) -> None:
    on_version(version)
    db = emu.add_database(
        parent_id=emu.root_page_id,
        title="Tasks",
        properties={
            "Name": {"title": {}},
            "State": {"select": {"options": [{"name": "Ready"}, {"name": "Done"}]}},
        },
    )
    row = NotionCreateDatabaseItemOperator(
        task_id="row",
        database_id=db["id"],
        properties={"Name": {"title": "job"}, "State": {"select": {"name": "Ready"}}},
        markdown="Notes for the job\n",
    ).execute(context)
    move = {"task_id": "u", "page_id": row["id"], "only_if_property": "State", "only_if_equals": "Ready"}
    updated = NotionUpdatePageOperator(properties={"State": {"select": {"name": "Done"}}}, **move).execute(
        context
    )
    assert updated["properties"]["State"]["select"]["name"] == "Done"
    with pytest.raises(AirflowSkipException):  # it is no longer Ready: nothing is written
        NotionUpdatePageOperator(properties={"State": {"select": {"name": "Ready"}}}, **move).execute(context)
    assert emu.state.get_page(row["id"])["properties"]["State"]["select"]["name"] == "Done"
    NotionTrashPageOperator(task_id="t", page_id=row["id"]).execute(context)
    assert emu.state.pages[row["id"]].in_trash
    NotionTrashPageOperator(task_id="t", page_id=row["id"], restore=True).execute(context)
    assert not emu.state.pages[row["id"]].in_trash


def test_comments_with_mentions_and_replies(
    emu: NotionEmulator, on_version: Callable[[str], None], context: dict[str, Any]
) -> None:
    on_version("2025-09-03")
    page = _new_page(emu, context)
    ada = next(p for p in emu.state.people.values() if p.get("email"))
    first = NotionCreateCommentOperator(
        task_id="c", page_id=page["id"], text=f"Report ready <@{ada['email'].upper()}>"
    ).execute(context)
    assert first["rich_text"][1]["plain_text"] == "@" + ada["name"]
    NotionCreateCommentOperator(task_id="r", discussion_id=first["discussion_id"], text="thanks").execute(
        context
    )
    for n in range(3):
        NotionCreateCommentOperator(task_id="c", page_id=page["id"], text=f"note {n}").execute(context)
    listed = NotionListCommentsOperator(
        task_id="l", block_id=page["id"], fetch_all=True, page_size=2
    ).execute(context)
    texts = ["".join(t["plain_text"] for t in c["rich_text"]) for c in listed["results"]]
    assert texts == [f"Report ready @{ada['name']}", "thanks", "note 0", "note 1", "note 2"]
    assert len({c["discussion_id"] for c in listed["results"]}) == 4


@pytest.mark.parametrize("size", [1000, 11 * MIB])
def test_upload_and_attach(
    size: int, emu: NotionEmulator, on_version: Callable[[str], None], context: dict[str, Any], tmp_path: Path
) -> None:
    on_version("2026-03-11")
    emu.config.max_file_upload_bytes = 50 * MIB
    page = _new_page(emu, context)
    source = tmp_path / "results.csv"
    with source.open("wb") as handle:
        handle.write(b"x" * size)
    result = NotionUploadFileOperator(
        task_id="u", path=str(source), attach_to=page["id"], part_size=5 * MIB
    ).execute(context)
    upload = result["upload"]
    assert (upload["status"], upload["content_length"]) == ("uploaded", size)
    stored = emu.state.file_uploads.get(upload["id"], emu.default_integration().id)
    assert stored is not None and stored.data == b"x" * size
    assert stored.mode == ("single_part" if size < 10 * MIB else "multi_part")
    (block,) = emu.state.block_children_of(page["id"])
    assert block["type"] == "file" and result["attachment"]["id"] == block["id"]


def test_search_by_title(
    emu: NotionEmulator, on_version: Callable[[str], None], context: dict[str, Any]
) -> None:
    on_version("2026-03-11")
    NotionCreatePageOperator(
        task_id="c", parent=emu.root_page_id, properties={"title": "Weekly zebra"}
    ).execute(context)
    found = NotionListPagesOperator(task_id="l", query="zebra", fetch_all=True).execute(context)
    assert [p["id"] for p in found["results"]] and all(
        "zebra" in p["properties"]["title"]["title"][0]["plain_text"] for p in found["results"]
    )


def test_upload_from_an_object_storage_url_into_a_files_property(
    emu: NotionEmulator, on_version: Callable[[str], None], context: dict[str, Any], tmp_path: Path
) -> None:
    on_version("2025-09-03")
    db = emu.add_database(
        parent_id=emu.root_page_id, title="Docs", properties={"Name": {"title": {}}, "Files": {"files": {}}}
    )
    row = emu.add_page(parent_id=db["id"], title="row")
    source = tmp_path / "notes.txt"
    source.write_text("hello")
    result = NotionUploadFileOperator(
        task_id="u", path=f"file://{source}", attach_to=row["id"], attach_as="property", property_name="Files"
    ).execute(context)
    assert result["upload"]["filename"] == "notes.txt"
    files = emu.state.get_page(row["id"])["properties"]["Files"]["files"]
    assert len(files) == 1 and files[0]["name"] == "notes.txt"
    assert result["attachment"]["id"] == row["id"]


@pytest.mark.parametrize("version", VERSIONS)
def test_update_with_plain_values(
    version: str, emu: NotionEmulator, on_version: Callable[[str], None], context: dict[str, Any]
) -> None:
    on_version(version)
    db = emu.add_database(
        parent_id=emu.root_page_id,
        title="Jobs",
        properties={
            "Name": {"title": {}},
            "State": {"select": {"options": [{"name": "Ready"}, {"name": "Done"}]}},
            "Runs": {"number": {}},
            "Owner": {"people": {}},
            "Due": {"date": {}},
        },
    )
    row = emu.add_page(parent_id=db["id"], title="job")
    ada = next(p for p in emu.state.people.values() if p.get("email"))
    NotionUpdatePageOperator(
        task_id="u",
        page_id=row["id"],
        properties={
            "State": "Done",
            "Runs": 3,
            "Owner": [ada["email"]],
            "Due": "2026-03-01",
            "Name": "renamed",
        },
    ).execute(context)
    values = emu.state.get_page(row["id"])["properties"]
    assert values["State"]["select"]["name"] == "Done"
    assert values["Runs"]["number"] == 3
    assert [p["id"] for p in values["Owner"]["people"]] == [
        uid for uid, p in emu.state.people.items() if p is ada
    ]
    assert values["Due"]["date"]["start"] == "2026-03-01"
    assert values["Name"]["title"][0]["plain_text"] == "renamed"
