"""A page's content as Markdown, for ``include_content`` (one request per page; more for long pages).

The hook's ``get_page_markdown`` is used when this provider has it (the block-tree converter); otherwise, under
Notion-Version 2026-03-11 and later, Notion's own ``GET /v1/pages/{id}/markdown``. Older versions without the
converter are refused before anything is sent (see :func:`check_content_supported`).
"""

from __future__ import annotations

from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.ids import normalize_notion_id

CONTENT_COLUMN = "content_markdown"


def check_content_supported(hook: Any) -> None:
    """Refuse ``include_content`` where neither the converter nor the Markdown endpoint is available."""
    if callable(getattr(hook, "get_page_markdown", None)) or hook.version.has_page_markdown:
        return
    raise NotionInputError(
        "include_content",
        f"needs Notion-Version 2026-03-11 or later (the page Markdown endpoint); this task uses "
        f"{hook.version.name}",
    )


def page_markdown(hook: Any, page_id: str) -> str:
    """The page's content as Markdown."""
    converter = getattr(hook, "get_page_markdown", None)
    if callable(converter):
        result = converter(page_id)
        return str(result.get("markdown", "") if isinstance(result, dict) else result)
    body = hook.request("GET", f"/pages/{normalize_notion_id(page_id, 'page_id')}/markdown")
    return str(body.get("markdown") or "")
