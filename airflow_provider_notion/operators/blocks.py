"""Append content to a page or block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from airflow_provider_notion.client.paging import list_object
from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.jobs.page_content import BlockWriter, content_blocks
from airflow_provider_notion.operators.base import NotionBaseOperator, NotionLinkedOperator, optional_id
from airflow_provider_notion.rules.ids import normalize_notion_id


class NotionAppendBlocksOperator(NotionLinkedOperator):
    """Append blocks, given as block objects or as Markdown, to a page or block.

    Any number of blocks: they are sent 100 per request, in order. Up to 100 levels deep (``MAX_WRITE_DEPTH``;
    deeper input is refused before any request): each request carries blocks with their children (what Notion
    accepts in one request), and deeper levels are appended afterwards under the blocks just created. Appends
    are never retried after an ambiguous failure (a retry could duplicate content); a failure after some
    blocks were appended raises ``NotionPartialWriteError`` saying how many.

    Returns a list object of the created top-level blocks (``results``), so ``output["results"][0]["id"]``
    works downstream.

    :param block_id: the page's or block's id or URL. Templated.
    :param children: a list of block objects (or a JSON string). Templated.
    :param markdown: Markdown converted by the provider's converter (see ``docs/pages.md``). Templated.
    :param after: append after this child block instead of at the end (sent as ``after`` before 2026-03-11 and
        as ``position: after_block`` since). Templated.
    """

    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "block_id",
        "children",
        "markdown",
        "after",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"children": "json", "markdown": "md"}

    def __init__(
        self,
        *,
        block_id: Any,
        children: Any = None,
        markdown: str | None = None,
        after: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.block_id = block_id
        self.children = children
        self.markdown = markdown
        self.after = after

    def execute(self, context: Any) -> dict[str, Any]:
        block_id = normalize_notion_id(self.block_id, "block_id")
        after = optional_id(self.after, "after")
        blocks = content_blocks(children=self.children, markdown=self.markdown)
        if not blocks:
            raise NotionInputError("children", "nothing to append: give children or markdown")
        writer = BlockWriter(self.hook)
        self.push_notion_url(context, object_id=block_id)  # also after a partial write: where to look
        created = writer.append(block_id, blocks, after=after)
        self.log.info(
            "Appended %d top-level blocks to %s in %d requests", len(created), block_id, writer.requests
        )
        return list_object(created, "block")
