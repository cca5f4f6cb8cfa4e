"""``/v1/users``: the bot itself, one user, the paginated user list."""

from __future__ import annotations

from typing import Any

from notion_emulator.context import RequestContext
from notion_emulator.pagination import decode_cursor, page_size_from, paginate
from notion_emulator.routes.base import Route
from notion_emulator.serialize import bot_json, list_json, person_json


def _require_user_capability(ctx: RequestContext) -> bool:
    """Returns whether e-mails may be shown."""
    caps = ctx.bot.capabilities
    if "read_user_information" not in caps and "read_user_information_with_email" not in caps:
        ctx.require("read_user_information")
    return "read_user_information_with_email" in caps


def me(ctx: RequestContext) -> dict[str, Any]:
    return bot_json(ctx.state, ctx.bot, ctx.version, max_file_upload_bytes=ctx.config.max_file_upload_bytes)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    with_email = _require_user_capability(ctx)
    user_id = ctx.path_id("user_id")
    with ctx.state.lock:
        if user_id in ctx.state.people:
            return person_json(ctx.state.people[user_id], with_email=with_email, version=ctx.version)
        if (integration := ctx.state.integrations.get(user_id)) is not None:
            return bot_json(
                ctx.state, integration, ctx.version, max_file_upload_bytes=ctx.config.max_file_upload_bytes
            )
    raise ctx.not_found("user", user_id)


def list_users(ctx: RequestContext) -> dict[str, Any]:
    with_email = _require_user_capability(ctx)
    size = page_size_from(_first(ctx.query, "page_size"), where="query")
    offset = decode_cursor(_first(ctx.query, "start_cursor"), "users")
    with ctx.state.lock:
        users = [
            person_json(u, with_email=with_email, version=ctx.version) for u in ctx.state.people.values()
        ]
        users.append(
            bot_json(ctx.state, ctx.bot, ctx.version, max_file_upload_bytes=ctx.config.max_file_upload_bytes)
        )
    window, cursor = paginate(users, offset, size, "users")
    return list_json(window, "user", cursor)


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


ROUTES = [
    Route("GET", "/v1/users/me", me),
    Route("GET", "/v1/users/{user_id}", retrieve),
    Route("GET", "/v1/users", list_users),
]
