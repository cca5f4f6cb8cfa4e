"""Render state records as Notion response objects for a given ``Notion-Version`` (key order follows the
recorded responses)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from notion_emulator.computed import refresh_page as refresh_computed_values
from notion_emulator.mentions import (
    resolve_block_content,
    resolve_properties,
    resolve_rich_text,
)
from notion_emulator.records import (
    BlockRecord,
    DatabaseRecord,
    DataSourceRecord,
    Integration,
    PageRecord,
    plain_text,
)
from notion_emulator.state import EmulatorState
from notion_emulator.util import (
    drops_archived,
    is_v1,
    iso_millis,
    iso_minute,
    page_url,
)

MAX_FILE_UPLOAD_BYTES = 5_242_880


def _user_ref(user_id: str) -> dict[str, Any]:
    return {"object": "user", "id": user_id}


def _with_archived(obj: dict[str, Any], in_trash: bool, version: str) -> dict[str, Any]:
    if not drops_archived(version):
        obj["archived"] = in_trash
    return obj


def parent_json(
    state: EmulatorState, parent_type: str, parent_id: str | None, version: str
) -> dict[str, Any]:
    if parent_type == "workspace":
        return {"type": "workspace", "workspace": True}
    if parent_type == "data_source_id":
        ds = state.data_sources[parent_id or ""]
        if is_v1(version):
            return {"type": "database_id", "database_id": ds.database_id}
        return {"type": "data_source_id", "data_source_id": ds.id, "database_id": ds.database_id}
    return {"type": parent_type, parent_type: parent_id}


def page_json(
    state: EmulatorState, page: PageRecord, version: str, *, only_properties: set[str] | None = None
) -> dict[str, Any]:
    refresh_computed_values(state, page)
    properties = page.properties
    if only_properties is not None:
        # Ids arrive URL-encoded as Notion returns them (Python SDK) or already decoded (the JS SDK sends
        # `filter_properties=kos%5B` for the id "kos%5B", which the query string decodes to "kos[").
        wanted = {unquote(key) for key in only_properties}
        properties = {
            name: value
            for name, value in properties.items()
            if name in only_properties or unquote(str(value.get("id"))) in wanted
        }
    row = page.row
    obj: dict[str, Any] = {
        "object": "page",
        "id": page.id,
        "created_time": row["created_time"],
        "last_edited_time": row["last_edited_time"],
        "created_by": row["created_by"],
        "last_edited_by": row["last_edited_by"],
        "cover": page.cover,
        "icon": page.icon,
        "parent": parent_json(state, page.parent_type, page.parent_id, version),
    }
    if is_v1(version):
        obj["archived"] = page.in_trash
        obj["in_trash"] = page.in_trash
    else:
        obj["in_trash"] = page.in_trash
        obj["is_archived"] = False
        obj["is_locked"] = page.is_locked
    obj["properties"] = resolve_properties(properties, state)
    obj["url"] = page_url(state.page_title(page), page.id)
    obj["public_url"] = None
    if not is_v1(version) and not drops_archived(version):
        obj["archived"] = page.in_trash
    return obj


def data_source_refs(state: EmulatorState, db: DatabaseRecord) -> list[dict[str, Any]]:
    refs = []
    for ds_id in db.data_source_ids:
        ds = state.data_sources[ds_id]
        if not ds.in_trash:
            refs.append({"id": ds.id, "name": plain_text(ds.title)})
    return refs


def database_json(state: EmulatorState, db: DatabaseRecord, version: str) -> dict[str, Any]:
    """The caller checks that a 2022-06-28 request targets a single-source database."""
    parent = parent_json(state, db.parent_type, db.parent_id, version)
    url = page_url("", db.id)
    if is_v1(version):
        ds = state.single_data_source(db) or state.data_sources[db.data_source_ids[0]]
        return {
            "object": "database",
            "id": db.id,
            "cover": db.cover,
            "icon": db.icon,
            "created_time": iso_minute(db.created),
            "created_by": _user_ref(db.created_by),
            "last_edited_by": _user_ref(db.last_edited_by),
            "last_edited_time": iso_minute(db.last_edited),
            "title": resolve_rich_text(db.title, state),
            "description": db.description,
            "is_inline": db.is_inline,
            "properties": _schema_v1(ds.schema),
            "parent": parent,
            "url": url,
            "public_url": None,
            "archived": db.in_trash,
            "in_trash": db.in_trash,
        }
    obj: dict[str, Any] = {
        "object": "database",
        "id": db.id,
        "title": resolve_rich_text(db.title, state),
        "description": db.description,
        "parent": parent,
        "is_inline": db.is_inline,
        "in_trash": db.in_trash,
        "is_locked": db.is_locked,
        "created_time": iso_millis(db.created),
        "last_edited_time": iso_millis(db.last_edited),
        "data_sources": data_source_refs(state, db),
        "icon": db.icon,
        "cover": db.cover,
        "url": url,
        "public_url": None,
    }
    return _with_archived(obj, db.in_trash, version)


def _schema_v1(schema: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """2022-06-28 schemas carry no ``description`` key and relations point at databases."""
    return {name: {k: v for k, v in spec.items() if k != "description"} for name, spec in schema.items()}


def data_source_json(state: EmulatorState, ds: DataSourceRecord, version: str) -> dict[str, Any]:
    db = state.databases[ds.database_id]
    obj: dict[str, Any] = {
        "object": "data_source",
        "id": ds.id,
        "cover": ds.cover,
        "icon": ds.icon,
        "created_time": iso_minute(ds.created),
        "created_by": _user_ref(ds.created_by),
        "last_edited_by": _user_ref(ds.last_edited_by),
        "last_edited_time": iso_minute(ds.last_edited),
        "title": resolve_rich_text(ds.title, state),
        "description": ds.description,
        "is_inline": db.is_inline,
        "properties": ds.schema,
        "parent": {"type": "database_id", "database_id": db.id},
        "database_parent": parent_json(state, db.parent_type, db.parent_id, version),
        "url": page_url("", db.id),
        "public_url": None,
        "in_trash": ds.in_trash,
    }
    return _with_archived(obj, ds.in_trash, version)


def block_json(state: EmulatorState, block_id: str, version: str) -> dict[str, Any]:
    """Blocks, including the ``child_page``/``child_database`` block view of pages and databases."""
    if (block := state.blocks.get(block_id)) is not None:
        return _plain_block_json(state, block, version)
    has_children = bool(state.live_children(block_id))
    if (page := state.pages.get(block_id)) is not None:
        head = _block_head(
            state,
            page.id,
            page.parent_type,
            page.parent_id,
            iso_minute(page.created),
            iso_minute(page.last_edited),
            page.row["created_by"]["id"],
            page.row["last_edited_by"]["id"],
            version,
        )
        head.update(
            {
                "has_children": has_children,
                "in_trash": page.in_trash,
                "type": "child_page",
                "child_page": {"title": state.page_title(page)},
            }
        )
        return _with_archived(head, page.in_trash, version)
    db = state.databases[block_id]
    head = _block_head(
        state,
        db.id,
        db.parent_type,
        db.parent_id,
        iso_minute(db.created),
        iso_minute(db.last_edited),
        db.created_by,
        db.last_edited_by,
        version,
    )
    head.update(
        {
            "has_children": False,
            "in_trash": db.in_trash,
            "type": "child_database",
            "child_database": {"title": plain_text(db.title)},
        }
    )
    return _with_archived(head, db.in_trash, version)


def _block_head(
    state: EmulatorState,
    object_id: str,
    parent_type: str,
    parent_id: str | None,
    created: str,
    edited: str,
    created_by: str,
    edited_by: str,
    version: str,
) -> dict[str, Any]:
    return {
        "object": "block",
        "id": object_id,
        "parent": parent_json(state, parent_type, parent_id, version),
        "created_time": created,
        "last_edited_time": edited,
        "created_by": _user_ref(created_by),
        "last_edited_by": _user_ref(edited_by),
    }


def _plain_block_json(state: EmulatorState, block: BlockRecord, version: str) -> dict[str, Any]:
    head = _block_head(
        state,
        block.id,
        block.parent_type,
        block.parent_id,
        iso_minute(block.created),
        iso_minute(block.last_edited),
        block.created_by,
        block.last_edited_by,
        version,
    )
    head.update(
        {
            "has_children": bool(state.live_children(block.id)),
            "in_trash": block.in_trash,
            "type": block.type,
            block.type: resolve_block_content(_block_content(block, version), state),
        }
    )
    return _with_archived(head, block.in_trash, version)


def _block_content(block: BlockRecord, version: str) -> dict[str, Any]:
    """Paragraphs carry ``icon: null`` in the 2025-09-03 recordings but no ``icon`` key in 2022-06-28 ones."""
    if is_v1(version) and block.type == "paragraph" and block.content.get("icon") is None:
        return {k: v for k, v in block.content.items() if k != "icon"}
    return block.content


def person_json(user: dict[str, Any], *, with_email: bool, version: str = "2022-06-28") -> dict[str, Any]:
    person: dict[str, Any] = {}
    if with_email and user.get("email"):
        person = {"email": user["email"]}
        if not is_v1(version):
            # Recorded with 2025-09-03, absent from the 2022-06-28 recordings.
            person["email_verified"] = True
    return {
        "object": "user",
        "id": user["id"],
        "name": user["name"],
        "avatar_url": user.get("avatar_url"),
        "type": "person",
        "person": person,
    }


def bot_json(
    state: EmulatorState,
    integration: Integration,
    version: str,
    *,
    max_file_upload_bytes: int = MAX_FILE_UPLOAD_BYTES,
) -> dict[str, Any]:
    bot: dict[str, Any] = {"owner": integration.owner, "workspace_name": state.workspace_name}
    if not is_v1(version):
        bot["workspace_id"] = state.workspace_id
        bot["workspace_limits"] = {"max_file_upload_size_in_bytes": max_file_upload_bytes}
    return {
        "object": "user",
        "id": integration.id,
        "name": integration.name,
        "avatar_url": None,
        "type": "bot",
        "bot": bot,
    }


def list_json(results: list[dict[str, Any]], list_type: str, next_cursor: str | None) -> dict[str, Any]:
    return {
        "object": "list",
        "results": results,
        "next_cursor": next_cursor,
        "has_more": next_cursor is not None,
        "type": list_type,
        list_type: {},
    }
