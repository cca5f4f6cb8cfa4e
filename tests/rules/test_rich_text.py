"""One rich-text reader (``from_notion.plain_text``): a row's value, an export cell, an update condition and the
block comparison of an upsert retry read the same text from the same rich text."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_notion.jobs.export.columns import build_columns, flatten_page
from airflow_provider_notion.rules.children import missing_children
from airflow_provider_notion.rules.values.conditions import property_matches
from airflow_provider_notion.rules.values.from_notion import plain_value

# As sent (no plain_text) and as Notion answers (plain_text added), for text, an equation and a mention.
SENT: list[dict[str, Any]] = [
    {"type": "text", "text": {"content": "E = "}},
    {"type": "equation", "equation": {"expression": "mc^2"}},
]
ANSWERED: list[dict[str, Any]] = [
    {"type": "text", "text": {"content": "E = "}, "plain_text": "E = ", "annotations": {"bold": True}},
    {"type": "equation", "equation": {"expression": "mc^2"}, "plain_text": "mc^2"},
]


@pytest.mark.parametrize("items", [SENT, ANSWERED], ids=["sent", "answered"])
def test_every_reader_reads_the_same_text(items: list[dict[str, Any]]) -> None:
    value = {"id": "p", "type": "rich_text", "rich_text": items}
    page = {"id": "r", "properties": {"Note": value}}
    export = flatten_page(page, build_columns({"Note": {"id": "n", "type": "rich_text"}}))["Note"]
    assert plain_value(value) == export == "E = mc^2"
    assert property_matches(page, "Note", "E = mc^2")[0]


def test_an_upsert_retry_recognises_a_block_with_an_equation_it_already_wrote() -> None:
    """Before: the requested block read as "E = " (equations skipped), the written one as "E = mc^2", so
    finishing the row failed with NotionChildrenMismatchError."""
    requested = [{"type": "paragraph", "paragraph": {"rich_text": SENT}} for _ in range(3)]
    existing = [{"object": "block", "id": "b1", "type": "paragraph", "paragraph": {"rich_text": ANSWERED}}]
    assert missing_children("row", existing, requested) == requested[1:]
