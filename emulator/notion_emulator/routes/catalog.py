"""Small listing endpoints of the SDKs: data source templates and custom emojis.

``GET /v1/data_sources/{id}/templates`` → ``{templates: [{id, name, is_default}], has_more, next_cursor}`` (no
``object: "list"``, notion-api.md §4; 2025-09-03 and later), from the templates seeded with
``NotionEmulator.add_template`` (none by default). ``GET /v1/custom_emojis`` → a ``custom_emoji`` list, always
empty (the emulator has no custom emojis). Both check their query parameters like the other paginated
endpoints.
"""

from __future__ import annotations

from typing import Any

from notion_emulator.context import RequestContext
from notion_emulator.pagination import decode_cursor, fingerprint, page_size_from, paginate
from notion_emulator.routes.base import Route
from notion_emulator.routes.common import require_min_version, visible_data_source


def list_templates(ctx: RequestContext) -> dict[str, Any]:
    require_min_version(ctx)
    ctx.require("read_content")
    size = page_size_from(_first(ctx.query, "page_size"), where="query")
    name = (_first(ctx.query, "name") or "").casefold()
    with ctx.state.lock:
        source = visible_data_source(ctx, ctx.path_id("data_source_id"))
        # SDK-JS: ``name`` filters by case-insensitive substring.
        templates = [dict(t) for t in source.templates if name in str(t["name"]).casefold()]
    listing = fingerprint("templates", source.id, name)
    offset = decode_cursor(_first(ctx.query, "start_cursor"), listing)
    window, cursor = paginate(templates, offset, size, listing)
    return {"templates": window, "has_more": cursor is not None, "next_cursor": cursor}


def list_custom_emojis(ctx: RequestContext) -> dict[str, Any]:
    page_size_from(_first(ctx.query, "page_size"), where="query")
    decode_cursor(_first(ctx.query, "start_cursor"), "custom_emojis")
    return {"object": "list", "type": "custom_emoji", "results": [], "has_more": False, "next_cursor": None}


def _first(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


ROUTES = [
    Route("GET", "/v1/data_sources/{data_source_id}/templates", list_templates),
    Route("GET", "/v1/custom_emojis", list_custom_emojis),
]
