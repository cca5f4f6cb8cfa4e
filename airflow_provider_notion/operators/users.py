"""Operators on users: the integration's bot, one user, every user."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from airflow_provider_notion.operators.base import (
    NotionBaseOperator,
    NotionListOperator,
)
from airflow_provider_notion.rules.ids import normalize_notion_id


class NotionGetCurrentUserOperator(NotionBaseOperator):
    """Return the integration's bot user (``GET /v1/users/me``); also a quick check that the token works.

    .. code-block:: python

        me = NotionGetCurrentUserOperator(task_id="whoami")
        # me.output["bot"]["workspace_name"]
    """

    def execute(self, context: Any) -> dict[str, Any]:
        user = self.hook.get_current_user()
        self.push_object_xcoms(context, user)
        workspace = (user.get("bot") or {}).get("workspace_name")
        self.log.info("Notion bot %s (%s) in workspace %s", user.get("name"), user.get("id"), workspace)
        return user


class NotionGetUserOperator(NotionBaseOperator):
    """Return one user (``GET /v1/users/{user_id}``; needs the "read user information" capability).

    :param user_id: the user's id (dashes optional). Templated.
    """

    template_fields: Sequence[str] = (*NotionBaseOperator.template_fields, "user_id")

    def __init__(self, *, user_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user_id = user_id

    def execute(self, context: Any) -> dict[str, Any]:
        user = self.hook.get_user(normalize_notion_id(self.user_id, "user_id"))
        self.push_object_xcoms(context, user)
        self.log.info("Notion user %s (%s, %s)", user.get("id"), user.get("name"), user.get("type"))
        return user


class NotionListUsersOperator(NotionListOperator):
    """List the workspace's users (``GET /v1/users``) as a list object; ``page_size`` defaults to 50.

    Needs the "read user information" capability. See :class:`NotionListOperator` for the paging options.
    """

    default_page_size = 50

    def pages(
        self, *, start_cursor: str | None, page_size: int | None, fetch_all: bool
    ) -> Iterator[dict[str, Any]]:
        return self.hook.iter_user_pages(start_cursor=start_cursor, page_size=page_size)

    def describe(self) -> str:
        return "users"
