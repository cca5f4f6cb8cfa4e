"""Input normalisation shared by the hook, operators and sensor.

Values may arrive as Python objects, as JSON strings (templated fields), or from upstream XComs; each helper
turns them into what the API expects or raises a :class:`NotionInputError` naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.rules.filters import MAX_FILTER_NESTING, check_filter_depth  # noqa: F401 - re-exported
from airflow_provider_notion.rules.ids import normalize_notion_id
from airflow_provider_notion.utils.checks import check_finite

MAX_TEXT_LENGTH = 2000
MAX_ARRAY_LENGTH = 100
MAX_CHILDREN_PER_REQUEST = 100
#: Rows an operator or sensor may push to XCom before it asks for ``output_path`` or a narrower query.
DEFAULT_MAX_XCOM_RESULTS = 10_000


def parse_json_value(value: Any, field: str) -> Any:
    """Parse ``value`` if it is a JSON string; return other values unchanged."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise NotionInputError(
                field, f"is not valid JSON ({err.msg} at line {err.lineno} column {err.colno})"
            ) from None
    return value


def json_object(value: Any, field: str, *, required: bool = False) -> dict[str, Any] | None:
    """A JSON object (dict), given as a dict or a JSON string."""
    parsed = parse_json_value(value, field)
    if parsed is None:
        if required:
            raise NotionInputError(field, "is required")
        return None
    if not isinstance(parsed, Mapping):
        raise NotionInputError(field, f"expected a JSON object, got {type(parsed).__name__}")
    check_finite(parsed, field)
    return dict(parsed)


def json_list(value: Any, field: str) -> list[Any] | None:
    """A JSON array (list), given as a list/tuple or a JSON string."""
    parsed = parse_json_value(value, field)
    if parsed is None:
        return None
    if isinstance(parsed, tuple):
        parsed = list(parsed)
    if not isinstance(parsed, list):
        raise NotionInputError(field, f"expected a JSON array, got {type(parsed).__name__}")
    check_finite(parsed, field)
    return parsed


def rich_text(value: Any, field: str) -> list[dict[str, Any]]:
    """Rich text from a plain string (split into ≤2,000-character items) or a rich-text list."""
    if isinstance(value, str):
        if not value:
            return []
        return [
            {"type": "text", "text": {"content": value[i : i + MAX_TEXT_LENGTH]}}
            for i in range(0, len(value), MAX_TEXT_LENGTH)
        ]
    items = json_list(value, field)
    if items is None:
        return []
    if len(items) > MAX_ARRAY_LENGTH:
        raise NotionInputError(
            field, f"has {len(items)} rich-text items; Notion accepts at most {MAX_ARRAY_LENGTH}"
        )
    for item in items:
        if not isinstance(item, Mapping):
            raise NotionInputError(field, f"rich-text items must be objects, got {type(item).__name__}")
    return [dict(item) for item in items]


def parent_object(value: Any, field: str, *, default_type: str = "page_id") -> dict[str, Any]:
    """A parent: an ID/URL (taken as ``default_type``) or a dict such as ``{"page_id": ...}``."""
    parsed = (
        parse_json_value(value, field) if isinstance(value, str) and value.lstrip().startswith("{") else value
    )
    if isinstance(parsed, str):
        return {"type": default_type, default_type: normalize_notion_id(parsed, field)}
    if not isinstance(parsed, Mapping):
        raise NotionInputError(
            field, f"expected a Notion ID, URL or parent object, got {type(parsed).__name__}"
        )
    known = ("page_id", "database_id", "data_source_id", "block_id")
    kinds = [k for k in known if k in parsed]
    if parsed.get("workspace") is True or parsed.get("type") == "workspace":
        return {"type": "workspace", "workspace": True}
    if len(kinds) != 1:
        raise NotionInputError(field, f"must name exactly one of {', '.join(known)} (or workspace: true)")
    kind = kinds[0]
    return {"type": kind, kind: normalize_notion_id(parsed[kind], f"{field}.{kind}")}


MAX_BLOCK_LEVELS_PER_REQUEST = 3
"""A block plus two levels of nested children: Notion's limit for one request (column_list -> column -> paragraph)."""


def check_children(children: list[Any], field: str = "children") -> None:
    """Refuse blocks Notion cannot take; the count is handled by batching, nesting depth is not."""
    for index, block in enumerate(children):
        if not isinstance(block, Mapping):
            raise NotionInputError(
                f"{field}[{index}]", f"expected a block object, got {type(block).__name__}"
            )
        if _nesting(block) > MAX_BLOCK_LEVELS_PER_REQUEST:
            raise NotionInputError(
                f"{field}[{index}]",
                "has children nested more than two levels deep; Notion takes two levels per request "
                "(append deeper levels later, e.g. with NotionAppendBlocksOperator, which splits them)",
            )


def _nesting(block: Mapping[str, Any]) -> int:
    block_type = block.get("type")
    body = block.get(block_type) if isinstance(block_type, str) else None
    nested = body.get("children") if isinstance(body, Mapping) else None
    if not nested:
        nested = block.get("children")
    if not isinstance(nested, list) or not nested:
        return 1
    return 1 + max(_nesting(child) for child in nested if isinstance(child, Mapping))


def property_values(properties: Any, field: str = "properties") -> dict[str, Any]:
    """Page property values ready to send, checked against Notion's size limits before any request.

    A plain string given for a ``title`` or ``rich_text`` value is turned into rich text split into
    2,000-character pieces; more than 100 multi-select options, relations, people or rich-text items fail.
    """
    props = json_object(properties, field) or {}
    clean: dict[str, Any] = {}
    for name, value in props.items():
        if not isinstance(value, Mapping):
            clean[name] = value
            continue
        value = dict(value)
        for key in ("title", "rich_text"):
            if key in value and not isinstance(value[key], list):
                value[key] = rich_text(value[key], f"{field}.{name}.{key}")
        for key in ("title", "rich_text", "multi_select", "relation", "people", "files"):
            items = value.get(key)
            if isinstance(items, list) and len(items) > MAX_ARRAY_LENGTH:
                raise NotionInputError(
                    f"{field}.{name}",
                    f"has {len(items)} {key} items; Notion accepts at most {MAX_ARRAY_LENGTH}",
                )
        clean[name] = value
    return clean


# ------------------------------------------------------------------ upsert keys
# Which property types can identify a row for an upsert, and how to match on them.

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
