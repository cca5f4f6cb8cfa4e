"""``/v1/blocks``: retrieve, update, delete a block; list and append block children."""

from __future__ import annotations

from typing import Any

from notion_emulator import attachments
from notion_emulator.block_schema import (
    block_type,
    may_have_children,
    validate_children,
    validate_update,
)
from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.pagination import anchored_page, page_size_from
from notion_emulator.richtext import expand_rich_text
from notion_emulator.routes.base import Route
from notion_emulator.routes.common import refuse_edit_if_trashed
from notion_emulator.serialize import block_json, list_json
from notion_emulator.util import V2026, utcnow

_COLORED_TYPES = frozenset(
    {
        "paragraph",
        "heading_1",
        "heading_2",
        "heading_3",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
    }
)


def _visible_container(ctx: RequestContext, object_id: str) -> str:
    state = ctx.state
    exists = object_id in state.blocks or object_id in state.pages or object_id in state.databases
    if not exists or not ctx.visible(object_id):
        raise ctx.not_found("block", object_id)
    return object_id


def _normalize_content(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    content = {k: v for k, v in raw.items() if k != "children"}
    if "rich_text" in content:
        if not isinstance(content["rich_text"], list):
            raise EmulatorValidationError(f"body failed validation: {kind}.rich_text should be an array.")
        content["rich_text"] = expand_rich_text(content["rich_text"])
    if kind == "table_row" and isinstance(content.get("cells"), list):
        content["cells"] = [expand_rich_text(cell) for cell in content["cells"] if isinstance(cell, list)]
    if kind in _COLORED_TYPES:
        content.setdefault("color", "default")
    if kind == "paragraph":
        content.setdefault("icon", None)
    return content


def append_children(
    ctx: RequestContext, container_id: str, children: list[Any], index: int | None
) -> list[str]:
    """Create blocks (already validated) under ``container_id``; returns the ids of the top-level ones."""
    state = ctx.state
    parent_type = "page_id" if container_id in state.pages else "block_id"
    created: list[str] = []
    for offset, child in enumerate(children):
        kind, raw = block_type(child, "child")
        block = state.add_block(
            parent_type=parent_type,
            parent_id=container_id,
            block_type=kind,
            content=_normalize_content(kind, raw),
            creator_id=ctx.bot.id,
            index=None if index is None else index + offset,
        )
        created.append(block.id)
        if raw.get("children"):
            append_children(ctx, block.id, raw["children"], None)
    return created


def _insert_index(ctx: RequestContext, container_id: str) -> int | None:
    """Where new children go, from ``after`` (before 2026-03-11) or ``position`` (2026-03-11)."""
    body = ctx.body
    siblings = ctx.state.children.get(container_id, [])
    after_id: str | None = None
    if ctx.version >= V2026:
        if "after" in body:
            raise EmulatorValidationError(
                "body failed validation: body.after should be not present. Use body.position instead."
            )
        position = body.get("position")
        if position is None:
            return None
        kind = position.get("type") if isinstance(position, dict) else None
        if kind == "end":
            return None
        if kind == "start":
            return 0
        if kind == "after_block" and isinstance(position.get("after_block"), dict):
            after_id = position["after_block"].get("id")
        else:
            raise EmulatorValidationError(
                "body failed validation: body.position.type should be one of `start`, `end`, `after_block`."
            )
    else:
        if "position" in body:
            raise EmulatorValidationError(
                "body failed validation: body.position should be not present. Use body.after before 2026-03-11."
            )
        after_id = body.get("after")
        if after_id is None:
            return None
    from notion_emulator.util import normalize_id

    normalized = normalize_id(after_id) if isinstance(after_id, str) else None
    if normalized is None or normalized not in siblings:
        raise EmulatorValidationError(f"Could not find block to insert after: {after_id}.")
    return siblings.index(normalized) + 1


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("read_content")
    with ctx.state.lock:
        block_id = _visible_container(ctx, ctx.path_id("block_id"))
        return block_json(ctx.state, block_id, ctx.version)


def update(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("update_content")
    with ctx.state.lock:
        block_id = _visible_container(ctx, ctx.path_id("block_id"))
        trash = ctx.trash_flag()
        refuse_edit_if_trashed(ctx.state.is_trashed(block_id), trash)
        block = ctx.state.blocks.get(block_id)
        if block is not None:
            raw = validate_update(ctx.body, block.type)
            if raw is not None:
                if block.type in attachments.MEDIA_BLOCK_TYPES:
                    # A new source replaces the old one instead of sitting next to it.
                    block.content = attachments.media_update(
                        ctx, block.type, block.content, raw, f"body.{block.type}"
                    )
                else:
                    block.content = {**block.content, **_normalize_content(block.type, raw)}
            if trash is not None:
                block.in_trash = trash
            block.last_edited = utcnow()
            block.last_edited_by = ctx.bot.id
            ctx.state.signal_content(block.id, ctx.bot.id, [block.id])
        else:
            _set_trash(ctx, block_id, trash)
        return block_json(ctx.state, block_id, ctx.version)


def delete(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("update_content")
    with ctx.state.lock:
        block_id = _visible_container(ctx, ctx.path_id("block_id"))
        if (block := ctx.state.blocks.get(block_id)) is not None:
            block.in_trash = True
            block.last_edited = utcnow()
            ctx.state.signal_content(block.id, ctx.bot.id, [block.id])
        else:
            _set_trash(ctx, block_id, True)
        return block_json(ctx.state, block_id, ctx.version)


def _set_trash(ctx: RequestContext, object_id: str, trash: bool | None) -> None:
    if trash is None:
        return
    state = ctx.state
    if (page := state.pages.get(object_id)) is not None:
        state.set_page_trashed(page, trash, ctx.bot.id)
    elif (db := state.databases.get(object_id)) is not None:
        db.in_trash = trash
        db.last_edited = utcnow()


def list_children(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("read_content")
    size = page_size_from(_first(ctx.query, "page_size"), where="query")
    with ctx.state.lock:
        block_id = _visible_container(ctx, ctx.path_id("block_id"))
        state = ctx.state
        window, cursor, _ = anchored_page(
            list(state.children.get(block_id, [])),
            lambda child_id: not state.is_trashed(child_id),
            _first(ctx.query, "start_cursor"),
            size,
        )
        return list_json([block_json(ctx.state, i, ctx.version) for i in window], "block", cursor)


def append(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("insert_content")
    children = ctx.body.get("children")
    with ctx.state.lock:
        block_id = _visible_container(ctx, ctx.path_id("block_id"))
        target = ctx.state.blocks.get(block_id)
        validate_children(children, parent_type=None if target is None else target.type)
        assert isinstance(children, list)
        if target is not None and not may_have_children(target.type, target.content):
            raise EmulatorValidationError(f"Block type {target.type} does not support children.")
        if block_id in ctx.state.databases:
            raise EmulatorValidationError("Cannot append children to a database block.")
        refuse_edit_if_trashed(ctx.state.is_trashed(block_id), None)
        index = _insert_index(ctx, block_id)
        # Last, once nothing can refuse the request: resolving attaches file uploads.
        children = attachments.resolve_blocks(ctx, children)
        created = append_children(ctx, block_id, children, index)
        if (page := ctx.state.pages.get(block_id)) is not None:
            ctx.state.touch_page(page, ctx.bot.id)
        return list_json([block_json(ctx.state, i, ctx.version) for i in created], "block", None)


ROUTES = [
    Route("GET", "/v1/blocks/{block_id}/children", list_children),
    Route("PATCH", "/v1/blocks/{block_id}/children", append),
    Route("GET", "/v1/blocks/{block_id}", retrieve),
    Route("PATCH", "/v1/blocks/{block_id}", update),
    Route("DELETE", "/v1/blocks/{block_id}", delete),
]


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None
