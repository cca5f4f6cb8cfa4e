"""The workspace's users as flat rows, to join ``people``/``created_by`` id columns to names and emails."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_notion.jobs.export.columns import Column

USER_COLUMNS: list[Column] = [
    Column("id", "string", "id", "user"),
    Column("type", "string", "type", "user"),
    Column("name", "string", "name", "user"),
    Column("avatar_url", "string", "avatar_url", "user"),
    Column("email", "string", "person.email", "user"),
    Column("bot_workspace_name", "string", "bot.workspace_name", "user"),
]


def flatten_user(user: Mapping[str, Any]) -> dict[str, Any]:
    """A user object's columns (``email`` for people when the integration may read it; bots have none)."""
    person = user.get("person")
    person = person if isinstance(person, Mapping) else {}
    bot = user.get("bot")
    bot = bot if isinstance(bot, Mapping) else {}
    values = {
        "id": user.get("id"),
        "type": user.get("type"),
        "name": user.get("name"),
        "avatar_url": user.get("avatar_url"),
        "email": person.get("email"),
        "bot_workspace_name": bot.get("workspace_name"),
    }
    return {key: None if value is None else str(value) for key, value in values.items()}
