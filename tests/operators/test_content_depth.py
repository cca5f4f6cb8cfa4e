"""How deep a block tree can be written: 100 levels against the emulator, deeper refused before any request
with a message naming the limit (appending 200 levels ran out of Python stack: a bare RecursionError)."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import pytest
from notion_emulator import NotionEmulator

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.hooks.notion import NotionHook
from airflow_provider_notion.jobs.page_content import MAX_WRITE_DEPTH, content_blocks, fetch_block_tree
from airflow_provider_notion.markdown import markdown_to_blocks
from airflow_provider_notion.operators.blocks import NotionAppendBlocksOperator

pytest_plugins = ["notion_emulator.pytest_plugin"]


def nested_list(depth: int) -> str:
    return "\n".join(" " * level + f"- level {level}" for level in range(depth))


def append(page_id: str, markdown: str) -> Any:
    operator = NotionAppendBlocksOperator(task_id="t", block_id=page_id, markdown=markdown)
    operator.hook.requests_per_second = None
    return operator.execute({"ti": MagicMock()})


def test_a_tree_as_deep_as_the_limit_is_written(notion_emulator_conn: NotionEmulator) -> None:
    emu = notion_emulator_conn
    append(emu.root_page_id, nested_list(MAX_WRITE_DEPTH))
    tree = fetch_block_tree(
        NotionHook(requests_per_second=None), emu.root_page_id, max_depth=MAX_WRITE_DEPTH + 1
    )
    depth, level = 0, tree
    while level:
        depth += 1
        level = [child for block in level for child in block.get("children", [])]
    assert depth == MAX_WRITE_DEPTH


@pytest.mark.parametrize("depth", [MAX_WRITE_DEPTH + 1, 1_000])
def test_a_deeper_tree_is_refused_before_any_request(
    notion_emulator_conn: NotionEmulator, depth: int
) -> None:
    emu = notion_emulator_conn
    emu.clear_request_log()
    with pytest.raises(
        NotionInputError, match=f"markdown: blocks are nested more than {MAX_WRITE_DEPTH} levels"
    ):
        append(emu.root_page_id, nested_list(depth))
    assert emu.request_log == []
    blocks = markdown_to_blocks(nested_list(depth))  # the converter itself reads any depth
    with pytest.raises(NotionInputError, match=f"children: blocks are nested more than {MAX_WRITE_DEPTH}"):
        content_blocks(children=blocks)
