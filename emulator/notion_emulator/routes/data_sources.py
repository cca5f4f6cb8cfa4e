"""``/v1/data_sources`` (2025-09-03 and later): create, retrieve, update, query."""

from __future__ import annotations

from typing import Any

from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.richtext import expand_rich_text
from notion_emulator.routes.base import Route
from notion_emulator.routes.common import (
    optional_object,
    parse_parent,
    require_min_version,
    rich_text_input,
    visible_data_source,
    visible_database,
)
from notion_emulator.routes.querying import run_query
from notion_emulator.serialize import data_source_json
from notion_emulator.util import utcnow


def create(ctx: RequestContext) -> dict[str, Any]:
    require_min_version(ctx)
    ctx.require("insert_content")
    _, database_id = parse_parent(ctx, ("database_id",))
    schema_input = ctx.body.get("properties")
    if not isinstance(schema_input, dict):
        raise EmulatorValidationError("body failed validation: body.properties should be defined.")
    with ctx.state.lock:
        db = visible_database(ctx, database_id)
        ds = ctx.state.create_data_source(
            db,
            title_input=rich_text_input(ctx, "title"),
            schema_input=schema_input,
            creator_id=ctx.bot.id,
            api_version=ctx.version,
            icon=optional_object(ctx, "icon"),
        )
        return data_source_json(ctx.state, ds, ctx.version)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    require_min_version(ctx)
    ctx.require("read_content")
    with ctx.state.lock:
        ds = visible_data_source(ctx, ctx.path_id("data_source_id"))
        return data_source_json(ctx.state, ds, ctx.version)


def update(ctx: RequestContext) -> dict[str, Any]:
    require_min_version(ctx)
    ctx.require("update_content")
    with ctx.state.lock:
        ds = visible_data_source(ctx, ctx.path_id("data_source_id"))
        trash = ctx.trash_flag()
        if "properties" in ctx.body:
            schema_input = ctx.body["properties"]
            if not isinstance(schema_input, dict):
                raise EmulatorValidationError("body failed validation: body.properties should be an object.")
            ctx.state.update_schema(ds, schema_input, ctx.version)
        if (title := rich_text_input(ctx, "title")) is not None:
            ds.title = expand_rich_text(title)
        if (description := rich_text_input(ctx, "description")) is not None:
            ds.description = expand_rich_text(description)
        for key in ("icon", "cover"):
            if key in ctx.body:
                setattr(ds, key, optional_object(ctx, key))
        if trash is not None:
            ds.in_trash = trash
        ds.last_edited = utcnow()
        ds.last_edited_by = ctx.bot.id
        ds.revision += 1
        return data_source_json(ctx.state, ds, ctx.version)


def query(ctx: RequestContext) -> dict[str, Any]:
    require_min_version(ctx)
    with ctx.state.lock:
        ds = visible_data_source(ctx, ctx.path_id("data_source_id"))
    return run_query(ctx, ds, "page_or_data_source")


ROUTES = [
    Route("POST", "/v1/data_sources", create),
    Route("GET", "/v1/data_sources/{data_source_id}", retrieve),
    Route("PATCH", "/v1/data_sources/{data_source_id}", update),
    Route("POST", "/v1/data_sources/{data_source_id}/query", query),
]
