"""The title of a Notion object, as plain text: what a person reads in the Airflow UI (asset events, logs).

A database and a data source carry theirs as a rich-text ``title``; a page (a row too) in its one property of
type ``title``, whatever that property is called ("Name", "Task", "Titre"...): :func:`title_property` finds it
in a schema, so nothing assumes the name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_notion.rules.values.from_notion import plain_text


def title_property(properties: Any) -> str | None:
    """The name of the ``title`` property in a schema or a page's ``properties``; ``None`` when there is none."""
    if not isinstance(properties, Mapping):
        return None
    for name, prop in properties.items():
        if isinstance(prop, Mapping) and prop.get("type") == "title":
            return str(name)
    return None


def object_title(obj: Any) -> str:
    """The plain-text title of a database, data source or page object (``""`` when it has none)."""
    if not isinstance(obj, Mapping):
        return ""
    if obj.get("object") in ("database", "data_source") or isinstance(obj.get("title"), list):
        return plain_text(obj.get("title"))
    properties = obj.get("properties")
    name = title_property(properties)
    if name is None:
        return ""
    assert isinstance(properties, Mapping)
    value = properties[name]
    return plain_text(value.get("title")) if isinstance(value, Mapping) else ""
