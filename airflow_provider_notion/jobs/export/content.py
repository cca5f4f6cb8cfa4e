"""A page's content as Markdown, for ``include_content`` (one request per page under 2026-03-11; under older
versions one per level of the block tree, plus one per 100 blocks).

Delegates to :func:`airflow_provider_notion.jobs.page_content.page_markdown`: Notion's own
``GET /v1/pages/{id}/markdown`` where the Notion-Version has it (2026-03-11 and later), else the page's block
tree converted by the provider's blocks-to-Markdown converter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_notion.jobs.page_content import page_markdown as _page_markdown

if TYPE_CHECKING:
    from airflow_provider_notion.hooks.notion import NotionHook

CONTENT_COLUMN = "content_markdown"


def page_markdown(hook: NotionHook, page_id: str) -> str:
    """The page's content as Markdown."""
    return str(_page_markdown(hook, page_id).get("markdown") or "")
