"""``GET``/``PATCH /v1/pages/{id}/markdown`` and ``markdown`` in ``POST /v1/pages`` (2026-03-11 and later).

The Markdown is the emulator's own (``emulator.markdown``). ``replace_content`` and ``update_content`` are
implemented; the deprecated ``insert_content`` and ``replace_content_range`` answer 400. Child pages and
databases are never removed by an edit (as if ``allow_deleting_content`` were false).
"""

from __future__ import annotations

from typing import Any

from notion_emulator import markdown as md
from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError, NotionEmulatorError
from notion_emulator.routes.blocks import append_children
from notion_emulator.routes.common import visible_page
from notion_emulator.util import V2026, utcnow

parse = md.parse
_EDITS = ("replace_content", "update_content", "insert_content", "replace_content_range")


def _require_version(ctx: RequestContext) -> None:
    if ctx.version < V2026:
        raise NotionEmulatorError(
            400,
            "invalid_request_url",
            f"The page Markdown endpoints require Notion-Version {V2026} or later; this request used {ctx.version}.",
        )


def markdown_in_create(ctx: RequestContext) -> str | None:
    """The ``markdown`` of a ``POST /v1/pages`` body, checked (exclusive with ``children``; 2026-03-11)."""
    if "markdown" not in ctx.body:
        return None
    value = ctx.body["markdown"]
    if ctx.version < V2026:
        raise EmulatorValidationError(
            f"body failed validation: body.markdown should be not present before Notion-Version {V2026}."
        )
    if not isinstance(value, str):
        raise EmulatorValidationError("body failed validation: body.markdown should be a string.")
    if ctx.body.get("children") is not None:
        raise EmulatorValidationError(
            "body failed validation: provide either body.children or body.markdown, not both."
        )
    return value


def _answer(ctx: RequestContext, page_id: str) -> dict[str, Any]:
    return {
        "object": "page_markdown",
        "id": page_id,
        "markdown": md.render_page(ctx.state, page_id),
        "truncated": False,
        "unknown_block_ids": [],
    }


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    _require_version(ctx)
    ctx.require("read_content")
    with ctx.state.lock:
        page = visible_page(ctx, ctx.path_id("page_id"))
        return _answer(ctx, page.id)


def update(ctx: RequestContext) -> dict[str, Any]:
    _require_version(ctx)
    ctx.require("update_content")
    kind = ctx.body.get("type")
    if kind not in _EDITS:
        raise EmulatorValidationError(
            f"body failed validation: body.type should be one of `{'`, `'.join(_EDITS)}`, instead was `{kind!r}`."
        )
    edit = ctx.body.get(kind)
    if not isinstance(edit, dict):
        raise EmulatorValidationError(f"body failed validation: body.{kind} should be an object.")
    with ctx.state.lock:
        page = visible_page(ctx, ctx.path_id("page_id"))
        if page.in_trash:
            raise EmulatorValidationError(
                "Can't edit block that is archived. You must unarchive the block before editing."
            )
        if kind == "replace_content":
            new = edit.get("new_str")
            if not isinstance(new, str):
                raise EmulatorValidationError(
                    "body failed validation: body.replace_content.new_str should be a string."
                )
        elif kind == "update_content":
            new = _apply_updates(md.render_page(ctx.state, page.id), edit.get("content_updates"))
        else:
            raise EmulatorValidationError(f"The emulator does not implement the deprecated `{kind}` edit.")
        _replace(ctx, page.id, new)
        ctx.state.touch_page(page, ctx.bot.id)
        ctx.state.signal_content(page.id, ctx.bot.id, [])
        return _answer(ctx, page.id)


def _apply_updates(current: str, updates: Any) -> str:
    if not isinstance(updates, list) or not updates or len(updates) > 100:
        raise EmulatorValidationError(
            "body failed validation: body.update_content.content_updates should be an array of 1 to 100 edits."
        )
    for index, update in enumerate(updates):
        old, new = (
            (update.get("old_str"), update.get("new_str")) if isinstance(update, dict) else (None, None)
        )
        if not isinstance(old, str) or not isinstance(new, str) or not old:
            raise EmulatorValidationError(
                f"body failed validation: body.update_content.content_updates[{index}] needs old_str and new_str."
            )
        if old not in current:
            raise EmulatorValidationError(
                f"content_updates[{index}].old_str was not found in the page content."
            )
        current = (
            current.replace(old, new) if update.get("replace_all_matches") else current.replace(old, new, 1)
        )
    return current


def _replace(ctx: RequestContext, page_id: str, markdown: str) -> None:
    state = ctx.state
    for child_id in state.live_children(page_id):
        block = state.blocks.get(child_id)
        if block is not None:  # child pages and databases stay
            block.in_trash = True
            block.last_edited = utcnow()
    append_children(ctx, page_id, md.parse(markdown), None)
