"""A page's content is written complete or not at all, and a retry finishes what an earlier try started.

Notion creates a page with at most 100 child blocks; more are appended afterwards, 100 per request. So a page
with more than 100 blocks is built in several writes, and a failure between them leaves a partial page:

- **Create page** (:meth:`NotionHook.create_page`): when an append fails, the new page is moved to the trash
  and the error says so, so a retry (Airflow's, or a re-run) creates it again, complete. If even the trash
  request fails, the error names the page and the blocks it lacks. A page created under a page has no key a
  retry could find it by, so this is the only protection there.
- **Upsert** (:meth:`NotionHook.upsert_database_item`): when the row already exists (an earlier try created it)
  and more than 100 children were requested, its children are read and compared with the requested ones, block
  by block (type and text): the missing tail is appended, in order. Children that differ from the requested
  ones where the row has fewer blocks than requested cannot be told apart from a partial page, so the task
  fails, naming the row and the missing blocks. Up to 100 children are sent with the create itself, which is
  atomic, so such a row is never partial and is not read again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_notion.exceptions import NotionChildrenMismatchError
from airflow_provider_notion.rules.values.from_notion import plain_text


def block_signature(block: Mapping[str, Any]) -> tuple[str, str]:
    """What identifies a block's content for comparison: its type and its text (ids, times, styles aside)."""
    kind = str(block.get("type") or next((k for k in block if k not in ("object", "children")), ""))
    body = block.get(kind)
    text = plain_text(body.get("rich_text") or body.get("text")) if isinstance(body, Mapping) else ""
    return kind, text


def missing_children(
    row_id: str, existing: Sequence[Mapping[str, Any]], requested: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The requested blocks a row still lacks: the tail after the ones it already has.

    :raises NotionChildrenMismatchError: the row has fewer blocks than requested and they differ from the
        requested ones, so it cannot be completed safely.
    """
    have = [block_signature(block) for block in existing]
    want = [block_signature(block) for block in requested]
    if len(have) >= len(want):
        return []  # complete (or edited since, with at least as many blocks): nothing is missing
    for index, (got, expected) in enumerate(zip(have, want, strict=False)):
        if got != expected:
            how = (
                "has other text"
                if got[0] == expected[0]
                else f"is a {got[0]} block, not a {expected[0]} block"
            )
            raise NotionChildrenMismatchError(
                f"Row {row_id} has {len(have)} child blocks, not the {len(want)} requested, and block {index + 1} "
                f"{how}, so it is not a partial copy this task can finish: blocks "
                f"{len(have) + 1}-{len(want)} are missing. "
                "Delete the row (or its blocks) and re-run, or leave children out when updating existing rows."
            )
    return list(requested[len(have) :])
