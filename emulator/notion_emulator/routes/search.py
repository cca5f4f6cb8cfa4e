"""``POST /v1/search``: title search over pages and databases (2022-06-28) or data sources (later)."""

from __future__ import annotations

from typing import Any

from notion_emulator.context import RequestContext
from notion_emulator.errors import EmulatorValidationError
from notion_emulator.pagination import anchored_page, page_size_from
from notion_emulator.records import plain_text
from notion_emulator.routes.base import Route
from notion_emulator.serialize import data_source_json, database_json, list_json, page_json


def search(ctx: RequestContext) -> dict[str, Any]:
    ctx.require("read_content")
    body = ctx.body
    text = body.get("query") or ""
    if not isinstance(text, str):
        raise EmulatorValidationError("body failed validation: body.query should be a string.")
    container = "database" if ctx.v1 else "data_source"
    wanted = _object_filter(body.get("filter"), container)
    descending = _sort_direction(body.get("sort"))
    size = page_size_from(body.get("page_size"), where="body")
    needle = text.lower()
    state = ctx.state
    with state.lock:
        # (last_edited, kind, id, live): trashed objects keep their place so a cursor naming one still works.
        found: list[tuple[Any, str, str, bool]] = []
        if wanted in (None, "page"):
            for page in state.pages.values():
                if needle in state.page_title(page).lower() and ctx.visible(page.id):
                    found.append((page.last_edited, "page", page.id, not page.in_trash))
        if wanted in (None, container):
            for db in state.databases.values():
                if needle not in plain_text(db.title).lower() or not ctx.visible(db.id):
                    continue
                if ctx.v1:
                    found.append((db.last_edited, "database", db.id, not db.in_trash))
                else:
                    # Search matches the database title and returns all its data sources.
                    for ds_id in db.data_source_ids:
                        ds = state.data_sources[ds_id]
                        live = not (ds.in_trash or db.in_trash)
                        found.append((max(ds.last_edited, db.last_edited), "data_source", ds_id, live))
        # Ties broken by id so the order is total and a cursor always resumes at the same place.
        found.sort(key=lambda item: item[2])
        found.sort(key=lambda item: item[0], reverse=descending)
        kinds = {object_id: kind for _, kind, object_id, _ in found}
        live_ids = {object_id for _, _, object_id, live in found if live}
        window, cursor, _ = anchored_page(
            [object_id for _, _, object_id, _ in found],
            live_ids.__contains__,
            body.get("start_cursor"),
            size,
        )
        results = []
        for object_id in window:
            kind = kinds[object_id]
            if kind == "page":
                results.append(page_json(state, state.pages[object_id], ctx.version))
            elif kind == "database":
                results.append(database_json(state, state.databases[object_id], ctx.version))
            else:
                results.append(data_source_json(state, state.data_sources[object_id], ctx.version))
    list_type = "page_or_database" if ctx.v1 else "page_or_data_source"
    return list_json(results, list_type, cursor)


def _object_filter(raw: Any, container: str) -> str | None:
    if raw is None:
        return None
    allowed = ("page", container)
    if not isinstance(raw, dict) or raw.get("property") != "object" or raw.get("value") not in allowed:
        raise EmulatorValidationError(
            f'body failed validation: body.filter.value should be `"page"` or `"{container}"`, and '
            f'body.filter.property should be `"object"`, instead was `{raw}`.'
        )
    value: str = raw["value"]
    return value


def _sort_direction(raw: Any) -> bool:
    """True for descending (also the default)."""
    if raw is None:
        return True
    if (
        not isinstance(raw, dict)
        or raw.get("timestamp") != "last_edited_time"
        or raw.get("direction") not in ("ascending", "descending")
    ):
        raise EmulatorValidationError(
            'body failed validation: body.sort should be `{"timestamp": "last_edited_time", "direction": '
            f'"ascending" | "descending"}}`, instead was `{raw}`.'
        )
    return bool(raw["direction"] == "descending")


ROUTES = [Route("POST", "/v1/search", search)]
