"""Upserts keep scheduled ETL idempotent: a re-run updates the row it created instead of adding another.

The row is found by the value of ``unique_property`` (a Notion property value, or a plain string, number or
boolean wrapped according to the schema; the property types that can identify a row are in
:mod:`airflow_provider_notion.rules.payloads`). No match: the row is created with its children. One match: its
properties (and icon/cover) are updated. Several: an error listing them.

Children of an existing row: up to 100 children are sent with the create itself, which is atomic, so an
existing row already has them and they are not added again. With more than 100, an earlier try may have
stopped between the appends, so the row's children are read and the missing tail is appended in order, or the
task fails naming the missing blocks (:mod:`airflow_provider_notion.rules.children`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.jobs.targets import read_parent_table
from airflow_provider_notion.rules.children import missing_children
from airflow_provider_notion.rules.payloads import (
    MAX_CHILDREN_PER_REQUEST,
    check_children,
    equals_condition,
    json_list,
    json_object,
    property_values,
    unique_value,
)
from airflow_provider_notion.utils.checks import drop_none

if TYPE_CHECKING:
    from airflow_provider_notion.hooks.notion import NotionHook


def _not_a_property(name: str, schema: Mapping[str, Any]) -> NotionInputError:
    return NotionInputError(
        "unique_property", f"{name!r} is not a property of the database (it has: {', '.join(sorted(schema))})"
    )


def find_database_items(
    hook: NotionHook, parent: Mapping[str, Any], property_name: str, value: Any, *, schema: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Every row whose ``property_name`` equals ``value`` (the filter type follows the property's schema)."""
    if property_name not in schema:
        raise _not_a_property(property_name, schema)
    prop_type = str(schema[property_name].get("type"))
    query_filter = {"property": property_name, prop_type: equals_condition(prop_type, value)}
    if parent["type"] == "data_source_id":
        pages = hook.iter_query_pages(data_source_id=parent["data_source_id"], filter=query_filter)
    else:
        pages = hook.iter_query_pages(parent["database_id"], filter=query_filter)
    return [dict(row) for page in pages for row in page.get("results", [])]


def upsert_database_item(
    hook: NotionHook,
    parent: Mapping[str, Any],
    properties: Any,
    unique_property: str,
    *,
    children: Any = None,
    icon: Any = None,
    cover: Any = None,
) -> tuple[dict[str, Any], bool]:
    """Update the row whose ``unique_property`` has the given value, or create it; returns ``(page, created)``."""
    props = property_values(properties)
    if unique_property not in props:
        raise NotionInputError(
            "unique_property", f"{unique_property!r} has no value in properties, so there is nothing to match"
        )
    table = read_parent_table(hook, parent)
    schema, target = table.schema, table.target.parent
    prop_schema = schema.get(unique_property)
    if not isinstance(prop_schema, Mapping):
        raise _not_a_property(unique_property, schema)
    value, props[unique_property] = unique_value(str(prop_schema.get("type")), props[unique_property])
    matches = find_database_items(hook, target, unique_property, value, schema=schema)
    if len(matches) > 1:
        ids = ", ".join(str(m.get("id")) for m in matches[:10])
        raise NotionError(
            f"{len(matches)} rows have {unique_property} = {value!r} ({ids}); an upsert needs at most one. "
            "Remove the duplicates or choose a unique_property whose values are unique."
        )
    if not matches:
        return hook.create_database_item(target, props, children=children, icon=icon, cover=cover), True
    row_id = str(matches[0]["id"])
    blocks = json_list(children, "children") or []
    check_children(blocks)
    fields = drop_none({"icon": json_object(icon, "icon"), "cover": json_object(cover, "cover")})
    page = hook.update_page(row_id, props, **fields)
    if len(blocks) > MAX_CHILDREN_PER_REQUEST:
        finish_children(hook, row_id, blocks)
    elif blocks:
        hook.log.info("Row %s exists; children are only added when a row is created", row_id)
    return page, False


def finish_children(hook: NotionHook, row_id: str, blocks: list[Any]) -> None:
    """Append the requested blocks an existing row lacks (an earlier try stopped between the appends)."""
    existing = hook.list_block_children(row_id, fetch_all=True)["results"]
    tail = missing_children(row_id, existing, blocks)
    if tail:
        hook.log.info(
            "Row %s has %d of the %d requested child blocks (an earlier try stopped part-way); appending the "
            "missing %d",
            row_id,
            len(blocks) - len(tail),
            len(blocks),
            len(tail),
        )
        hook.append_blocks(row_id, list(tail), already=len(blocks) - len(tail), abandon=False)
