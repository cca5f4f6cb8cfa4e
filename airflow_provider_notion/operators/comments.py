"""Comment on a page, reply in a discussion, list a page's comments."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.jobs.users import read_email_directory
from airflow_provider_notion.links.notion import NotionLink
from airflow_provider_notion.operators.base import (
    NotionBaseOperator,
    NotionLinkedOperator,
    NotionListOperator,
    optional_id,
)
from airflow_provider_notion.rules.comments import comment_body, plain_text_with_mentions
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.payloads import rich_text


class NotionCreateCommentOperator(NotionLinkedOperator):
    """Add a comment (``POST /v1/comments``): a new discussion on a page, or a reply in a discussion.

    Give the text as ``rich_text`` (a rich-text list) or as ``text``, a plain string where ``<@user id>`` or
    ``<@e-mail>`` mentions a user: ``"Report ready, <@ada@example.com>"``. E-mails are looked up among the
    workspace's people (needs the "read user information including email addresses" capability). Comments are
    never retried after an ambiguous failure: a retry could post the comment twice. The integration needs the
    "insert comments" capability.

    :param page_id: the page to comment on (starts a new discussion). Templated.
    :param discussion_id: the discussion to reply in, instead of ``page_id``. Templated.
    :param text: plain text with ``<@...>`` mentions. Templated.
    :param rich_text: a rich-text list instead of ``text``. Templated.
    """

    template_fields: Sequence[str] = (
        *NotionBaseOperator.template_fields,
        "page_id",
        "discussion_id",
        "text",
        "rich_text",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"rich_text": "json"}

    def __init__(
        self,
        *,
        page_id: Any = None,
        discussion_id: Any = None,
        text: str | None = None,
        rich_text: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.page_id = page_id
        self.discussion_id = discussion_id
        self.text = text
        self.rich_text = rich_text

    def _people_by_email(self) -> dict[str, str]:
        return read_email_directory(self.hook).ids

    def execute(self, context: Any) -> dict[str, Any]:
        page_id = optional_id(self.page_id, "page_id")
        discussion_id = None if self.discussion_id in (None, "") else str(self.discussion_id).strip()
        has_text = self.text not in (None, "")
        has_rich = self.rich_text not in (None, "", [])
        if has_text == has_rich:
            raise NotionInputError("text", "give exactly one of text or rich_text")
        if has_text:
            if not isinstance(self.text, str):
                raise NotionInputError("text", f"expected a string, got {type(self.text).__name__}")
            rich = plain_text_with_mentions(self.text, self._people_by_email)
        else:
            rich = rich_text(self.rich_text, "rich_text")
        body = comment_body(rich, page_id=page_id, discussion_id=discussion_id)
        comment = self.hook.create_comment(body)
        parent = comment.get("parent") or {}
        self.push_notion_url(context, object_id=parent.get("page_id") or parent.get("block_id") or page_id)
        self.log.info(
            "Added Notion comment %s (discussion %s)", comment.get("id"), comment.get("discussion_id")
        )
        return comment


class NotionListCommentsOperator(NotionListOperator):
    """List the open (unresolved) comments on a page or block (``GET /v1/comments?block_id=``).

    Needs the "read comments" capability. See :class:`NotionListOperator` for the paging options
    (``fetch_all``, ``output_path``...).

    :param block_id: the page's or block's id or URL. Templated.
    """

    template_fields: Sequence[str] = (*NotionListOperator.template_fields, "block_id")
    operator_extra_links = (NotionLink(),)

    def __init__(self, *, block_id: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block_id = block_id

    def execute(self, context: Any) -> dict[str, Any]:
        result = super().execute(context)
        self.push_notion_url(context, object_id=self.block_id)
        return result

    def pages(
        self, *, start_cursor: str | None, page_size: int | None, fetch_all: bool
    ) -> Iterator[dict[str, Any]]:
        block_id = normalize_notion_id(self.block_id, "block_id")
        return self.hook.iter_comment_pages(block_id, start_cursor=start_cursor, page_size=page_size)

    def describe(self) -> str:
        return "comments"
