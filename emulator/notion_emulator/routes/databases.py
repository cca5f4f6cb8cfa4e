"""``/v1/databases``: create, retrieve, update, and (2022-06-28 only) query."""

from __future__ import annotations

from typing import Any

from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError, NotionEmulatorError
from notion_emulator.richtext import expand_rich_text
from notion_emulator.routes.base import Route
from notion_emulator.routes.common import (
    only_data_source,
    optional_object,
    parse_parent,
    rich_text_input,
    visible_database,
    visible_page,
)
from notion_emulator.routes.querying import run_query
from notion_emulator.serialize import database_json
from notion_emulator.util import utcnow


def create(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("insert_content")
    allowed = ("page_id",) if ctx.v1 else ("page_id", "workspace")
    kind, parent_id = parse_parent(ctx, allowed)
    if parent_id is not None:
        visible_page(ctx, parent_id)
    if ctx.v1:
        schema_input = ctx.body.get("properties")
        if not isinstance(schema_input, dict):
            raise EmulatorValidationError("body failed validation: body.properties should be defined.")
    else:
        if "properties" in ctx.body:
            raise EmulatorValidationError(
                "body failed validation: body.properties should be not present. Since 2025-09-03 the schema goes "
                "in body.initial_data_source.properties."
            )
        initial = optional_object(ctx, "initial_data_source") or {}
        schema_input = initial.get("properties")
        if schema_input is not None and not isinstance(schema_input, dict):
            raise EmulatorValidationError(
                "body failed validation: body.initial_data_source.properties should be an object."
            )
    with ctx.state.lock:
        db = ctx.state.create_database(
            parent_type=kind,
            parent_id=parent_id,
            title_input=rich_text_input(ctx, "title") or [],
            schema_input=schema_input,
            creator_id=ctx.bot.id,
            api_version=ctx.version,
            is_inline=bool(ctx.body.get("is_inline", False)),
            icon=optional_object(ctx, "icon"),
            cover=optional_object(ctx, "cover"),
            description_input=rich_text_input(ctx, "description"),
        )
        ctx.state.share(ctx.bot.id, db.id)
        return database_json(ctx.state, db, ctx.version)


def retrieve(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("read_content")
    with ctx.state.lock:
        db = visible_database(ctx, ctx.path_id("database_id"))
        if ctx.v1:
            only_data_source(ctx, db)
        return database_json(ctx.state, db, ctx.version)


def update(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("update_content")
    with ctx.state.lock:
        db = visible_database(ctx, ctx.path_id("database_id"))
        ds = only_data_source(ctx, db) if ctx.v1 else None
        trash = ctx.trash_flag()
        if "properties" in ctx.body:
            schema_input = ctx.body["properties"]
            if ds is None:
                raise EmulatorValidationError(
                    "body failed validation: body.properties should be not present. Since 2025-09-03 the schema "
                    "is updated with PATCH /v1/data_sources/{id}."
                )
            if not isinstance(schema_input, dict):
                raise EmulatorValidationError("body failed validation: body.properties should be an object.")
            ctx.state.update_schema(ds, schema_input, ctx.version)
        if (title := rich_text_input(ctx, "title")) is not None:
            db.title = expand_rich_text(title)
        if (description := rich_text_input(ctx, "description")) is not None:
            db.description = expand_rich_text(description)
        for key in ("icon", "cover"):
            if key in ctx.body:
                setattr(db, key, optional_object(ctx, key))
        if "is_inline" in ctx.body:
            db.is_inline = bool(ctx.body["is_inline"])
        if "is_locked" in ctx.body and not ctx.v1:
            db.is_locked = bool(ctx.body["is_locked"])
        if trash is not None:
            db.in_trash = trash
        db.last_edited = utcnow()
        db.last_edited_by = ctx.bot.id
        return database_json(ctx.state, db, ctx.version)


def query(ctx: RequestContext) -> dict[str, Any]:
    if not ctx.v1:
        raise NotionEmulatorError(400, "invalid_request_url", "Invalid request URL.")
    with ctx.state.lock:
        db = visible_database(ctx, ctx.path_id("database_id"))
        ds = only_data_source(ctx, db)
    return run_query(ctx, ds, "page_or_database")


ROUTES = [
    Route("POST", "/v1/databases", create),
    Route("GET", "/v1/databases/{database_id}", retrieve),
    Route("PATCH", "/v1/databases/{database_id}", update),
    Route("POST", "/v1/databases/{database_id}/query", query),
]
