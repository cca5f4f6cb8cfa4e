"""``POST /v1/pages/{page_id}/move``: give a page a new parent, a page or a data source (SDK-JS
``MovePageBodyParameters``: ``parent`` is ``{page_id}`` or ``{data_source_id}``); answers the moved page.

A page cannot move under itself or one of its descendants. Moving into a data source keeps the title and the
values whose property name and type exist in the target schema; moving out of one keeps only the title.
"""

from __future__ import annotations

from typing import Any

from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.records import PageRecord
from notion_emulator.routes.base import Route
from notion_emulator.routes.common import (
    parse_parent,
    visible_data_source,
    visible_page,
)
from notion_emulator.serialize import page_json
from notion_emulator.state import EmulatorState


def move(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("update_content")
    kind, target_id = parse_parent(ctx, ("page_id", "data_source_id"))
    state = ctx.state
    with state.lock:
        page = visible_page(ctx, ctx.path_id("page_id"))
        if kind == "page_id":
            visible_page(ctx, target_id)
            if _is_same_or_descendant(state, target_id, page.id):
                raise EmulatorValidationError(
                    f"Cannot move page {page.id} into itself or one of its descendants ({target_id})."
                )
        else:
            visible_data_source(ctx, target_id)
        _detach(state, page)
        _attach(state, page, kind, target_id)
        state.touch_page(page, ctx.bot.id)
        state.signal_page("page.moved", page, ctx.bot.id)
        return page_json(state, page, ctx.version)


def _is_same_or_descendant(state: EmulatorState, candidate: str, ancestor: str) -> bool:
    current: str | None = candidate
    for _ in range(1000):
        if current is None:
            return False
        if current == ancestor:
            return True
        current = state.parent_of(current)
    return False


def _detach(state: EmulatorState, page: PageRecord) -> None:
    if page.parent_type == "data_source_id":
        source = state.data_sources.get(page.parent_id or "")
        if source is not None:
            source.rows.pop(page.id, None)
            source.revision += 1
    elif page.parent_id is not None and page.id in state.children.get(page.parent_id, []):
        state.children[page.parent_id].remove(page.id)


def _attach(state: EmulatorState, page: PageRecord, kind: str, target_id: str) -> None:
    title = next((v for v in page.properties.values() if v.get("type") == "title"), None)
    title_items = list(title["title"]) if title else []
    if kind == "page_id":
        page.parent_type, page.parent_id = "page_id", target_id
        page.row["properties"] = {"title": {"id": "title", "type": "title", "title": title_items}}
        state.children.setdefault(target_id, []).append(page.id)
        return
    source = state.data_sources[target_id]
    kept: dict[str, Any] = {}
    for name, entry in source.schema.items():
        if entry["type"] == "title":
            kept[name] = {"id": entry["id"], "type": "title", "title": title_items}
        elif (old := page.properties.get(name)) is not None and old.get("type") == entry["type"]:
            kept[name] = {**old, "id": entry["id"]}
    page.parent_type, page.parent_id = "data_source_id", target_id
    page.row["properties"] = kept
    source.rows[page.id] = page
    source.revision += 1


ROUTES = [Route("POST", "/v1/pages/{page_id}/move", move)]
