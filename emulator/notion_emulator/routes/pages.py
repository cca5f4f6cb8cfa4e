"""``/v1/pages``: create (with optional children), retrieve, update, retrieve one property item."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from notion_emulator import attachments
from notion_emulator.block_schema import validate_children
from notion_emulator.computed import refresh_page
from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.pagination import MAX_PAGE_SIZE, decode_cursor, page_size_from, paginate
from notion_emulator.routes import page_markdown
from notion_emulator.routes.base import Route
from notion_emulator.routes.blocks import append_children
from notion_emulator.routes.common import (
    filter_properties,
    only_data_source,
    optional_object,
    parse_parent,
    refuse_edit_if_trashed,
    visible_data_source,
    visible_database,
    visible_page,
)
from notion_emulator.serialize import list_json, page_json

# GET /v1/pages/{id} cuts these list values at 25 items (use the property-item endpoint for the rest).
_TRUNCATED_TYPES = ("title", "rich_text", "relation", "people")
# The property-item endpoint answers these as paginated lists of property items.
_PAGINATED_TYPES = (*_TRUNCATED_TYPES, "rollup")
_TRUNCATE_AT = 25


def create(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("insert_content")
    kind, parent_id = parse_parent(ctx, ("page_id", "database_id", "data_source_id", "workspace"))
    properties_input = ctx.body.get("properties", {})
    if not isinstance(properties_input, dict):
        raise EmulatorValidationError("body failed validation: body.properties should be an object.")
    children = ctx.body.get("children")
    if children is not None:
        validate_children(children)
        children = attachments.resolve_blocks(ctx, children)
    properties_input = attachments.resolve_properties(ctx, properties_input)
    markdown = page_markdown.markdown_in_create(ctx)
    with ctx.state.lock:
        if kind == "workspace":
            raise EmulatorValidationError(
                "Internal integrations cannot create workspace-level pages; use a page, database or data "
                "source parent."
            )
        if kind == "page_id":
            visible_page(ctx, parent_id)
            stored_type, stored_id = "page_id", parent_id
        elif kind == "database_id":
            ds = only_data_source(ctx, visible_database(ctx, parent_id))
            stored_type, stored_id = "data_source_id", ds.id
        else:
            ds = visible_data_source(ctx, parent_id)
            stored_type, stored_id = "data_source_id", ds.id
        page = ctx.state.create_page(
            parent_type=stored_type,
            parent_id=stored_id,
            properties_input=properties_input,
            creator_id=ctx.bot.id,
            icon=optional_object(ctx, "icon"),
            cover=optional_object(ctx, "cover"),
        )
        ctx.state.share(ctx.bot.id, page.id)
        if children:
            append_children(ctx, page.id, children, None)
        if markdown:
            append_children(ctx, page.id, page_markdown.parse(markdown), None)
        return page_json(ctx.state, page, ctx.version)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("read_content")
    with ctx.state.lock:
        page = visible_page(ctx, ctx.path_id("page_id"))
        obj = page_json(ctx.state, page, ctx.version, only_properties=filter_properties(ctx))
    obj["properties"] = {name: _truncated(value) for name, value in obj["properties"].items()}
    return obj


def _truncated(value: dict[str, Any]) -> dict[str, Any]:
    kind = value.get("type")
    items = value.get(kind) if isinstance(kind, str) else None
    if kind in _TRUNCATED_TYPES and isinstance(items, list) and len(items) > _TRUNCATE_AT:
        cut = {**value, kind: items[:_TRUNCATE_AT]}
        if kind == "relation":
            cut["has_more"] = True
        return cut
    return value


def update(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("update_content")
    with ctx.state.lock:
        page = visible_page(ctx, ctx.path_id("page_id"))
        trash = ctx.trash_flag()
        refuse_edit_if_trashed(page.in_trash, trash)
        properties_input = ctx.body.get("properties")
        if properties_input is not None:
            if not isinstance(properties_input, dict):
                raise EmulatorValidationError("body failed validation: body.properties should be an object.")
            properties_input = attachments.resolve_properties(ctx, properties_input)
            ctx.state.update_page_properties(page, properties_input, ctx.bot.id)
        for key in ("icon", "cover"):
            if key in ctx.body:
                setattr(page, key, optional_object(ctx, key))
        if "is_locked" in ctx.body and not ctx.v1:
            page.is_locked = bool(ctx.body["is_locked"])
        if trash is not None:
            ctx.state.set_page_trashed(page, trash, ctx.bot.id)
        else:
            ctx.state.touch_page(page, ctx.bot.id)
        return page_json(ctx.state, page, ctx.version)


def property_item(ctx: RequestContext) -> dict[str, Any]:
    """One property value. ``title``, ``rich_text``, ``relation``, ``people`` and ``rollup`` answer a paginated
    list of ``property_item`` objects (the way to read more than the 25 items a page retrieve returns); every
    other type answers a single ``property_item``."""
    ctx.require("read_content")
    raw = ctx.params["property_id"]
    with ctx.state.lock:
        page = visible_page(ctx, ctx.path_id("page_id"))
        refresh_page(ctx.state, page)
        value = next((v for name, v in page.properties.items() if _designates(raw, name, v.get("id"))), None)
        if value is None:
            raise ctx.not_found("property", unquote(raw))
        value = dict(value)
    kind = value["type"]
    if kind not in _PAGINATED_TYPES:
        return {"object": "property_item", "id": value["id"], "type": kind, kind: value[kind]}
    size = page_size_from(_first(ctx.query, "page_size"), where="query")
    listing = f"property:{page.id}:{value['id']}"
    offset = decode_cursor(_first(ctx.query, "start_cursor"), listing)
    items, summary = _property_item_list(value)
    window, cursor = paginate(items, offset, size, listing)
    response = list_json(window, "property_item", cursor)
    next_url = None
    if cursor is not None:
        host = ctx.headers.get("host", "127.0.0.1")
        next_url = f"http://{host}/v1/pages/{page.id}/properties/{value['id']}?start_cursor={cursor}"
        if size != MAX_PAGE_SIZE:
            next_url += f"&page_size={size}"
    response["property_item"] = {"id": value["id"], "next_url": next_url, "type": kind, kind: summary}
    return response


def _designates(raw: str, name: str, property_id: Any) -> bool:
    """Whether the path segment names this property: its id exactly as the page returned it (URL-encoded, as
    a client puts it in the path, or encoded once more), or its name."""
    if not isinstance(property_id, str):
        return raw == name
    decoded = unquote(raw)
    return property_id in (raw, decoded) or unquote(property_id) == decoded or name in (raw, decoded)


def _property_item_list(value: dict[str, Any]) -> tuple[list[dict[str, Any]], Any]:
    """The items a paginated property answers, and what ``property_item.<type>`` carries.

    A rollup lists the values it rolls up (``show_original`` arrays); a calculated rollup (count, sum …) has
    no items and carries its result in ``property_item.rollup``, as Notion's reference describes."""
    kind = value["type"]
    prop_id = value["id"]
    if kind != "rollup":
        return [
            {"object": "property_item", "type": kind, "id": prop_id, kind: item} for item in value[kind]
        ], {}
    rollup = dict(value.get("rollup") or {})
    if rollup.get("type") != "array":
        return [], rollup
    items = []
    for element in rollup.get("array") or []:
        element_type = element.get("type")
        items.append(
            {
                "object": "property_item",
                "id": prop_id,
                "type": element_type,
                element_type: element.get(element_type),
            }
        )
    return items, {**rollup, "array": []}


ROUTES = [
    Route("POST", "/v1/pages", create),
    Route("GET", "/v1/pages/{page_id}/markdown", page_markdown.retrieve),
    Route("PATCH", "/v1/pages/{page_id}/markdown", page_markdown.update),
    Route("GET", "/v1/pages/{page_id}/properties/{property_id}", property_item),
    Route("GET", "/v1/pages/{page_id}", retrieve),
    Route("PATCH", "/v1/pages/{page_id}", update),
]


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None
