"""Property values for updating an existing page: Notion values as given, plain values mapped by the schema.

A value that is a dict is taken as a Notion property value (``{"status": {"name": "Done"}}``) and sent as is.
Any other value (``"Done"``, ``3``, ``["a", "b"]``, a date, ``None``) is a plain value: the page's parent
schema is read (the page, then its data source or database) and the value is mapped by
:func:`airflow_provider_notion.rules.values.to_notion.to_property_values`, the rules the sync operator uses too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from airflow_provider_notion.jobs.targets import read_parent_table
from airflow_provider_notion.jobs.users import read_email_directory
from airflow_provider_notion.rules.payloads import property_values
from airflow_provider_notion.rules.values.to_notion import mentions_email, to_property_values

if TYPE_CHECKING:
    from airflow_provider_notion.hooks.notion import NotionHook

#: A page under a page (not a database row) has one property, its title.
PAGE_SCHEMA: dict[str, Any] = {"title": {"id": "title", "type": "title", "title": {}}}


def has_plain_values(properties: Mapping[str, Any]) -> bool:
    return any(not isinstance(value, Mapping) for value in properties.values())


def page_schema(hook: NotionHook, page: Mapping[str, Any]) -> dict[str, Any]:
    """The properties schema of the database (data source) a page belongs to, or a plain page's title."""
    parent = page.get("parent") or {}
    kind = parent.get("type")
    if kind not in ("database_id", "data_source_id"):
        return dict(PAGE_SCHEMA)
    return read_parent_table(hook, parent).schema


def update_values(
    hook: NotionHook, page: Mapping[str, Any] | None, page_id: str, properties: Mapping[str, Any]
) -> dict[str, Any]:
    """The ``properties`` of ``PATCH /v1/pages/{id}``; reads the page (unless given) and schema only when a
    plain value needs them."""
    if not has_plain_values(properties):
        return property_values(dict(properties))
    current = page if page is not None else hook.get_page(page_id)
    schema = page_schema(hook, current)
    people = [
        name for name, spec in schema.items() if isinstance(spec, Mapping) and spec.get("type") == "people"
    ]
    users = None
    if any(mentions_email(properties.get(name)) for name in people):
        users = read_email_directory(hook).ids
    return property_values(to_property_values(schema, properties, field="properties", users_by_email=users))
