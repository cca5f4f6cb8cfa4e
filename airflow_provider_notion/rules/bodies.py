"""Request bodies of the endpoints whose shape depends on the Notion-Version or needs checking before sending.

Pure: the hook's endpoint methods build their body here and send it, so a bad value fails before any request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.rules.payloads import (
    MAX_CHILDREN_PER_REQUEST,
    check_children,
    json_list,
    json_object,
    parent_object,
    property_values,
    rich_text,
)
from airflow_provider_notion.rules.versions import NotionVersion, SearchObject
from airflow_provider_notion.utils.checks import drop_none


class PageContent(TypedDict, total=False):
    """What a new page or row may carry besides its properties."""

    children: Any
    icon: Any
    cover: Any


class DatabaseOptions(TypedDict, total=False):
    """The optional parts of a new database."""

    icon: Any
    cover: Any
    is_inline: bool | None
    description: Any


class SearchOptions(TypedDict, total=False):
    """What a search may be limited or ordered by, and its page size."""

    object_type: SearchObject | None
    sort: Any
    page_size: int | None


def create_page_body(
    parent: Any, properties: Any, *, children: Any, icon: Any, cover: Any, parent_type: str
) -> tuple[dict[str, Any], list[Any]]:
    """``(body of POST /pages, the children past the first 100 to append afterwards)``.

    Size limits (more than 100 rich-text items, options...) are checked here; a plain-string ``title`` becomes
    rich text split into 2,000-character pieces.
    """
    props = property_values(properties)
    if isinstance(props.get("title"), str):
        props["title"] = {"title": rich_text(props["title"], "properties.title")}
    blocks = json_list(children, "children") or []
    check_children(blocks)
    body: dict[str, Any] = {
        "parent": parent_object(parent, "parent", default_type=parent_type),
        "properties": props,
    }
    if blocks:
        body["children"] = blocks[:MAX_CHILDREN_PER_REQUEST]
    body.update(drop_none({"icon": json_object(icon, "icon"), "cover": json_object(cover, "cover")}))
    return body, blocks[MAX_CHILDREN_PER_REQUEST:]


def update_page_body(version: NotionVersion, properties: Any, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The body of ``PATCH /pages/{id}``: properties (size limits checked), icon, cover, the trash flag."""
    props = json_object(properties, "properties")
    if props is not None:
        props = property_values(props)
    body = drop_none({"properties": props, **fields})
    if "in_trash" in body:
        body.update(version.trash_body(bool(body.pop("in_trash"))))
    return body


def create_database_body(
    version: NotionVersion,
    parent: Any,
    title: Any,
    properties: Any,
    *,
    icon: Any = None,
    cover: Any = None,
    is_inline: bool | None = None,
    description: Any = None,
) -> dict[str, Any]:
    """The body of ``POST /databases``; the schema goes where the version expects it."""
    schema = json_object(properties, "properties", required=True)
    assert schema is not None
    body = version.create_database_body(
        parent=parent_object(parent, "parent"), title=rich_text(title, "title"), properties=schema
    )
    if description is not None:
        body["description"] = rich_text(description, "description")
    extras = {"icon": json_object(icon, "icon"), "cover": json_object(cover, "cover"), "is_inline": is_inline}
    body.update(drop_none(extras))
    return body


def append_body(version: NotionVersion, children: list[dict[str, Any]], after: str | None) -> dict[str, Any]:
    """The body of ``PATCH /blocks/{id}/children``: at most 100 blocks, at the end or after a block."""
    if len(children) > MAX_CHILDREN_PER_REQUEST:
        raise NotionInputError("children", f"at most {MAX_CHILDREN_PER_REQUEST} blocks per append")
    body: dict[str, Any] = {"children": children}
    if after is not None:
        body.update(version.append_after(normalize_notion_id(after, "after")))
    return body


def search_body(
    version: NotionVersion, query: str | None, object_type: SearchObject | None, sort: Any
) -> dict[str, Any]:
    """The body of ``POST /search``; "database" means data sources since 2025-09-03."""
    if object_type not in (None, "page", "database"):
        raise NotionInputError("object_type", f"{object_type!r} is not 'page' or 'database'")
    return drop_none(
        {
            "query": query or None,
            "filter": version.search_filter(object_type) if object_type else None,
            "sort": json_object(sort, "sort"),
        }
    )
