"""Values for upserting database rows: which property types can identify a row, and how to match on them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.payloads import rich_text

_TEXT_TYPES = frozenset({"title", "rich_text", "url", "email", "phone_number"})
_NAMED_TYPES = frozenset({"select", "status"})
UPSERT_PROPERTY_TYPES = (*sorted(_TEXT_TYPES), "number", "select", "status", "checkbox", "date")


def equals_condition(prop_type: str, value: Any) -> dict[str, Any]:
    """The ``equals`` condition of a query filter on a property of ``prop_type``."""
    if prop_type not in UPSERT_PROPERTY_TYPES:
        raise NotionInputError(
            "unique_property",
            f"a {prop_type or 'missing'} property cannot identify a row; use one of {', '.join(UPSERT_PROPERTY_TYPES)}",
        )
    return {"equals": value}


def unique_value(prop_type: str, given: Any) -> tuple[Any, Any]:
    """``(value to match, property value to send)`` from a property value object or a plain value."""
    if prop_type not in UPSERT_PROPERTY_TYPES:
        equals_condition(prop_type, None)
    if not isinstance(given, Mapping):
        is_number = isinstance(given, int | float) and not isinstance(given, bool)
        if (
            given is None
            or isinstance(given, bool) != (prop_type == "checkbox")
            or is_number != (prop_type == "number")
        ):
            raise NotionInputError("unique_property", f"{given!r} is not a value of a {prop_type} property")
        return given, wrap_plain(prop_type, given)
    body = given.get(prop_type, given.get("type") and given.get(str(given.get("type"))))
    if prop_type in ("title", "rich_text"):
        items = body if isinstance(body, list) else []
        text = "".join(
            str(item.get("plain_text") or (item.get("text") or {}).get("content") or "")
            for item in items
            if isinstance(item, Mapping)
        )
        return text, dict(given)
    if prop_type in _NAMED_TYPES:
        name = body.get("name") if isinstance(body, Mapping) else None
        if not name:
            raise NotionInputError("unique_property", f"the {prop_type} value needs a name to match on")
        return name, dict(given)
    if prop_type == "date":
        start = body.get("start") if isinstance(body, Mapping) else None
        if not start:
            raise NotionInputError("unique_property", "the date value needs a start to match on")
        return start, dict(given)
    if body is None:
        raise NotionInputError("unique_property", f"the value has no {prop_type!r} key to match on")
    return body, dict(given)


def wrap_plain(prop_type: str, value: Any) -> Any:
    """A plain value as the property value Notion expects."""
    if prop_type in ("title", "rich_text"):
        return {prop_type: rich_text(str(value), f"properties.{prop_type}")}
    if prop_type in _NAMED_TYPES:
        return {prop_type: {"name": str(value)}}
    if prop_type == "date":
        return {"date": {"start": str(value)}}
    return {prop_type: value}
