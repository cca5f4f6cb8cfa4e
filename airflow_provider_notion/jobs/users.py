"""Read the workspace's people once and answer every e-mail lookup of a task from that listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow_provider_notion.rules.users import users_by_email

if TYPE_CHECKING:
    from airflow_provider_notion.hooks.notion import NotionHook


@dataclass(frozen=True)
class EmailDirectory:
    """E-mail (:func:`~airflow_provider_notion.rules.users.email_key`) -> user id, and the requests it took."""

    ids: dict[str, str]
    requests: int


def read_email_directory(hook: NotionHook) -> EmailDirectory:
    """Every person of the workspace by e-mail: ``GET /v1/users`` page by page, 100 at a time.

    Needs the "read user information including email addresses" capability; without it Notion leaves the
    e-mails out and every lookup fails with the error of :func:`~airflow_provider_notion.rules.users.user_id_for_email`.
    """
    people: list[Any] = []
    requests = 0
    for page in hook.iter_user_pages(page_size=100):
        requests += 1
        people.extend(page.get("results", []))
    return EmailDirectory(users_by_email(people), requests)
