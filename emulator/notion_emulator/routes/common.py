"""Lookups and body checks shared by several resource modules."""

from __future__ import annotations

from typing import Any

from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError, NotionEmulatorError
from notion_emulator.records import DatabaseRecord, DataSourceRecord, PageRecord
from notion_emulator.util import V2025, normalize_id


def require_min_version(ctx: RequestContext, minimum: str = V2025) -> None:
    """Endpoints that do not exist before ``minimum`` answer like unknown URLs."""
    if ctx.version < minimum:
        raise NotionEmulatorError(400, "invalid_request_url", "Invalid request URL.")


def visible_page(ctx: RequestContext, page_id: str) -> PageRecord:
    page = ctx.state.pages.get(page_id)
    if page is None or not ctx.visible(page_id):
        raise ctx.not_found("page", page_id)
    return page


def visible_database(ctx: RequestContext, database_id: str) -> DatabaseRecord:
    db = ctx.state.databases.get(database_id)
    if db is None or not ctx.visible(database_id):
        raise ctx.not_found("database", database_id)
    return db


def visible_data_source(ctx: RequestContext, data_source_id: str) -> DataSourceRecord:
    ds = ctx.state.data_sources.get(data_source_id)
    if ds is None or not ctx.visible(data_source_id):
        raise ctx.not_found("data_source", data_source_id)
    return ds


def only_data_source(ctx: RequestContext, db: DatabaseRecord) -> DataSourceRecord:
    """The single data source of ``db``; Notion refuses database-level access to multi-source databases."""
    ds = ctx.state.single_data_source(db)
    if ds is None:
        live = [i for i in db.data_source_ids if not ctx.state.data_sources[i].in_trash]
        raise EmulatorValidationError(
            "Databases with multiple data sources are not supported in this API version.",
            {
                "error_type": "multiple_data_sources_for_database",
                "database_id": db.id,
                "child_data_source_ids": live,
                "minimum_api_version": V2025,
            },
        )
    return ds


def body_id(value: Any, field_path: str) -> str:
    if not isinstance(value, str) or normalize_id(value) is None:
        raise EmulatorValidationError(
            f"body failed validation: {field_path} should be a valid uuid, instead was `{_js(value)}`."
        )
    normalized = normalize_id(value)
    assert normalized is not None
    return normalized


def parse_parent(ctx: RequestContext, allowed: tuple[str, ...]) -> tuple[str, Any]:
    """Return ``(kind, id_or_None)`` from ``body.parent``; ``kind`` is one of ``allowed``."""
    parent = ctx.body.get("parent")
    if not isinstance(parent, dict):
        raise EmulatorValidationError(
            f"body failed validation: body.parent should be an object, instead was `{_js(parent)}`."
        )
    kinds = [k for k in allowed if k in parent]
    declared = parent.get("type")
    if declared is not None and declared not in allowed:
        raise EmulatorValidationError(
            f"body failed validation: body.parent.type should be one of {', '.join(allowed)}, instead was "
            f"`{_js(declared)}`."
        )
    if declared is not None:
        kinds = [declared]
    if len(kinds) != 1:
        expected = " or ".join(f"body.parent.{k}" for k in allowed)
        raise EmulatorValidationError(f"body failed validation: {expected} should be defined.")
    kind = kinds[0]
    if kind == "workspace":
        if parent.get("workspace") is not True:
            raise EmulatorValidationError("body failed validation: body.parent.workspace should be `true`.")
        return kind, None
    return kind, body_id(parent.get(kind), f"body.parent.{kind}")


def rich_text_input(ctx: RequestContext, key: str) -> list[dict[str, Any]] | None:
    value = ctx.body.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise EmulatorValidationError(
            f"body failed validation: body.{key} should be an array, instead was `{_js(value)}`."
        )
    return value


def optional_object(ctx: RequestContext, key: str) -> dict[str, Any] | None:
    value = ctx.body.get(key)
    if value is not None and not isinstance(value, dict):
        raise EmulatorValidationError(
            f"body failed validation: body.{key} should be an object or `null`, instead was `{_js(value)}`."
        )
    if key in ("icon", "cover"):
        from notion_emulator.attachments import resolve_icon_or_cover

        value = resolve_icon_or_cover(ctx, key, value)
    return value


def filter_properties(ctx: RequestContext) -> set[str] | None:
    wanted = ctx.query.get("filter_properties", []) + ctx.query.get("filter_properties[]", [])
    return set(wanted) if wanted else None


def _js(value: Any) -> str:
    import json

    return json.dumps(value)


ARCHIVED_EDIT_MESSAGE = "Can't edit block that is archived. You must unarchive the block before editing."


def refuse_edit_if_trashed(in_trash: bool, requested_trash: bool | None) -> None:
    """Notion refuses every edit to a trashed page or block (including trashing it again, or appending
    children to it) unless the same request takes it out of the trash (``in_trash``/``archived`` false)."""
    if in_trash and requested_trash is not False:
        raise EmulatorValidationError(ARCHIVED_EDIT_MESSAGE)
