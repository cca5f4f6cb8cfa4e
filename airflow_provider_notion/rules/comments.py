"""Comment bodies: rich text, or plain text with user mentions written ``<@user id or e-mail>``.

``"Report ready, <@ada@example.com> please check"`` becomes a text item, a user mention and a text item. An
e-mail is looked up among the workspace's people (``GET /v1/users``, which needs the "read user information
including email addresses" capability); an unknown e-mail fails before the comment is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.payloads import rich_text
from airflow_provider_notion.rules.users import user_id_for_email

MENTION = re.compile(r"<@([^<>\s]+)>")


def mention_targets(text: str) -> list[str]:
    """The ids or e-mails mentioned in ``text``, in order."""
    return MENTION.findall(text)


def plain_text_with_mentions(
    text: str,
    users_by_email: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
    *,
    field: str = "text",
) -> list[dict[str, Any]]:
    """Rich text for ``text``; ``users_by_email`` (or a function returning it, called only when an e-mail is
    mentioned) maps e-mails to user ids (:mod:`~airflow_provider_notion.rules.users`)."""
    items: list[dict[str, Any]] = []
    position = 0
    lookup: Mapping[str, str] | None = None
    for match in MENTION.finditer(text):
        items.extend(rich_text(text[position : match.start()], field))
        target = match.group(1)
        if "@" in target:
            if lookup is None:
                lookup = users_by_email() if callable(users_by_email) else (users_by_email or {})
            user_id = user_id_for_email(lookup, target, field)
        else:
            user_id = normalize_notion_id(target, field)
        items.append({"type": "mention", "mention": {"type": "user", "user": {"id": user_id}}})
        position = match.end()
    items.extend(rich_text(text[position:], field))
    if not items:
        raise NotionInputError(field, "is empty; a comment needs some text")
    return items


def comment_body(
    rich: list[dict[str, Any]], *, page_id: str | None = None, discussion_id: str | None = None
) -> dict[str, Any]:
    """``POST /v1/comments`` body: a new discussion on a page, or a reply in an existing discussion."""
    if (page_id is None) == (discussion_id is None):
        raise NotionInputError(
            "page_id", "give exactly one of page_id (new discussion) or discussion_id (reply)"
        )
    if page_id is not None:
        return {"parent": {"page_id": page_id}, "rich_text": rich}
    return {"discussion_id": discussion_id, "rich_text": rich}
