"""Upserts keep scheduled ETL idempotent: a re-run updates the row it created instead of adding another.

The row is found by the value of ``unique_property`` (a Notion property value, or a plain value mapped by the
schema as a sync maps it; the property types that can identify a row, and how keys compare, are in
:mod:`airflow_provider_notion.rules.keys`, shared with the sync). No match: the row is created with its
children (a unique ID cannot be created: then the upsert fails). One match: its properties (and icon/cover)
are updated. Several: an error listing them.

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
from airflow_provider_notion.rules.keys import Key, check_key_type, key_filter, key_of, unique_id_key
from airflow_provider_notion.rules.payloads import (
    MAX_CHILDREN_PER_REQUEST,
    check_children,
    json_list,
    json_object,
    property_values,
)
from airflow_provider_notion.rules.values.to_notion import property_value
from airflow_provider_notion.utils.checks import drop_none

if TYPE_CHECKING:
    from airflow_provider_notion.hooks.notion import NotionHook


def find_database_items(
    hook: NotionHook, parent: Mapping[str, Any], property_name: str, value: Any, *, schema: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Every row whose ``property_name`` has the key ``value`` (see :mod:`~airflow_provider_notion.rules.keys`)."""
    query_filter = key_filter(property_name, check_key_type(property_name, schema, "unique_property"), value)
    if parent["type"] == "data_source_id":
        pages = hook.iter_query_pages(data_source_id=parent["data_source_id"], filter=query_filter)
    else:
        pages = hook.iter_query_pages(parent["database_id"], filter=query_filter)
    return [dict(row) for page in pages for row in page.get("results", [])]


def _key_and_value(key_type: str, given: Any) -> tuple[Key, Any]:
    """The key to match on, and the property value to send (``None`` for a unique ID: Notion's to set)."""
    if key_type == "unique_id":
        return unique_id_key(given, "unique_property"), None
    sent = property_value(key_type, given, "unique_property")
    key = key_of(key_type, sent)
    if key is None:
        raise NotionInputError(
            "unique_property", f"the {key_type} value {given!r} is empty: nothing to match on"
        )
    return key, sent


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
    key_type = check_key_type(unique_property, schema, "unique_property")
    value, sent = _key_and_value(key_type, props[unique_property])
    if sent is None:
        del props[unique_property]
    else:
        props[unique_property] = sent
    matches = find_database_items(hook, target, unique_property, value, schema=schema)
    if len(matches) > 1:
        ids = ", ".join(str(m.get("id")) for m in matches[:10])
        raise NotionError(
            f"{len(matches)} rows have {unique_property} = {value!r} ({ids}); an upsert needs at most one. "
            "Remove the duplicates or choose a unique_property whose values are unique."
        )
    if not matches and key_type == "unique_id":
        raise NotionError(
            f"No row has {unique_property} = {value!r}. Notion assigns unique IDs itself, so an upsert keyed by "
            "a unique ID can update a row but not create one. Nothing was written."
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
