"""``/v1/comments``: create (on a page, or a reply in a discussion) and list by ``block_id``."""

from __future__ import annotations

from typing import Any

from notion_emulator.change_signals import ChangeSignal
from notion_emulator.comments import comment_json
from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError, NotionEmulatorError
from notion_emulator.pagination import decode_cursor, page_size_from, paginate
from notion_emulator.richtext import check_array, expand_rich_text
from notion_emulator.routes.base import Route
from notion_emulator.serialize import list_json
from notion_emulator.util import normalize_id


def _resolve_mentions(ctx: RequestContext, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """User mentions read back with the user's name, as Notion shows them ("@Ada Lovelace")."""
    users = ctx.state.user_map()
    for item in items:
        mention = item.get("mention") if item.get("type") == "mention" else None
        if not isinstance(mention, dict) or mention.get("type") != "user":
            continue
        user_id = normalize_id(str((mention.get("user") or {}).get("id", "")))
        user = users.get(user_id or "")
        if user is None:
            raise EmulatorValidationError(
                f"Could not find user with ID: {(mention.get('user') or {}).get('id')}."
            )
        mention["user"] = {"object": "user", "id": user["id"]}
        item["plain_text"] = "@" + str(user["name"])
    return items


def create(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("insert_comments")
    body = ctx.body
    has_parent, has_discussion = "parent" in body, "discussion_id" in body
    if has_parent == has_discussion:
        raise EmulatorValidationError(
            "body failed validation. Fix one:\nbody.parent should be defined, instead was `undefined`.\n"
            "body.discussion_id should be defined, instead was `undefined`."
            if not has_parent
            else "body failed validation: provide either body.parent or body.discussion_id, not both."
        )
    rich = _resolve_mentions(ctx, expand_rich_text(check_array(body.get("rich_text"), "body.rich_text")))
    with ctx.state.lock:
        if has_parent:
            parent = body["parent"]
            raw_id = parent.get("page_id") if isinstance(parent, dict) else None
            page_id = normalize_id(raw_id) if isinstance(raw_id, str) else None
            if page_id is None:
                raise EmulatorValidationError(
                    "body failed validation: body.parent.page_id should be a valid uuid, instead was "
                    f"`{raw_id!r}`."
                )
            if (
                page_id not in ctx.state.pages
                or not ctx.visible(page_id)
                or ctx.state.pages[page_id].in_trash
            ):
                raise ctx.not_found("page", page_id)
            record = ctx.state.comments.add(
                parent_type="page_id",
                parent_id=page_id,
                discussion_id=None,
                rich_text=rich,
                author=ctx.bot.id,
            )
        else:
            discussion_id = str(body["discussion_id"])
            first = ctx.state.comments.discussion(discussion_id)
            if first is None or not ctx.visible(first.parent_id):
                raise NotionEmulatorError(
                    404, "object_not_found", f"Could not find discussion with ID: {discussion_id}."
                )
            record = ctx.state.comments.add(
                parent_type=first.parent_type,
                parent_id=first.parent_id,
                discussion_id=discussion_id,
                rich_text=rich,
                author=ctx.bot.id,
            )
        page = ctx.state.page_of(record.parent_id)
        ctx.state.signals.emit(
            ChangeSignal(
                "comment.created",
                record.id,
                "comment",
                ctx.bot.id,
                {
                    "page_id": page.id if page else None,
                    "parent": {
                        "id": record.parent_id,
                        "type": "page" if record.parent_type == "page_id" else "block",
                    },
                },
            )
        )
    return comment_json(record)


def list_comments(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("read_comments")
    raw = _first(ctx, "block_id")
    if raw is None:
        raise EmulatorValidationError(
            "query failed validation: query.block_id should be defined, instead was `undefined`."
        )
    block_id = normalize_id(raw)
    if block_id is None:
        raise EmulatorValidationError(
            f'query failed validation: query.block_id should be a valid uuid, instead was `"{raw}"`.'
        )
    size = page_size_from(_first(ctx, "page_size"), where="query")
    with ctx.state.lock:
        state = ctx.state
        if not any(block_id in store for store in (state.pages, state.blocks)) or not ctx.visible(block_id):
            raise ctx.not_found("block", block_id)
        listing = f"comments:{block_id}"
        offset = decode_cursor(_first(ctx, "start_cursor"), listing)
        comments = [comment_json(c) for c in state.comments.on(block_id)]
    window, cursor = paginate(comments, offset, size, listing)
    return list_json(window, "comment", cursor)


ROUTES = [
    Route("POST", "/v1/comments", create),
    Route("GET", "/v1/comments", list_comments),
]


def _first(ctx: RequestContext, key: str) -> str | None:
    values = ctx.query.get(key)
    return values[0] if values else None
